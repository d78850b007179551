import { balanceAfterOf } from '../ledger/ledger.repository';
import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import type Stripe from 'stripe';
import { EntityManager } from 'typeorm';
import { QUEUES } from '../../common/queue/queue.module';
import { formatMoney } from '../../common/money/currency';
import { Accounts } from '../ledger/domain/accounts';
import type { PostingLine } from '../ledger/domain/accounts';
import { LedgerService } from '../ledger/ledger.service';
import { OutboxService } from '../outbox/outbox.service';
import { PaymentsService } from '../payments/payments.service';
import { eventForStripePayout, LedgerEffect, PayoutEvent, transition } from './domain/payout-status.machine';
import { WalletCreditsRepository } from '../wallet/wallet-credits.repository';
import { PayoutRecord, PayoutRepository } from './payout.repository';
import { WebhookRetryLaterError } from '../webhooks/webhook-handler.registry';

export type Outcome = 'applied' | 'ignored';

export interface ReverseJob {
  payoutId: string;
}

/**
 * Applies changes to a payout: status through the state machine, the journal entry, the outbox rows, all in the
 * caller's transaction. Used by the executor (Stripe's answers) and the webhook handlers (Stripe's events).
 */
@Injectable()
export class PayoutStateService {
  private readonly logger = new Logger(PayoutStateService.name);

  constructor(
    private readonly repo: PayoutRepository,
    private readonly ledger: LedgerService,
    private readonly payments: PaymentsService,
    private readonly outbox: OutboxService,
    private readonly credits: WalletCreditsRepository,
    @InjectQueue(QUEUES.payouts) private readonly queue: Queue,
  ) {}

  /**
   * Applies the state of a Stripe Payout to ours. `connectedAccount` (the event's `account`) must be the payout's
   * account when given, so that nothing but our own connected account can move one of our payouts.
   */
  async applyStripePayout(em: EntityManager, po: Stripe.Payout, source: { account?: string | null; readFromStripe: boolean }): Promise<Outcome> {
    const connectedAccount = source.account;
    const p = await this.find(em, po, true);
    if (!p) return 'ignored';
    if (connectedAccount && connectedAccount !== p.stripeAccountId) {
      this.logger.warn(`Stripe payout ${po.id} on ${connectedAccount} names payout ${p.id} of account ${p.stripeAccountId}; ignored`);
      return 'ignored';
    }
    if (p.stripePayoutId && p.stripePayoutId !== po.id) {
      this.logger.error(`Stripe payout ${po.id} names payout ${p.id}, which is paid by ${p.stripePayoutId}; needs review`);
      return 'ignored';
    }
    if (po.amount !== p.amount || po.currency !== p.currency) {
      this.logger.error(`Stripe payout ${po.id} is ${po.amount} ${po.currency} but payout ${p.id} is ${p.amount} ${p.currency}; needs review`);
      return 'ignored';
    }
    const event = eventForStripePayout(po);
    if (!event) return 'ignored';
    // Money back after COMPLETED (a bank return) only on Stripe's own current word; an event's copy may be stale or
    // forged. (The webhook handler re-reads when it sees COMPLETED; this covers a payout completed in between.)
    if (!source.readFromStripe && transition(p.status, event).kind === 'apply' && p.status === 'COMPLETED') {
      throw new WebhookRetryLaterError(`payout ${p.id} completed meanwhile: the failure event is checked against Stripe on retry`);
    }
    return this.apply(em, p, event, po.id);
  }

  /** Our payout that a Stripe Payout names (by metadata, else by its id); locked when `lock`. */
  find(em: EntityManager, po: Stripe.Payout, lock = false): Promise<PayoutRecord | null> {
    const payoutId = po.metadata?.payout_id;
    return payoutId && /^[0-9a-f-]{36}$/i.test(payoutId) ? this.repo.findById(payoutId, em, lock) : this.repo.findByStripePayout(po.id, em, lock);
  }

  /** Stripe definitively refused to move the money (a 4xx on the transfer or the payout): FAILED, money back. */
  async refuse(em: EntityManager, payoutId: string, code: string, message: string): Promise<Outcome> {
    const p = await this.repo.findById(payoutId, em, true);
    if (!p) return 'ignored';
    return this.apply(em, p, { type: 'FAILED', code, message });
  }

