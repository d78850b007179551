/**
 * Runs `fn` once the browser is idle after the current render and paint (requestIdleCallback, with a timeout so it
 * does run on a busy page; a short timer where the API is missing, e.g. Safari). Returns a cancel function.
 */
export function whenIdle(fn: () => void, timeout = 2000): () => void {
  if (typeof window !== 'undefined' && typeof window.requestIdleCallback === 'function') {
    const id = window.requestIdleCallback(() => fn(), { timeout });
    return () => window.cancelIdleCallback(id);
  }
  const id = setTimeout(fn, 50);
  return () => clearTimeout(id);
}
