import { useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog';
import { FormError } from '../../../components/QueryState';
import { errorMessage } from '../../../lib/api-client';
import { formatDate } from '../../../lib/format';
import { currencyExponent, formatMoney, tryParseMajorToMinor } from '../../../lib/money';
import { useIdempotencyKey } from '../../../lib/use-idempotency-key';
import type { Payout, WalletBalance } from '../../../types/api';
import { useRequestPayout } from '../api/request-payout.api';

export function validatePayout(input: string, currency: string, available: number): { amount?: number; error?: string } {
  const parsed = tryParseMajorToMinor(input, currency);
  if (!parsed.ok) return { error: parsed.error };
  if (parsed.value <= 0) return { error: 'Amount must be greater than zero' };
  if (parsed.value > available) {
    return { error: `You can withdraw at most ${formatMoney({ amount: available, currency })} now` };
  }
  return { amount: parsed.value };
}

interface PayoutModalProps {
  balances: WalletBalance[];
  defaultCurrency?: string;
  onClose: () => void;
  onRequested?: (payout: Payout) => void;
}

/** Amount typed in major units, converted exactly to minor units with the currency's exponent. */
export function PayoutModal({ balances, defaultCurrency, onClose, onRequested }: PayoutModalProps) {
  const [currency, setCurrency] = useState(defaultCurrency ?? balances[0]?.currency ?? 'usd');
  const [amount, setAmount] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const mutation = useRequestPayout();
  const keyFor = useIdempotencyKey();
  const balance = balances.find((b) => b.currency === currency);
  // what Stripe lets us pay out now (the rest of the wallet waits for the payments' funds to become available)
  const available = Math.min(balance?.availableForPayout ?? balance?.available ?? 0, balance?.available ?? 0);
  const later = (balance?.available ?? 0) - available;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const result = validatePayout(amount, currency, available);
    if (result.error || result.amount === undefined) {
      setFieldError(result.error ?? 'Enter an amount');
      document.getElementById('payout-amount')?.focus();
      return;
    }
    setFieldError(null);
    const body = { amount: result.amount, currency };
    mutation.mutate(
      { ...body, idempotencyKey: keyFor(body) },
      {
        onSuccess: (payout) => {
          onRequested?.(payout);
          onClose();
        },
      },
    );
  };

  const exponent = currencyExponent(currency);
  return (
    <Dialog title="Request payout" onClose={onClose} description={<p>Money goes to the bank account you set up with Stripe.</p>}>
      <form onSubmit={submit} noValidate className="form" aria-label="Payout">
        <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
        <div className="field">
          <label htmlFor="payout-currency">Currency</label>
          <select
            id="payout-currency"
            value={currency}
            onChange={(e) => {
              setCurrency(e.target.value);
              setFieldError(null);
            }}
          >
            {balances.map((b) => (
              <option key={b.currency} value={b.currency}>
                {b.currency.toUpperCase()}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="payout-amount">Amount ({currency.toUpperCase()})</label>
          <input
            id="payout-amount"
            inputMode={exponent > 0 ? 'decimal' : 'numeric'}
            placeholder={exponent > 0 ? `0.${'0'.repeat(exponent)}` : '0'}
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            aria-invalid={!!fieldError}
            aria-describedby={fieldError ? 'payout-amount-error payout-available' : 'payout-available'}
            data-autofocus
          />
          {fieldError && (
            <p id="payout-amount-error" className="field-error">
              {fieldError}
            </p>
          )}
          <p id="payout-available" className="hint">
            Payable now: <span data-testid="payout-available">{formatMoney({ amount: available, currency })}</span>
            {later > 0 && balance?.nextAvailableOn && (
              <>
                {' '}
                ({formatMoney({ amount: later, currency })} more from {formatDate(balance.nextAvailableOn)})
              </>
            )}
          </p>
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Requesting…' : 'Confirm payout'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