  private async apply(em: EntityManager, p: PayoutRecord, event: PayoutEvent, stripePayoutId?: string): Promise<Outcome> {
    const d = transition(p.status, event);
    if (d.kind === 'ignore') {
      // still learn the Stripe id (e.g. payout.paid arrived before the executor stored it)
      if (stripePayoutId && !p.stripePayoutId) await this.repo.update(em, p.id, { stripePayoutId });
      return 'ignored';
    }
    const walletLine = await this.post(em, p, d.ledger);
    // the money is back in the wallet: so are the credits (and charges) it was drawn from
    if (d.ledger === 'failed' || d.ledger === 'returned') await this.credits.giveBack(em, p);
    const failure = event.type === 'FAILED' ? { failureCode: event.code, failureMessage: event.message } : {};
    const updated = await this.repo.update(em, p.id, { status: d.next, stripePayoutId, ...failure });
    await this.notify(em, updated, this.message(updated, d.ledger));
    await this.payments.notifyWallet(
      em,
      p.userId,
      p.currency,
      walletLine
        ? {
            id: walletLine.entryId,
            type: 'credit',
            amount: p.amount,
            currency: p.currency,
            balanceAfter: walletLine.balanceAfter,
            description: walletLine.description,
          }
        : null,
    );
    if (d.next === 'FAILED' && !updated.stripeReversalId) await this.scheduleReversal(p.id);
    return 'applied';
  }

  /** The payout's journal entry for this step; returns the wallet posting when the wallet was credited. */
  private async post(em: EntityManager, p: PayoutRecord, effect: LedgerEffect): Promise<{ entryId: string; balanceAfter: number; description: string } | null> {
    if (effect === 'none') return null;
    const cur = p.currency;
    const wallet = Accounts.walletAvailable(p.userId);
    const inTransit = Accounts.payoutsInTransit(p.userId);
    const money = formatMoney({ amount: p.amount, currency: cur });
    const spec: Record<Exclude<LedgerEffect, 'none'>, { description: string; lines: PostingLine[] }> = {
      paid: {
        description: `Payout of ${money} paid to the bank account`,
        lines: [
          { account: inTransit, currency: cur, amount: p.amount },
          { account: Accounts.stripeBalance, currency: cur, amount: -p.amount },
        ],
      },
      failed: {
        description: `Payout of ${money} failed: returned to the wallet`,
        lines: [
          { account: inTransit, currency: cur, amount: p.amount },
          { account: wallet, currency: cur, amount: -p.amount },
        ],
      },
      returned: {
        description: `Payout of ${money} was returned by the bank: back in the wallet`,
        lines: [
          { account: Accounts.stripeBalance, currency: cur, amount: p.amount },
          { account: wallet, currency: cur, amount: -p.amount },
        ],
      },
    };
    const s = spec[effect];
    const posted = await this.ledger.post(em, {
      type: `payout_${effect}`,
      referenceType: 'payout',
      referenceId: p.id,
      description: s.description,
      idempotencyKey: `payout:${p.id}:${effect}`,
      lines: s.lines,
    });
    if (!posted) return null;
    const line = posted.lines.find((l) => l.account === wallet);
    return line ? { entryId: posted.entryId, balanceAfter: balanceAfterOf(line), description: s.description } : null;
  }

  private message(p: PayoutRecord, effect: LedgerEffect): string {
    const money = formatMoney({ amount: p.amount, currency: p.currency });
    switch (p.status) {
      case 'PENDING':
        return `Payout of ${money} requested`;
      case 'IN_TRANSIT':
        return `Payout of ${money} is on its way to your bank`;
      case 'COMPLETED':
        return `Payout of ${money} arrived in your bank account`;
      case 'FAILED':
        return effect === 'returned'
          ? `Payout of ${money} was returned by your bank (${p.failureMessage ?? p.failureCode}); the money is back in your wallet`
          : `Payout of ${money} failed (${p.failureMessage ?? p.failureCode}); the money is back in your wallet`;
      default:
        return `Payout of ${money} is ${p.status.toLowerCase()}`;
    }
  }

  async notify(em: EntityManager, p: PayoutRecord, message?: string): Promise<void> {
    await this.outbox.append(em, p.userId, 'payout:update', {
      payoutId: p.id,
      status: p.status,
      amount: Number(p.amount),
      currency: p.currency,
      ...(p.failureCode ? { failureCode: p.failureCode, failureMessage: p.failureMessage } : {}),
      message: message ?? this.message(p, 'none'),
    });
  }

  /** The transfer to the connected account is taken back after a failure (queue job; reconciliation as the net). */
  async scheduleReversal(payoutId: string): Promise<void> {
    await this.queue
      .add('reverse', { payoutId } satisfies ReverseJob, {
        jobId: `reverse-${payoutId}`,
        delay: 250,
        attempts: 6,
        backoff: { type: 'exponential', delay: 1000 },
      })
      .catch((e) => this.logger.warn(`could not enqueue the transfer reversal of payout ${payoutId} (reconciliation will do it): ${(e as Error).message}`));
  }
}
