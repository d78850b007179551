import { useState, type FormEvent } from 'react';
import { PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import { formatMoney } from '../../../lib/money';

interface CheckoutFormProps {
  collaborationId: string;
  amount: number;
  currency: string;
  /** CollabPay's fee and what the influencer receives, when known (shown as a breakdown above the card form). */
  fee?: number;
  net?: number;
  /** A failure message from a previous attempt (e.g. after a redirect back). */
  previousError?: string | null;
}

export function returnUrlFor(collaborationId: string): string {
  return `${window.location.origin}/payments/result/${encodeURIComponent(collaborationId)}`;
}

/** The Payment Element plus the Pay button; shows confirmPayment's error and lets the company retry. */
export function CheckoutForm({ collaborationId, amount, currency, fee, net, previousError }: CheckoutFormProps) {
  const stripe = useStripe();
  const elements = useElements();
  const [error, setError] = useState<string | null>(previousError ?? null);
  const [submitting, setSubmitting] = useState(false);
  const [ready, setReady] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!stripe || !elements || submitting) return;
    setSubmitting(true);
    setError(null);
    try {
      const result = await stripe.confirmPayment({
        elements,
        confirmParams: { return_url: returnUrlFor(collaborationId) },
      });
      // On success Stripe redirects to return_url; we only get here on an error.
      if (result.error) {
        setError(result.error.message ?? 'Your payment could not be completed. Try another card.');
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Your payment could not be completed.');
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form className="card form checkout-form" onSubmit={submit} aria-labelledby="checkout-title" noValidate>
      <h2 id="checkout-title">Card details</h2>
      <dl className="breakdown" data-testid="checkout-breakdown">
        <div className="breakdown-total">
          <dt>Amount due</dt>
          <dd data-testid="checkout-amount">{formatMoney({ amount, currency })}</dd>
        </div>
        {typeof fee === 'number' && typeof net === 'number' && (
          <>
            <div>
              <dt>CollabPay fee (included)</dt>
              <dd data-testid="checkout-fee">{formatMoney({ amount: fee, currency })}</dd>
            </div>
            <div>
              <dt>Influencer receives on release</dt>
              <dd data-testid="checkout-net">{formatMoney({ amount: net, currency })}</dd>
            </div>
          </>
        )}
      </dl>
      <div className="payment-element">
        <PaymentElement onReady={() => setReady(true)} onChange={() => error && setError(null)} />
        {!ready && <p className="muted">Loading the secure card form…</p>}
      </div>
      {error && (
        <div className="alert alert-error" role="alert" data-testid="checkout-error">
          {error}
        </div>
      )}
      <button type="submit" className="btn btn-primary btn-block" disabled={!stripe || !elements || submitting}>
        {submitting ? 'Processing…' : 'Pay'}
      </button>
      <p className="hint">Your money is held by CollabPay until you release it to the influencer.</p>
    </form>
  );
}
