import type { ToastInput, ToastTone } from '../../../components/toast/toast-context';
import type { CollaborationUpdateEvent, DisputeUpdateEvent, PaymentUpdateEvent, PayoutUpdateEvent, WalletUpdateEvent } from '../../../lib/socket';
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

const MILESTONE_TITLES: Record<string, string> = {
  SUBMITTED: 'Work submitted',
  CHANGES_REQUESTED: 'Changes requested',
  RELEASED: 'Milestone approved',
};

const COLLABORATION_TITLES: Record<string, string> = {
  PROPOSED: 'New proposal',
  ACCEPTED: 'Proposal accepted',
  DECLINED: 'Proposal declined',
  CANCELED: 'Collaboration canceled',
  COMPLETED: 'Collaboration completed',
};

/** One toast per change: the local confirmation and the live event about the same change share this key. */
export function collaborationToastKey(collaborationId: string, status: string, milestoneId?: string): string {
  return `collaboration:${collaborationId}:${milestoneId ?? ''}:${status}`;
}

export function collaborationToast(e: CollaborationUpdateEvent): ToastInput {
  const title = (e.milestoneStatus && MILESTONE_TITLES[e.milestoneStatus]) ?? COLLABORATION_TITLES[e.status] ?? 'Collaboration updated';
  const tone: ToastTone = e.milestoneStatus === 'CHANGES_REQUESTED' ? 'warning' : e.status === 'DECLINED' || e.status === 'CANCELED' ? 'error' : 'info';
  return {
    tone,
    title,
    message: e.message || `The collaboration is now ${e.status}.`,
    key: collaborationToastKey(e.collaborationId, e.milestoneStatus ?? e.status, e.milestoneId),
  };
}

export function disputeToast(e: DisputeUpdateEvent): ToastInput {
  const title = e.status === 'RESOLVED' ? 'Dispute resolved' : e.status === 'WITHDRAWN' ? 'Dispute withdrawn' : 'Dispute updated';
  return { tone: e.status === 'OPEN' ? 'warning' : 'info', title, message: e.message || `The dispute is ${e.status}.` };
}
