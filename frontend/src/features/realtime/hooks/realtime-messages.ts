import type { ToastInput, ToastTone } from '../../../components/toast/toast-context';
import type {
  CollaborationUpdateEvent,
  DisputeUpdateEvent,
  PaymentUpdateEvent,
  PayoutUpdateEvent,
  RetainerUpdateEvent,
  WalletUpdateEvent,
} from '../../../lib/socket';
import { statusLabel } from '../../../lib/labels';
import { formatMoney } from '../../../lib/money';

const tone = (t: string): ToastTone => (t === 'neutral' ? 'info' : (t as ToastTone));

/** Payment news, one toast slot per payment (a newer status replaces the older one on screen). */
export function paymentToast(e: PaymentUpdateEvent): ToastInput {
  const l = statusLabel('payment', e.status);
  return {
    tone: tone(l.tone),
    title: `Payment: ${l.label}`,
    message: e.message || `${formatMoney({ amount: e.amount, currency: e.currency })}. ${l.explanation}`,
    group: `payment:${e.paymentId}`,
    // in progress: only worth updating a toast already on screen
    updateOnly: e.status === 'PENDING' || e.status === 'PROCESSING',
    // a payment is funded once: the result page may announce it too (same key → one toast)
    ...(e.status === 'HELD' ? { key: `payment:${e.paymentId}:HELD` } : {}),
  };
}

/**
 * Wallet news: only earnings are worth a toast. A debit is a payout the person asked for, and money coming back
 * from a failed payout is told by that payout's own toast — both just update the figures.
 */
export function walletToast(e: WalletUpdateEvent): ToastInput | null {
  const tx = e.lastTransaction;
  if (tx?.type !== 'credit' || typeof tx.amount !== 'number') return null;
  if (/^payout\b/i.test(tx.description ?? '')) return null;
  return {
    tone: 'success',
    title: 'Wallet credited',
    message: `+${formatMoney({ amount: tx.amount, currency: e.currency })} · available ${formatMoney({ amount: e.available, currency: e.currency })}`,
  };
}

/** Payout news, one slot per payout: "requested" (from the wallet screen) then the outcome — at most 2 toasts. */
export function payoutToast(e: PayoutUpdateEvent): ToastInput {
  const l = statusLabel('payout', e.status);
  return {
    tone: tone(l.tone),
    title: `Payout: ${l.label}`,
    message: e.message || `${formatMoney({ amount: e.amount, currency: e.currency })}. ${l.explanation}`,
    group: `payout:${e.payoutId}`,
    updateOnly: e.status === 'PENDING' || e.status === 'IN_TRANSIT',
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
    message: e.message || `The collaboration is now: ${statusLabel('collaboration', e.status).label}.`,
    key: collaborationToastKey(e.collaborationId, e.milestoneStatus ?? e.status, e.milestoneId),
  };
}

export function disputeToast(e: DisputeUpdateEvent): ToastInput {
  const title = e.status === 'RESOLVED' ? 'Dispute resolved' : e.status === 'WITHDRAWN' ? 'Dispute withdrawn' : 'Dispute updated';
  return { tone: e.status === 'OPEN' ? 'warning' : 'info', title, message: e.message || `The dispute is now: ${statusLabel('dispute', e.status).label}.` };
}

/**
 * Retainer news: one toast per retainer and status (it ended, a month is overdue, it is paid up again), and one when
 * it is set to end at period end or kept again (same status).
 */
export function retainerToast(e: RetainerUpdateEvent): ToastInput {
  if (e.previousStatus === e.status && e.status !== 'canceled') {
    const ending = e.cancelAtPeriodEnd === true;
    return {
      tone: 'info',
      title: ending ? 'Retainer ending' : 'Retainer continues',
      message: e.message || (ending ? 'The monthly retainer ends at the end of this month.' : 'The monthly retainer renews as usual.'),
      key: `retainer:${e.retainerId}:${ending ? 'ending' : 'continues'}`,
    };
  }
  const [title, t]: [string, ToastTone] =
    e.status === 'canceled'
      ? ['Retainer ended', 'info']
      : e.status === 'past_due'
        ? ['Monthly payment overdue', 'warning']
        : e.status === 'active'
          ? ['Retainer active', 'success']
          : ['Retainer updated', 'info'];
  return { tone: t, title, message: e.message || `The monthly retainer is now: ${e.status.replace('_', ' ')}.`, key: `retainer:${e.retainerId}:${e.status}` };
}
