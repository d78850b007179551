import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { MAX_TOASTS, TOAST_DURATION_MS, ToastContext, type Toast, type ToastApi, type ToastInput } from './toast-context';
import { ToastStack } from './ToastStack';

/**
 * Next state of the stack for one pushed toast (pure, so the coalescing rules are easy to test):
 * - same `key` on screen → nothing new;
 * - same `group` on screen → progress (`updateOnly`) rewrites that toast in place; news replaces it in its slot
 *   (a new toast, announced again) — so one object never holds more than one slot;
 * - `updateOnly` without a toast of its group → nothing; otherwise appended, keeping the newest MAX_TOASTS.
 */
export function nextToasts(list: Toast[], input: ToastInput, id: number): { list: Toast[]; shownId: number | null } {
  const same = input.key ? list.find((t) => t.key === input.key) : undefined;
  if (same) return { list, shownId: same.id };
  const sibling = input.group ? list.find((t) => t.group === input.group) : undefined;
  if (sibling) {
    const updated: Toast = {
      ...sibling,
      id: input.updateOnly ? sibling.id : id,
      tone: input.tone ?? sibling.tone,
      title: input.title,
      message: input.message,
      duration: input.duration ?? TOAST_DURATION_MS,
      key: input.key,
      version: sibling.version + 1,
    };
    return { list: list.map((t) => (t === sibling ? updated : t)), shownId: updated.id };
  }
  if (input.updateOnly) return { list, shownId: null };
  const toast: Toast = {
    id,
    tone: input.tone ?? 'info',
    title: input.title,
    message: input.message,
    duration: input.duration ?? TOAST_DURATION_MS,
    key: input.key,
    group: input.group,
    version: 0,
  };
  return { list: [...list, toast].slice(-MAX_TOASTS), shownId: id };
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  // The list as of the last push, so several pushes in one event handler see each other.
  const shown = useRef<Toast[]>([]);
  shown.current = toasts;

  const dismiss = useCallback((id: number) => {
    shown.current = shown.current.filter((t) => t.id !== id);
    setToasts((list) => list.filter((t) => t.id !== id));
  }, []);

  const push = useCallback((input: ToastInput) => {
    const id = nextId.current++;
    const next = nextToasts(shown.current, input, id);
    shown.current = next.list;
    setToasts(next.list);
    return next.shownId;
  }, []);

  const api = useMemo<ToastApi>(() => ({ push, dismiss }), [push, dismiss]);

  return (
    <ToastContext.Provider value={api}>
      {children}
      <ToastStack toasts={toasts} onDismiss={dismiss} />
    </ToastContext.Provider>
  );
}
