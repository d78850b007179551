/** Cursor pagination controls for `{data, nextCursor}` lists. */
export function CursorPager({
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  loading,
}: {
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  loading?: boolean;
}) {
  if (!hasPrevious && !hasNext) return null;
  return (
    <nav className="pager" aria-label="Pagination">
      <button type="button" className="btn btn-secondary" onClick={onPrevious} disabled={!hasPrevious || loading}>
        Previous page
      </button>
      <button type="button" className="btn btn-secondary" onClick={onNext} disabled={!hasNext || loading}>
        Next page
      </button>
    </nav>
  );
}
