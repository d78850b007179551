import { useEffect } from 'react';
import type { Toast } from './toast-context';

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  useEffect(() => {
    if (toast.duration <= 0) return;
    const timer = setTimeout(() => onDismiss(toast.id), toast.duration);
    return () => clearTimeout(timer);
  }, [toast.id, toast.duration, onDismiss]);

  return (
    <div className={`toast toast-${toast.tone}`} role="status" data-testid="toast" data-tone={toast.tone}>
      <div className="toast-body">
        <strong className="toast-title">{toast.title}</strong>
        {toast.message && <p className="toast-message">{toast.message}</p>}
      </div>
      <button type="button" className="toast-close" onClick={() => onDismiss(toast.id)} aria-label={`Dismiss: ${toast.title}`}>
        ×
      </button>
    </div>
  );
}

/** A live region holding the stacked toasts (newest at the bottom). */
export function ToastStack({ toasts, onDismiss }: { toasts: Toast[]; onDismiss: (id: number) => void }) {
  return (
    <div className="toast-stack" aria-live="polite" aria-relevant="additions text" aria-label="Notifications">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} onDismiss={onDismiss} />
      ))}
    </div>
  );
}
