import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useToast } from '../../../components/toast/toast-context';
import { ApiError, errorMessage, newIdempotencyKey } from '../../../lib/api-client';
import { useCreateInvoice } from '../api/create-invoice.api';
import { usePayWithSavedCard } from '../api/pay-with-saved-card.api';
import { useStartRetainer } from '../api/retainers.api';
import { useSavedCards } from '../api/saved-cards.api';

/**
 * Other ways to pay a collaboration, next to card checkout: one click with a saved card, pay by invoice, or (for a
 * monthly collaboration) start the retainer on a saved card. For the collaboration page.
 */
export function PayOptions({ collaborationId, paymentId, billing }: { collaborationId: string; paymentId: string | null; billing: string }) {
  const cards = useSavedCards();
  const payWithCard = usePayWithSavedCard();
  const createInvoice = useCreateInvoice();
  const startRetainer = useStartRetainer();
  const toast = useToast();
  const navigate = useNavigate();
  const saved = cards.data?.data ?? [];
  const [cardId, setCardId] = useState<string>('');
  const chosen = cardId || saved.find((c) => c.isDefault)?.id || saved[0]?.id || '';

  if (billing === 'monthly') {
    return (
      <div className="card stack" data-testid="retainer-start">
        <h3>Monthly retainer</h3>
        {saved.length === 0 ? (
          <p className="muted">Save a card on the Billing page first: each month is charged to it.</p>
        ) : (
          <button
            type="button"
            className="btn btn-primary"
            disabled={startRetainer.isPending}
            onClick={() =>
              startRetainer.mutate(
                { collaborationId, paymentMethodId: chosen, idempotencyKey: newIdempotencyKey() },
                {
                  onSuccess: () => navigate('/billing'),
                  onError: (e) => toast.push({ tone: 'error', title: 'Could not start the retainer', message: errorMessage(e) }),
                },
              )
            }
          >
            Start retainer on saved card
          </button>
        )}
      </div>
    );
  }

  return (
    <div className="card stack" data-testid="pay-options">
      <h3>Other ways to pay</h3>
      {saved.length > 0 && paymentId && (
        <div className="row">
          <select aria-label="Saved card" value={chosen} onChange={(e) => setCardId(e.target.value)}>
            {saved.map((c) => (
              <option key={c.id} value={c.id}>
                {c.brand.toUpperCase()} •••• {c.last4}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn btn-primary"
            disabled={payWithCard.isPending}
            onClick={() =>
              payWithCard.mutate(
                { paymentId, paymentMethodId: chosen, idempotencyKey: newIdempotencyKey() },
                {
                  onSuccess: () => toast.push({ tone: 'info', title: 'Paid', message: 'The payment is held by CollabPay.' }),
                  onError: (e) => {
                    if (e instanceof ApiError && e.code === 'AUTHENTICATION_REQUIRED') {
                      // the bank wants the card holder: finish on the checkout page (Stripe.js handles 3-D Secure)
                      navigate(`/payments/checkout/${collaborationId}`);
                      return;
                    }
                    toast.push({ tone: 'error', title: 'Payment failed', message: errorMessage(e) });
                  },
                },
              )
            }
          >
            Pay with saved card
          </button>
        </div>
      )}
      <button
        type="button"
        className="btn btn-secondary"
        disabled={createInvoice.isPending}
        onClick={() =>
          createInvoice.mutate(
            { collaborationId, idempotencyKey: newIdempotencyKey() },
            {
              onSuccess: (inv) => {
                toast.push({ tone: 'info', title: 'Invoice issued', message: `Invoice ${inv.number ?? ''} is open.` });
                navigate('/billing');
              },
              onError: (e) => toast.push({ tone: 'error', title: 'Could not issue an invoice', message: errorMessage(e) }),
            },
          )
        }
      >
        Pay by invoice
      </button>
    </div>
  );
}
