import { useEffect } from 'react';
import type { Toast } from './toast-context';

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  useEffect(() => {
    if (toast.duration <= 0) return;
    const timer = setTimeout(() => onDismiss(toast.id), toast.duration);
    return () => clearTimeout(timer);
    // a newer message about the same object (version) restarts the timer
  }, [toast.id, toast.duration, toast.version, onDismiss]);

  return (
    <div className={`toast toast-${toast.tone}`} role="status" data-testid="toast" data-tone={toast.tone} data-group={toast.group}>
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

/**
 * The stacked toasts (newest at the bottom) in a labelled region landmark, so its content is inside a landmark and
 * its label is allowed (axe). On phones it sits at the bottom edge, below the key figures at the top of each screen.
 */
export function ToastStack({ toasts, onDismiss }: { toasts: Toast[]; onDismiss: (id: number) => void }) {
  return (
    <section className="toast-stack" aria-live="polite" aria-relevant="additions text" aria-label="Notifications">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} onDismiss={onDismiss} />
      ))}
    </section>
  );
}
