import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { MAX_TOASTS, TOAST_DURATION_MS, ToastContext, type Toast, type ToastApi, type ToastInput } from './toast-context';
import { ToastStack } from './ToastStack';

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);

  const shown = useRef<Toast[]>([]);
  shown.current = toasts;

  const push = useCallback((input: ToastInput) => {
    const same = input.key ? shown.current.find((t) => t.key === input.key) : undefined;
    if (same) return same.id;
    const id = nextId.current++;
    const toast: Toast = {
      id,
      tone: input.tone ?? 'info',
      title: input.title,
      message: input.message,
      duration: input.duration ?? TOAST_DURATION_MS,
      key: input.key,
    };
    shown.current = [...shown.current, toast];
    // Newest last; keep only the most recent few so the stack stays readable on a phone.
    setToasts((list) => (toast.key && list.some((t) => t.key === toast.key) ? list : [...list, toast].slice(-MAX_TOASTS)));
    return id;
  }, []);

  const api = useMemo<ToastApi>(() => ({ push, dismiss }), [push, dismiss]);

  return (
    <ToastContext.Provider value={api}>
      {children}
      <ToastStack toasts={toasts} onDismiss={dismiss} />
    </ToastContext.Provider>
  );
}
