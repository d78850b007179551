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
  /**
   * The object the toast is about (e.g. `payout:<id>`): news about the same object replaces the toast on screen
   * (new text, timer restarted) instead of stacking a second one.
   */
  group?: string;
  /** Progress that is not worth a toast of its own: only updates a toast of the same `group` already on screen. */
  updateOnly?: boolean;
}

export interface Toast extends Required<Omit<ToastInput, 'message' | 'key' | 'group' | 'updateOnly'>> {
  id: number;
  message?: string;
  key?: string;
  group?: string;
  /** bumped when a newer message about the same object replaces this one (restarts its timer) */
  version: number;
}

export interface ToastApi {
  /** Returns the id of the toast shown or updated, or null when nothing was shown. */
  push: (toast: ToastInput) => number | null;
  dismiss: (id: number) => void;
}

export const ToastContext = createContext<ToastApi | null>(null);

export function useToast(): ToastApi {
  const ctx = useContext(ToastContext);
  if (!ctx) throw new Error('useToast must be used inside <ToastProvider>');
  return ctx;
}

export const TOAST_DURATION_MS = 5000;
export const MAX_TOASTS = 3;
