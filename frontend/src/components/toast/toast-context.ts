import { createContext, useContext } from 'react';

export type ToastTone = 'success' | 'error' | 'warning' | 'info';

export interface ToastInput {
  tone?: ToastTone;
  title: string;
  message?: string;
  /** Auto-dismiss delay in ms (default 5000). */
  duration?: number;
}

export interface Toast extends Required<Omit<ToastInput, 'message'>> {
  id: number;
  message?: string;
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
