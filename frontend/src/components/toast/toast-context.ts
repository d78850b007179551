import { createContext, useContext } from 'react';

export type ToastTone = 'success' | 'error' | 'warning' | 'info';

export interface ToastInput {
  tone?: ToastTone;
  title: string;
  message?: string;
  /** Auto-dismiss delay in ms (default 5000). */
  duration?: number;
  /** Toasts with the same key are shown once while one of them is on screen (e.g. `payment:<id>:HELD`). */
  key?: string;
}

export interface Toast extends Required<Omit<ToastInput, 'message' | 'key'>> {
  id: number;
  message?: string;
  key?: string;
}

export interface ToastApi {
  push: (toast: ToastInput) => number;
  dismiss: (id: number) => void;
}

export const ToastContext = createContext<ToastApi | null>(null);

export function useToast(): ToastApi {
  const ctx = useContext(ToastContext);
  if (!ctx) throw new Error('useToast must be used inside <ToastProvider>');
  return ctx;
}

export const TOAST_DURATION_MS = 5000;
export const MAX_TOASTS = 5;
