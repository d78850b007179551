import type Stripe from 'stripe';
import type { Collection, Core } from './core';
import type { EventBus } from './events';

/** Stripe holds card funds about two days before they are available (US cards; test mode too). */
export const DEFAULT_AVAILABLE_MS = 2 * 24 * 3600_000;

export interface BalanceTransactionInput {
  amount: number;
  currency: string;
  type: Stripe.BalanceTransaction.Type;
  reportingCategory: string;
  source: string;
  fee?: number;
  description?: string | null;
  /** emulated time the funds become available (default: now) */
  availableAtMs?: number;
}

/**
 * Balances like Stripe's: every movement is a balance transaction, `pending` until the clock passes its
 * `available_on`, then `available` (with a `balance.available` event for that account). `GET /v1/balance` sums them.
 */
export class Balances {
  constructor(
    private readonly core: Core,
    private readonly bus: EventBus,
    private readonly txns: Collection<Stripe.BalanceTransaction>,
  ) {}

  add(account: string, input: BalanceTransactionInput): Stripe.BalanceTransaction {
    const fee = input.fee ?? 0;
    const now = this.core.nowMs();
    const availableAt = Math.max(now, input.availableAtMs ?? now);
    const pending = availableAt > now;
    const bt: Stripe.BalanceTransaction = {
      id: this.core.id('txn'),
      object: 'balance_transaction',
      amount: input.amount,
      available_on: Math.floor(availableAt / 1000),
      balance_type: 'payments',
      created: this.core.now(),
      currency: input.currency,
      description: input.description ?? null,
      exchange_rate: null,
      fee,
      fee_details: fee ? [{ amount: fee, application: null, currency: input.currency, description: 'Stripe processing fees', type: 'stripe_fee' }] : [],
      net: input.amount - fee,
      reporting_category: input.reportingCategory,
      source: input.source,
      status: pending ? 'pending' : 'available',
      type: input.type,
    };
    this.txns.add(bt, account);
    if (pending) this.core.clock.at(availableAt, () => this.settle(account, bt));
    return bt;
  }

  /** the funds of a pending balance transaction become available */
  private settle(account: string, bt: Stripe.BalanceTransaction): void {
    if (bt.status !== 'pending') return;
    bt.status = 'available';
    this.bus.emit('balance.available', this.of(account), { account });
  }

  /** available/pending per currency, derived from the balance transactions */
  of(account: string): Stripe.Balance {
    const avail = new Map<string, number>();
    const pend = new Map<string, number>();
    for (const bt of this.txns.list(account)) {
      const m = bt.status === 'available' ? avail : pend;
      m.set(bt.currency, (m.get(bt.currency) ?? 0) + bt.net);
      const other = m === avail ? pend : avail;
      if (!other.has(bt.currency)) other.set(bt.currency, 0);
    }
    if (avail.size === 0) {
      avail.set('usd', 0);
      pend.set('usd', 0);
    }
    const rows = (m: Map<string, number>) => [...m.entries()].map(([currency, amount]) => ({ amount, currency, source_types: { card: amount } }));
    return { object: 'balance', available: rows(avail), pending: rows(pend), livemode: false };
  }

  available(account: string, currency: string): number {
    return this.of(account).available.find((a) => a.currency === currency)?.amount ?? 0;
  }

  /** when funds from a card payment made now become available (`delays.availableMs`; bypass-pending cards at once) */
  availableAtMs(bypassPending = false): number {
    return this.core.nowMs() + (bypassPending ? 0 : this.core.opts.delays.availableMs);
  }
}
