import { useEffect, useState, type FormEvent } from 'react';
import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import type { Stripe } from '@stripe/stripe-js';
import { useQueryClient } from '@tanstack/react-query';
import { ErrorMessage, Spinner } from '../../../components/QueryState';
import { useConfig } from '../../payments/api/get-config.api';
import { getStripe } from '../../payments/hooks/load-stripe';
import { billingKeys } from '../api/query-keys';
import { createSetupIntent, getSavedCards, setDefaultCard } from '../api/saved-cards.api';

function SetupForm({ onDone }: { onDone: () => void }) {
  const stripe = useStripe();
  const elements = useElements();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!stripe || !elements || busy) return;
    setBusy(true);
    setError(null);
    const result = await stripe.confirmSetup({ elements, confirmParams: { return_url: `${window.location.origin}/billing` }, redirect: 'if_required' });
    if (result.error) {
      setBusy(false);
      setError(result.error.message ?? 'The card could not be saved.');
      return;
    }
    // The server makes the first saved card the default when Stripe's setup_intent.succeeded webhook arrives, which
    // is usually after this point: a list fetched now would show the only card as not default, and nothing would
    // refresh it. So when no card is default yet, make the new one the default here (the webhook then finds one).
    const pm = result.setupIntent?.payment_method;
    const pmId = typeof pm === 'string' ? pm : pm?.id;
    try {
      const cards = await qc.fetchQuery({ queryKey: billingKeys.cards, queryFn: ({ signal }) => getSavedCards(signal), staleTime: 0 });
      if (pmId && !cards.data.some((c) => c.isDefault)) qc.setQueryData(billingKeys.cards, await setDefaultCard(pmId));
    } catch {
      // the card is saved either way; the list below is refreshed
      await qc.invalidateQueries({ queryKey: billingKeys.cards });
    }
    setBusy(false);
    onDone();
  };

  return (
    <form className="form" onSubmit={submit} aria-label="Save a card" noValidate>
      <PaymentElement />
      {error && (
        <div className="alert alert-error" role="alert">
          {error}
        </div>
      )}
      <button type="submit" className="btn btn-primary" disabled={!stripe || busy}>
        {busy ? 'Saving…' : 'Save card'}
      </button>
    </form>
  );
}

/** Saves a card for later (one-click payments, retainers) with a SetupIntent and Stripe Elements. */
export function AddCardForm({ onDone }: { onDone: () => void }) {
  const config = useConfig();
  const [secret, setSecret] = useState<string | null>(null);
  const [stripe, setStripe] = useState<Promise<Stripe | null> | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!config.data) return;
    let live = true;
    setStripe(getStripe(config.data));
    createSetupIntent()
      .then((si) => live && setSecret(si.clientSecret))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [config.data]);

  if (error || config.isError) return <ErrorMessage error={error ?? config.error} />;
  if (!secret || !stripe) return <Spinner label="Preparing the secure card form…" />;
  return (
    <Elements stripe={stripe} options={{ clientSecret: secret }}>
      <SetupForm onDone={onDone} />
    </Elements>
  );
}
