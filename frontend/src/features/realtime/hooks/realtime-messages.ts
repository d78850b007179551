import type { ToastInput, ToastTone } from '../../../components/toast/toast-context';
import type { PaymentUpdateEvent, PayoutUpdateEvent, WalletUpdateEvent } from '../../../lib/socket';
import { formatMoney } from '../../../lib/money';

function paymentTone(status: string): ToastTone {
  if (['HELD', 'RELEASED', 'PARTIALLY_RELEASED'].includes(status)) return 'success';
  if (['FAILED', 'DISPUTED', 'CANCELED'].includes(status)) return 'error';
  if (['REFUNDED', 'PARTIALLY_REFUNDED'].includes(status)) return 'warning';
  return 'info';
}

function payoutTone(status: string): ToastTone {
  if (status === 'COMPLETED') return 'success';
  if (status === 'FAILED' || status === 'CANCELED') return 'error';
  return 'info';
}

export function paymentToast(e: PaymentUpdateEvent): ToastInput {
  return {
    tone: paymentTone(e.status),
    title: `Payment ${e.status}`,
    message: e.message || `${formatMoney({ amount: e.amount, currency: e.currency })} is now ${e.status}.`,
    // a payment is funded once: the result page may announce it too (same key → one toast)
    ...(e.status === 'HELD' ? { key: `payment:${e.paymentId}:HELD` } : {}),
  };
}

export function walletToast(e: WalletUpdateEvent): ToastInput {
  const tx = e.lastTransaction;
  const credited = tx?.type === 'credit' && typeof tx.amount === 'number';
  return {
    tone: tx?.type === 'debit' ? 'info' : 'success',
    title: credited ? 'Wallet credited' : 'Wallet updated',
    message: credited
      ? `+${formatMoney({ amount: tx.amount!, currency: e.currency })} · available ${formatMoney({ amount: e.available, currency: e.currency })}`
      : `Available ${formatMoney({ amount: e.available, currency: e.currency })}`,
  };
}

export function payoutToast(e: PayoutUpdateEvent): ToastInput {
  return {
    tone: payoutTone(e.status),
    title: `Payout ${e.status}`,
    message: e.message || `${formatMoney({ amount: e.amount, currency: e.currency })} payout is ${e.status}.`,
  };
}
