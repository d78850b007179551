import { statusLabel, type StatusKind } from '../lib/labels';

/**
 * A status as people read it ("Held in escrow", not `HELD`), coloured by outcome, with the plain-words explanation
 * as its title. The raw code stays in `data-status` for tests and tools.
 */
export function StatusBadge({ status, kind = 'payment', testId }: { status: string; kind?: StatusKind; testId?: string }) {
  const l = statusLabel(kind, status);
  return (
    <span className={`badge badge-${l.tone}`} data-testid={testId} data-status={status.toUpperCase()} title={l.explanation || undefined}>
      {l.label}
    </span>
  );
}
