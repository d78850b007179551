/**
 * Targeted cache updates from live events: the event carries the new figures, so the cached answers are patched in
 * place (setQueryData) and only what the event cannot describe is refetched — one wallet event used to refetch
 * all four wallet endpoints, one payment event every payment and collaboration list.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { Page } from '../../../lib/api-client';
import type { PaymentUpdateEvent, PayoutUpdateEvent, RetainerUpdateEvent, WalletUpdateEvent } from '../../../lib/socket';
import { billingKeys } from '../../billing/api/query-keys';
import type { Payment, Payout, WalletBalance } from '../../../types/api';

type Balances = { balances: WalletBalance[] };

/** wallet:update → the balance entry of that currency gets the new figures; only the transaction lists refetch. */
export function applyWalletUpdate(qc: QueryClient, e: WalletUpdateEvent): void {
  let patched = false;
  qc.setQueryData<Balances>(['wallet', 'balance'], (old) => {
    if (!old) return old;
    const i = old.balances.findIndex((b) => b.currency === e.currency);
    if (i < 0) return old;
    patched = true;
    const balances = old.balances.slice();
    const b = balances[i];
    const credit = e.lastTransaction?.type === 'credit' && typeof e.lastTransaction.amount === 'number' ? e.lastTransaction.amount : 0;
    // availableForPayout and nextAvailableOn are computed from Stripe's side: not in the event, so refetch below
    balances[i] = { ...b, available: e.available, pending: e.pending, totalEarned: b.totalEarned + credit };
    return { ...old, balances };
  });
  if (!patched || 'availableForPayout' in (qc.getQueryData<Balances>(['wallet', 'balance'])?.balances[0] ?? {})) {
    void qc.invalidateQueries({ queryKey: ['wallet', 'balance'], exact: true });
  }
  void qc.invalidateQueries({ queryKey: ['wallet', 'transactions'] });
}

/** payout:update → that payout's row in every cached page; an unknown payout refetches the first page only. */
export function applyPayoutUpdate(qc: QueryClient, e: PayoutUpdateEvent): void {
  let found = false;
  qc.setQueriesData<Page<Payout>>({ queryKey: ['wallet', 'payouts'] }, (old) => {
    if (!old?.data) return old;
    if (!old.data.some((p) => p.id === e.payoutId)) return old;
    found = true;
    return { ...old, data: old.data.map((p) => (p.id === e.payoutId ? { ...p, status: e.status as Payout['status'] } : p)) };
  });
  if (!found) void qc.invalidateQueries({ queryKey: ['wallet', 'payouts'] });
  // a final state changes the totals (withdrawn, in transit) that no wallet event carries: refetch the balance only
  if (['COMPLETED', 'FAILED', 'CANCELED'].includes(e.status)) void qc.invalidateQueries({ queryKey: ['wallet', 'balance'], exact: true });
}

/** payment:update → the payment (detail, by collaboration, list rows) patched; that collaboration refetched. */
export function applyPaymentUpdate(qc: QueryClient, e: PaymentUpdateEvent): void {
  const patch = (p: Payment | undefined) => (p && p.id === e.paymentId ? { ...p, status: e.status as Payment['status'] } : p);
  qc.setQueryData<Payment>(['payments', 'detail', e.paymentId], patch);
  qc.setQueryData<Payment | null>(['payments', 'collaboration', e.collaborationId], (p) => patch(p ?? undefined) ?? p);
  let listed = false;
  qc.setQueriesData<Page<Payment>>({ queryKey: ['payments', 'list'] }, (old) => {
    if (!old?.data?.some((p) => p.id === e.paymentId)) return old;
    listed = true;
    return { ...old, data: old.data.map((p) => patch(p)!) };
  });
  // amounts released/refunded and the held figure are not in the event: refetch the one payment and its collaboration
  void qc.invalidateQueries({ queryKey: ['payments', 'detail', e.paymentId] });
  // invoices and retainer months are views of payments (billing query keys live under ['payments', 'billing'])
  void qc.invalidateQueries({ queryKey: ['payments', 'billing'] });
  void qc.invalidateQueries({ queryKey: ['payments', 'collaboration', e.collaborationId] });
  void qc.invalidateQueries({ queryKey: ['collaborations', 'detail', e.collaborationId] });
  if (!listed) void qc.invalidateQueries({ queryKey: ['payments', 'list'] });
  void qc.invalidateQueries({ queryKey: ['collaborations', 'list'] });
  void qc.invalidateQueries({ queryKey: ['dashboard'] });
}

/**
 * retainer:update → the retainers (their status, end date and buttons on /billing) and that collaboration refetch:
 * e.g. a retainer that ended at period end (Stripe's customer.subscription.deleted) shows "Ended" without a reload.
 */
export function applyRetainerUpdate(qc: QueryClient, e: RetainerUpdateEvent): void {
  void qc.invalidateQueries({ queryKey: billingKeys.retainers });
  void qc.invalidateQueries({ queryKey: ['collaborations', 'detail', e.collaborationId] });
}
