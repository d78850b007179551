import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { useToast } from '../../../components/toast/toast-context';
import { ApiError } from '../../../lib/api-client';
import { formatMoney } from '../../../lib/money';
import { useIdempotencyKey } from '../../../lib/use-idempotency-key';
import { useCollaboration } from '../../collaborations/api/get-collaboration.api';
import { usePayment } from '../../payments/api/get-payment.api';
import { breakdownOf, type FeeSource } from '../../payments/fees';
import { useCreateInvoice } from '../api/create-invoice.api';
import { usePayWithSavedCard } from '../api/pay-with-saved-card.api';
import { useStartRetainer } from '../api/retainers.api';
import { useSavedCards } from '../api/saved-cards.api';

type Action = 'card' | 'invoice' | 'retainer' | null;

/**
 * Other ways to pay a collaboration, next to card checkout: one click with a saved card, pay by invoice, or (for a
 * monthly collaboration) start the retainer on a saved card. Each asks for confirmation first, with the amounts.
 */
export function PayOptions({ collaborationId, paymentId, billing }: { collaborationId: string; paymentId: string | null; billing: string }) {
  const cards = useSavedCards();
  const collaboration = useCollaboration(collaborationId);
  const payment = usePayment(paymentId ?? undefined);
  const payWithCard = usePayWithSavedCard();
  const createInvoice = useCreateInvoice();
  const startRetainer = useStartRetainer();
  const keyFor = useIdempotencyKey();
  const toast = useToast();
  const navigate = useNavigate();
  const [action, setAction] = useState<Action>(null);
  const saved = cards.data?.data ?? [];
  const [cardId, setCardId] = useState<string>('');
  const chosen = cardId || saved.find((c) => c.isDefault)?.id || saved[0]?.id || '';
  const card = saved.find((c) => c.id === chosen);
  const cardName = card ? `${card.brand.toUpperCase()} •••• ${card.last4}` : 'the saved card';

  const c = collaboration.data as (FeeSource & { title?: string }) | undefined;
  const source: FeeSource | undefined = payment.data ?? c;
  const breakdown = breakdownOf(source);
  const gross = source ? formatMoney({ amount: source.amount, currency: source.currency }) : '';
  const close = () => setAction(null);

  const cardPicker = saved.length > 1 && (
    <div className="field">
      <label htmlFor="pay-card">Card</label>
      <select id="pay-card" value={chosen} onChange={(e) => setCardId(e.target.value)}>
        {saved.map((s) => (
          <option key={s.id} value={s.id}>
            {s.brand.toUpperCase()} •••• {s.last4}
          </option>
        ))}
      </select>
    </div>
  );

  const dialogs = (
    <>
      {action === 'card' && paymentId && (
        <ConfirmDialog
          title="Pay with saved card"
          breakdown={breakdown ?? undefined}
          confirmLabel={`Pay ${gross}`}
          pendingLabel="Paying…"
          extra={cardPicker}
          onClose={close}
          onConfirm={async () => {
            const body = { paymentId, paymentMethodId: chosen };
            try {
              await payWithCard.mutateAsync({ ...body, idempotencyKey: keyFor(body) });
            } catch (e) {
              if (e instanceof ApiError && e.code === 'AUTHENTICATION_REQUIRED') {
                // the bank wants the card holder: finish on the checkout page (Stripe.js handles 3-D Secure)
                navigate(`/payments/checkout/${collaborationId}`);
                return;
              }
              throw e;
            }
            toast.push({ tone: 'success', title: 'Paid', message: 'The payment is held by CollabPay until you release it.', group: `payment:${paymentId}` });
          }}
        >
          <p>
            {cardName} is charged {gross} now. CollabPay holds the money in escrow; the influencer gets it when you release it.
          </p>
        </ConfirmDialog>
      )}
      {action === 'invoice' && (
        <ConfirmDialog
          title="Pay by invoice"
          breakdown={breakdown ?? undefined}
          confirmLabel="Issue invoice"
          pendingLabel="Issuing…"
          onClose={close}
          onConfirm={async () => {
            const body = { collaborationId };
            const inv = await createInvoice.mutateAsync({ ...body, idempotencyKey: keyFor(body) });
            toast.push({ tone: 'info', title: 'Invoice issued', message: `Invoice ${inv.number ?? ''} is open.` });
            navigate('/billing');
          }}
        >
          <p>
            We issue an invoice for {gross}, due in 30 days, payable online or by bank transfer. Card checkout is not available while it is open (void it to pay
            by card). When it is paid, the money is held in escrow until you release it.
          </p>
        </ConfirmDialog>
      )}
      {action === 'retainer' && (
        <ConfirmDialog
          title="Start monthly retainer"
          breakdown={breakdown ? { ...breakdown, grossLabel: 'Each month', netLabel: 'Influencer receives each month' } : undefined}
          confirmLabel={`Start — ${gross} a month`}
          pendingLabel="Starting…"
          extra={cardPicker}
          onClose={close}
          onConfirm={async () => {
            const body = { collaborationId, paymentMethodId: chosen };
            await startRetainer.mutateAsync({ ...body, idempotencyKey: keyFor(body) });
            navigate('/billing');
          }}
        >
          <p>
            {cardName} is charged {gross} now and then every month until you cancel. Each month’s money is held in escrow until you release it. You can cancel
            at the end of any month on the Billing page.
          </p>
        </ConfirmDialog>
      )}
    </>
  );

  if (billing === 'monthly') {
    return (
      <div className="card stack" data-testid="retainer-start">
        <h3>Monthly retainer</h3>
        {saved.length === 0 ? (
          <p className="muted">Save a card on the Billing page first: each month is charged to it.</p>
        ) : (
          <button type="button" className="btn btn-primary" onClick={() => setAction('retainer')}>
            Start retainer on saved card
          </button>
        )}
        {dialogs}
      </div>
    );
  }

  return (
    <div className="card stack" data-testid="pay-options">
      <h3>Other ways to pay</h3>
      {breakdown && (
        <p className="muted small">
          {gross} in total: {formatMoney({ amount: breakdown.fee, currency: breakdown.currency })} CollabPay fee,{' '}
          {formatMoney({ amount: breakdown.net, currency: breakdown.currency })} for the influencer.
        </p>
      )}
      {saved.length > 0 && paymentId && (
        <div className="row">
          <select aria-label="Saved card" value={chosen} onChange={(e) => setCardId(e.target.value)}>
            {saved.map((s) => (
              <option key={s.id} value={s.id}>
                {s.brand.toUpperCase()} •••• {s.last4}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn-primary" onClick={() => setAction('card')}>
            Pay with saved card
          </button>
        </div>
      )}
      <button type="button" className="btn btn-secondary" onClick={() => setAction('invoice')}>
        Pay by invoice
      </button>
      {dialogs}
    </div>
  );
}
