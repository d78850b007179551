import { useCallback, useRef } from 'react';
import { newIdempotencyKey } from './api-client';

/**
 * One Idempotency-Key per distinct request body for the lifetime of a form/dialog:
 * retrying the same request reuses its key (the server replays the first answer), while
 * a changed body gets a new key (reusing a key with another body would be a 422).
 */
export function useIdempotencyKey(): (body: unknown) => string {
  const keys = useRef(new Map<string, string>());
  return useCallback((body: unknown) => {
    const id = JSON.stringify(body ?? null);
    let key = keys.current.get(id);
    if (!key) {
      key = newIdempotencyKey();
      keys.current.set(id, key);
    }
    return key;
  }, []);
}
