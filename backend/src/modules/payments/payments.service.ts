import { Inject, Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { authorize, NotFound } from '../../common/access/access.policy';
import type { AuthUser } from '../../common/auth/auth.types';
import { inTransaction } from '../../common/database/transaction';
import { AppError, badGateway, badRequest, conflict, forbidden, notFound } from '../../common/errors/app-error';
import { formatMoney, platformFee } from '../../common/money/currency';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { CollaborationEvents } from '../collaborations/collaboration-events';
import { CollaborationRecord, CollaborationRepository } from '../collaborations/collaboration.repository';
import { Accounts } from '../ledger/domain/accounts';
import { LedgerService } from '../ledger/ledger.service';
import type { WalletPosting } from '../ledger/wallet-debt.service';
import { OPEN_MILESTONE } from '../milestones/domain/milestone-status.machine';
import { OutboxService } from '../outbox/outbox.service';
import { STRIPE } from '../stripe/stripe.module';
import { heldRemaining, PaymentEvent, PaymentSnapshot, transition } from './domain/payment-status.machine';
import { EscrowReleaseService } from './escrow-release.service';
import { PaymentNotifier } from './payment-notifier';
import { RecoveryService } from './recovery.service';
import { heldFree, PaymentRecord, PaymentRepository, paymentSnapshot as snapshot } from './payment.repository';
import { PaymentView, toPaymentView } from './payment.view';

type Outcome = 'applied' | 'ignored';

/** The journal entry of funds arriving for a payment: platform balance (less Stripe's fee) → escrow. */
export const heldEntry = (p: PaymentRecord, fee: number) => ({
  type: 'payment_held',
  referenceType: 'payment',
  referenceId: p.id,
  description: `Payment for collaboration ${p.collaborationId} held`,
  idempotencyKey: `payment-held:${p.id}`,
  lines: [
    { account: Accounts.stripeBalance, currency: p.currency, amount: p.amount - fee },
    { account: Accounts.stripeFees, currency: p.currency, amount: fee },
    { account: Accounts.escrow(p.id), currency: p.currency, amount: -p.amount },
  ],
});

export const heldMessage = (p: PaymentRecord) => `Payment received: ${formatMoney(p)} is held by CollabPay`;

export function stripeErrorToApp(e: unknown): AppError {
  const err = e as { type?: string; code?: string; message?: string; statusCode?: number };
  if (err?.type === 'StripeCardError') return badRequest('CARD_DECLINED', err.message ?? 'The card was declined');
  if (err?.type === 'StripeInvalidRequestError') return badGateway('STRIPE_REQUEST_FAILED', `Stripe refused the request: ${err.message ?? err.code}`);
  return badGateway('STRIPE_UNAVAILABLE', 'Stripe could not be reached; please retry');
}

/**
 * Payments held by the platform: creation of the PaymentIntent, applying its outcome, release and refund.
 * Every state change runs in one transaction with its journal entry and its outbox rows.
 */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly payments: PaymentRepository,
    private readonly collaborations: CollaborationRepository,
    private readonly ledger: LedgerService,
    private readonly escrow: EscrowReleaseService,
    private readonly recovery: RecoveryService,
    private readonly collabEvents: CollaborationEvents,
    private readonly notifier: PaymentNotifier,
    private readonly outbox: OutboxService,
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  // ---------------------------------------------------------------- creation

  /** Creates the payment row for an accepted collaboration (inside the accept transaction). */
  async createForCollaboration(em: EntityManager, c: CollaborationRecord, periodIndex = 0, method = 'card'): Promise<PaymentRecord> {
    if (!c.influencerId) throw conflict('COLLABORATION_NOT_ACCEPTED', 'The influencer has not accepted this collaboration yet');
    const p = await this.payments.insert(em, {
      collaborationId: c.id,
      periodIndex,
      companyId: c.companyId,
      influencerId: c.influencerId,
      amount: c.amount,
      currency: c.currency,
      // the rate fixed on the collaboration when it was proposed, never a later configuration
      platformFee: platformFee(c.amount, c.platformFeeBps),
      method,
    });
    await this.notifyParties(em, p, `Payment of ${formatMoney(p)} required for “${c.title}”`);
    return p;
  }

  /** Makes sure the payment has its PaymentIntent. Safe to call concurrently and repeatedly (idempotency key from the payment id). */
  async ensureIntent(paymentId: string): Promise<PaymentRecord> {
    const p = await this.payments.findById(paymentId);
    if (!p) throw notFound();
    if (p.stripePaymentIntentId) return p;
    let pi: Stripe.PaymentIntent;
    try {
      pi = await this.stripe.paymentIntents.create(
        {
          amount: p.amount,
          currency: p.currency,
          automatic_payment_methods: { enabled: true },
          transfer_group: p.collaborationId,
          description: `CollabPay collaboration ${p.collaborationId}`,
          metadata: { payment_id: p.id, collaboration_id: p.collaborationId, company_id: p.companyId, influencer_id: p.influencerId },
        },
        // after an invoice replaced (and canceled) the first intent and was voided, a fresh intent needs a fresh key
        { idempotencyKey: p.stripeInvoiceId ? `collabpay-pi-${p.id}-after-${p.stripeInvoiceId}` : `collabpay-pi-${p.id}` },
      );
    } catch (e) {
      this.logger.warn(`PaymentIntent creation failed for ${p.id}: ${(e as Error).message}`);
      throw stripeErrorToApp(e);
    }
    await this.payments.attachIntent(this.ds.manager, p.id, pi.id, pi.client_secret ?? '');
    return (await this.payments.findById(p.id))!;
  }

  async createIntent(user: AuthUser, collaborationId: string): Promise<{ payment: PaymentView; clientSecret: string }> {
    const c = authorize(user, await this.collaborations.findById(collaborationId), 'company', NotFound.collaboration);
    if (c.status === 'PROPOSED') throw conflict('COLLABORATION_NOT_ACCEPTED', 'The influencer has not accepted this collaboration yet');
    if (c.status === 'DECLINED' || c.status === 'CANCELED') throw conflict('COLLABORATION_CLOSED', `This collaboration is ${c.status.toLowerCase()}`);
    let p = await this.payments.findByCollaboration(c.id);
    if (!p) {
      p = await inTransaction(this.ds, async (em) => {
        const locked = await this.collaborations.findById(c.id, em, true);
        return (await this.payments.findByCollaboration(c.id, em)) ?? this.createForCollaboration(em, locked!);
      });
      this.outbox.notifyCommitted();
    }
    if (p.method === 'invoice' && p.status !== 'FAILED') throw conflict('PAYMENT_BY_INVOICE', 'This collaboration is being paid by invoice');
    if (p.method === 'subscription') throw conflict('PAYMENT_BY_SUBSCRIPTION', 'This collaboration is a monthly retainer, paid by its subscription');
    if (!['PENDING', 'PROCESSING', 'FAILED'].includes(p.status))
      throw conflict('PAYMENT_ALREADY_COMPLETED', `This collaboration is already paid (payment is ${p.status})`);
    p = await this.ensureIntent(p.id);
    return { payment: toPaymentView(p), clientSecret: p.clientSecret! };
  }

  async clientSecret(user: AuthUser, paymentId: string): Promise<{ clientSecret: string; publishableKey: string }> {
    const p = authorize(user, await this.payments.findById(paymentId), 'company', NotFound.payment);
    if (!['PENDING', 'PROCESSING', 'FAILED'].includes(p.status)) throw conflict('PAYMENT_ALREADY_COMPLETED', `Payment is ${p.status}`);
    if (p.method === 'invoice') throw conflict('PAYMENT_BY_INVOICE', 'This collaboration is being paid by invoice');
    if (p.method === 'subscription') throw conflict('PAYMENT_BY_SUBSCRIPTION', 'This collaboration is a monthly retainer, paid by its subscription');
    const withIntent = await this.ensureIntent(p.id);
    return { clientSecret: withIntent.clientSecret!, publishableKey: this.cfg.stripe.publishableKey };
  }

  /** The browser calls this after confirmPayment: re-read the intent from Stripe and apply it. */
  async confirm(user: AuthUser, paymentId: string): Promise<PaymentView> {
    const p = authorize(user, await this.payments.findById(paymentId), 'company', NotFound.payment);
    if (!p.stripePaymentIntentId) return toPaymentView(p);
    let pi: Stripe.PaymentIntent;
    try {
      pi = await this.stripe.paymentIntents.retrieve(p.stripePaymentIntentId, { expand: ['latest_charge.balance_transaction'] });
    } catch (e) {
      throw stripeErrorToApp(e);
    }
    await inTransaction(this.ds, (em) => this.applyIntent(em, pi));
    this.outbox.notifyCommitted();
    return toPaymentView((await this.payments.findById(p.id))!);
  }

  // ---------------------------------------------------------------- applying Stripe's view

  /** Maps a PaymentIntent's current state onto the payment. Idempotent, order-insensitive. */
  async applyIntent(em: EntityManager, pi: Stripe.PaymentIntent): Promise<Outcome> {
    const paymentId = pi.metadata?.payment_id;
    const p = paymentId ? await this.payments.findById(paymentId, em, true) : await this.payments.findByIntent(pi.id, em, true);
    if (!p) return 'ignored';
    if (p.stripePaymentIntentId && p.stripePaymentIntentId !== pi.id) return 'ignored';
    // an intent CollabPay canceled because an invoice replaced it does not cancel the payment
    if (pi.status === 'canceled' && pi.metadata?.collabpay_superseded_by) return 'ignored';
    // paid by invoice or subscription: the card intent it replaced no longer speaks for the payment
    if (p.method !== 'card' && p.stripePaymentIntentId !== pi.id) return 'ignored';
    switch (pi.status) {
      case 'succeeded':
        return this.applySucceeded(em, p, pi);
      case 'processing':
        return this.applyEvent(em, p, { type: 'INTENT_PROCESSING' }, {}, 'Payment is processing');
      case 'canceled':
        return this.applyEvent(em, p, { type: 'INTENT_CANCELED' }, {}, 'Payment was canceled');
      case 'requires_payment_method':
        if (pi.last_payment_error) {
          const msg = pi.last_payment_error.message ?? 'The payment failed';
          return this.applyEvent(em, p, { type: 'INTENT_FAILED', message: msg }, { failureMessage: msg }, `Payment failed: ${msg}`);
        }
        return 'ignored';
      default:
        return 'ignored';
    }
  }

  async chargeDetails(pi: Stripe.PaymentIntent): Promise<{ chargeId: string | null; fee: number }> {
    let charge = pi.latest_charge;
    if (!charge) return { chargeId: null, fee: 0 };
    if (typeof charge === 'string' || typeof charge.balance_transaction === 'string' || !charge.balance_transaction) {
      const id = typeof charge === 'string' ? charge : charge.id;
      charge = await this.stripe.charges.retrieve(id, { expand: ['balance_transaction'] });
    }
    const bt = charge.balance_transaction as Stripe.BalanceTransaction | null;
    // Stripe reports fees in the settlement currency; we only book them when it is the charge currency.
    const fee = bt && bt.currency === pi.currency ? bt.fee : 0;
    return { chargeId: charge.id, fee };
  }

  private async applySucceeded(em: EntityManager, p: PaymentRecord, pi: Stripe.PaymentIntent): Promise<Outcome> {
    const d = transition(snapshot(p), { type: 'INTENT_SUCCEEDED' });
    if (d.kind !== 'apply') return 'ignored';
    if (pi.amount_received !== undefined && pi.amount_received !== 0 && pi.amount_received !== p.amount) {
      throw new Error(`PaymentIntent ${pi.id} received ${pi.amount_received} but payment ${p.id} is for ${p.amount}`);
    }
    const { chargeId, fee } = await this.chargeDetails(pi);
    return this.markHeld(em, p, { chargeId, fee, source: 'card' });
  }

  /** Funds arrived (card or invoice): HELD, with the journal entry platform balance → escrow. */
  async markHeld(
    em: EntityManager,
    p: PaymentRecord,
    info: { chargeId: string | null; fee: number; source: 'card' | 'invoice'; invoiceId?: string },
  ): Promise<Outcome> {
    const d = transition(snapshot(p), { type: 'INTENT_SUCCEEDED' });
    if (d.kind !== 'apply') return 'ignored';
    const entry = await this.ledger.post(em, heldEntry(p, info.fee));
    if (!entry) return 'ignored';
    const updated = await this.payments.update(em, p.id, {
      status: 'HELD',
      failureMessage: null,
      stripeChargeId: info.chargeId ?? p.stripeChargeId,
      stripeFee: info.fee,
      stripeInvoiceId: info.invoiceId ?? p.stripeInvoiceId ?? undefined,
      method: info.source,
      heldAt: 'now',
    });
    await this.collaborations.setStatus(em, p.collaborationId, 'ACTIVE');
    await this.notifyParties(em, updated, heldMessage(p));
    return 'applied';
  }

  private async applyEvent(
    em: EntityManager,
    p: PaymentRecord,
    event: PaymentEvent,
    patch: { failureMessage?: string | null },
    message: string,
  ): Promise<Outcome> {
    const d = transition(snapshot(p), event);
    if (d.kind !== 'apply') return 'ignored';
    const updated = await this.payments.update(em, p.id, { status: d.next.status, ...patch });
    if (d.next.status === 'CANCELED') {
      await this.collaborations.setStatus(em, p.collaborationId, 'CANCELED');
      await this.collabEvents.notify(em, { id: p.collaborationId, companyId: p.companyId, influencerId: p.influencerId, status: 'CANCELED' }, message);
    }
    await this.notifyParties(em, updated, message);
    return 'applied';
  }

  // ---------------------------------------------------------------- release

  /** `paymentId` picks one period of a monthly retainer (default: the collaboration's latest payment). */
  async release(user: AuthUser, collaborationId: string, milestoneId?: string, paymentId?: string): Promise<PaymentView> {
    const result = await inTransaction(this.ds, async (em) => {
      const c = authorize(user, await this.collaborations.findById(collaborationId, em), 'company', NotFound.collaboration);
      const p = paymentId ? await this.payments.findById(paymentId, em, true) : await this.payments.findByCollaboration(collaborationId, em, true);
      if (!p || p.collaborationId !== collaborationId) throw conflict('PAYMENT_NOT_HELD', 'This collaboration has not been paid yet');
      const retainer = c.billing === 'monthly';
      const milestones = retainer ? [] : await this.collaborations.milestones(collaborationId, em, true);
      await this.escrow.assertNotFrozen(em, c.id, milestoneId);
      if (milestoneId) {
        const m = milestones.find((x) => x.id === milestoneId);
        if (!m) throw notFound('MILESTONE_NOT_FOUND', 'Milestone not found in this collaboration');
        if (!OPEN_MILESTONE.includes(m.status)) throw conflict('MILESTONE_ALREADY_RELEASED', `Milestone “${m.title}” is already ${m.status.toLowerCase()}`);
        return this.escrow.release(em, c, p, {
          amount: Math.min(m.amount, heldFree(p)),
          milestoneIds: [m.id],
          entryKey: `release-milestone:${m.id}`,
          description: `Milestone released for collaboration “${c.title}”`,
          milestone: m,
          message: `Milestone “${m.title}” released`,
        });
      }
      return this.escrow.release(em, c, p, {
        amount: heldFree(p),
        // everything: the open milestones close, unless a refund reserved part of the money (they close with it)
        milestoneIds: p.refundReserved > 0 ? [] : milestones.filter((m) => OPEN_MILESTONE.includes(m.status)).map((m) => m.id),
        entryKey: `release:${p.id}:${p.amountReleased}:${heldFree(p)}`,
        description: `Released for collaboration “${c.title}”`,
      });
    });
    this.outbox.notifyCommitted();
    return toPaymentView(result);
  }

  // ---------------------------------------------------------------- refund

  /**
   * Books a refund Stripe made from held money: journal entry escrow → Stripe balance (`key` makes it once), the
   * payment's amounts and status, milestones and notifications. Callers hold the payment's lock (`p` read under it).
   * Refunds are made through RefundsService (reserve → Stripe → finish); this is its finish and the webhook's.
   */
  async bookRefund(em: EntityManager, p: PaymentRecord, amount: number, key: string, description: string): Promise<PaymentRecord> {
    const d = transition(snapshot(p), { type: 'REFUND', amount });
    if (d.kind !== 'apply') throw conflict(d.kind === 'reject' ? d.code : 'PAYMENT_NOT_HELD', d.kind === 'reject' ? d.message : d.reason);
    const posted = await this.ledger.post(em, {
      type: 'refund',
      referenceType: 'payment',
      referenceId: p.id,
      description,
      idempotencyKey: key,
      lines: [
        { account: Accounts.escrow(p.id), currency: p.currency, amount },
        { account: Accounts.stripeBalance, currency: p.currency, amount: -amount },
      ],
    });
    if (!posted) return p;
    await this.collaborations.markMilestones(em, await this.refundedMilestones(em, p, d.next.amountRefunded), 'REFUNDED');
    const updated = await this.payments.update(em, p.id, { status: d.next.status, amountRefunded: d.next.amountRefunded });
    if (d.next.status === 'REFUNDED') {
      await this.collaborations.setStatus(em, p.collaborationId, 'CANCELED');
      await this.collabEvents.notify(
        em,
        { id: p.collaborationId, companyId: p.companyId, influencerId: p.influencerId, status: 'CANCELED' },
        'Refunded and canceled',
      );
    } else if (d.next.status === 'RELEASED') await this.collaborations.setStatus(em, p.collaborationId, 'COMPLETED', 'completed');
    await this.notifyParties(em, updated, `${formatMoney({ amount, currency: p.currency })} refunded to the company`);
    return updated;
  }

  /** When everything still held is refunded, the pending milestones are closed as refunded. */
  private async refundedMilestones(em: EntityManager, p: PaymentRecord, refundedAfter: number): Promise<string[]> {
    if (p.amount - p.amountReleased - refundedAfter > 0) return [];
    return (await this.collaborations.milestones(p.collaborationId, em)).filter((m) => OPEN_MILESTONE.includes(m.status)).map((m) => m.id);
  }

  /** charge.refunded: a refund made outside CollabPay (e.g. in the Stripe Dashboard) is booked from held funds. */
  async applyChargeRefunded(em: EntityManager, charge: Stripe.Charge): Promise<Outcome> {
    const piId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
    const p = (await this.payments.findByCharge(charge.id, em, true)) ?? (piId ? await this.payments.findByIntent(piId, em, true) : null);
    if (!p || !p.heldAt) return 'ignored';
    // refunds CollabPay made itself after release (clawbacks), and refunds it reserved and has not booked yet (its own
    // finish or reconciliation books those, never this event: Stripe's total may include them already), are not
    // refunds made outside CollabPay
    const missing = charge.amount_refunded - p.amountRefunded - p.amountClawedBack - (await this.reservedRefunds(em, p));
    if (missing <= 0) return 'ignored';
    const d = transition(snapshot(p), { type: 'REFUND', amount: missing });
    if (d.kind !== 'apply') {
      this.logger.error(`Stripe refunded ${missing} more on ${charge.id} than CollabPay holds for payment ${p.id} (${p.status}); needs manual review`);
      return 'ignored';
    }
    await this.bookRefund(em, p, missing, `refund-external:${charge.id}:${charge.amount_refunded}`, 'Refund made in Stripe');
    return 'applied';
  }

  /** Refunds reserved under the payment's lock and not yet recorded: a refund of held money, a clawback, a dispute resolution's refund. */
  private async reservedRefunds(em: EntityManager, p: PaymentRecord): Promise<number> {
    const [row] = await em.query(
      `SELECT COALESCE(sum((pending_resolution->>'refundAmount')::bigint), 0)::bigint AS s FROM disputes WHERE payment_id = $1 AND status = 'OPEN' AND pending_resolution IS NOT NULL`,
      [p.id],
    );
    return Number(row.s) + (p.pendingClawback?.amount ?? 0) + p.refundReserved;
  }

  // ---------------------------------------------------------------- disputes

  async applyDispute(em: EntityManager, dispute: Stripe.Dispute, phase: 'opened' | 'closed'): Promise<Outcome> {
    const chargeId = typeof dispute.charge === 'string' ? dispute.charge : dispute.charge.id;
    const piId = typeof dispute.payment_intent === 'string' ? dispute.payment_intent : dispute.payment_intent?.id;
    const p = (await this.payments.findByCharge(chargeId, em, true)) ?? (piId ? await this.payments.findByIntent(piId, em, true) : null);
    if (!p) return 'ignored';
    const cur = p.currency;
    if (phase === 'opened') {
      const d = transition(snapshot(p), { type: 'DISPUTE_OPENED' });
      if (d.kind !== 'apply') return 'ignored';
      const posted = await this.ledger.post(em, {
        type: 'dispute_opened',
        referenceType: 'payment',
        referenceId: p.id,
        description: `Dispute ${dispute.id} opened: Stripe withdrew the disputed amount`,
        idempotencyKey: `dispute-opened:${dispute.id}`,
        lines: [
          { account: Accounts.disputed(p.id), currency: cur, amount: dispute.amount },
          { account: Accounts.stripeBalance, currency: cur, amount: -dispute.amount },
        ],
      });
      if (!posted) return 'ignored';
      const updated = await this.payments.update(em, p.id, { status: 'DISPUTED', statusBeforeDispute: p.status });
      await this.notifyParties(em, updated, 'A dispute was opened on this payment: held funds are frozen');
      return 'applied';
    }
    if (dispute.status !== 'won' && dispute.status !== 'lost') return 'ignored';
    const d = transition(snapshot(p), { type: dispute.status === 'won' ? 'DISPUTE_WON' : 'DISPUTE_LOST' });
    if (d.kind !== 'apply') return 'ignored';
    // lost: held funds cover the chargeback first; money already released is recovered from the influencer like a
    // clawback (wallet first, the rest owed); only what was never ours to recover is a loss
    const fromEscrow = dispute.status === 'lost' ? Math.min(heldRemaining(p), dispute.amount) : 0;
    const recoverable = dispute.status === 'lost' ? Math.min(dispute.amount - fromEscrow, p.amountReleased - p.amountClawedBack) : 0;
    const recovery = recoverable > 0 ? await this.recovery.lines(em, p, recoverable) : null;
    const lines =
      dispute.status === 'won'
        ? [
            { account: Accounts.stripeBalance, currency: cur, amount: dispute.amount },
            { account: Accounts.disputed(p.id), currency: cur, amount: -dispute.amount },
          ]
        : [
            { account: Accounts.escrow(p.id), currency: cur, amount: fromEscrow },
            ...(recovery?.lines ?? []),
            { account: Accounts.disputeLosses, currency: cur, amount: dispute.amount - fromEscrow - recoverable },
            { account: Accounts.disputed(p.id), currency: cur, amount: -dispute.amount },
          ];
    const posted = await this.ledger.post(em, {
      type: `dispute_${dispute.status}`,
      referenceType: 'payment',
      referenceId: p.id,
      description: `Dispute ${dispute.id} ${dispute.status}`,
      idempotencyKey: `dispute-closed:${dispute.id}`,
      lines,
    });
    if (!posted) return 'ignored';
    if (recovery) {
      await this.payments.update(em, p.id, { amountClawedBack: p.amountClawedBack + recoverable });
      await this.recovery.notify(em, p, recovery, posted, `Card dispute lost after release: ${formatMoney({ amount: recoverable, currency: cur })} recovered`);
    }
    const updated = await this.payments.update(em, p.id, { status: d.next.status, statusBeforeDispute: null, amountRefunded: d.next.amountRefunded });
    if (dispute.status === 'lost' && d.next.status === 'REFUNDED') await this.collaborations.setStatus(em, p.collaborationId, 'CANCELED');
    await this.notifyParties(
      em,
      updated,
      dispute.status === 'won'
        ? 'The dispute was resolved in your favour: funds are released from the freeze'
        : 'The dispute was lost: held funds went back to the card holder',
    );
    return 'applied';
  }

  // ---------------------------------------------------------------- reads

  async getForUser(user: AuthUser, id: string): Promise<PaymentView> {
    return toPaymentView(authorize(user, await this.payments.findById(id), 'view', NotFound.payment));
  }

  async getByCollaboration(user: AuthUser, collaborationId: string): Promise<PaymentView> {
    authorize(user, await this.collaborations.findById(collaborationId), 'view', NotFound.collaboration);
    const p = await this.payments.findByCollaboration(collaborationId);
    if (!p) throw notFound('PAYMENT_NOT_FOUND', 'This collaboration has no payment yet');
    return toPaymentView(p);
  }

  async list(user: AuthUser, limit = 20, cursor?: string, status?: string): Promise<Page<PaymentView>> {
    const rows = await this.payments.listForUser(user, limit, decodeCursor(cursor), status);
    const page = toPage(rows, limit, (r) => ({ createdAt: new Date(r.createdAt), id: r.id }));
    return { data: page.data.map(toPaymentView), nextCursor: page.nextCursor };
  }

  snapshot(p: PaymentRecord): PaymentSnapshot {
    return snapshot(p);
  }

  assertCompany(user: AuthUser) {
    if (user.role !== 'company') throw forbidden('FORBIDDEN_ROLE', 'Only the paying company can do this');
  }

  // ---------------------------------------------------------------- realtime

  notifyParties(em: EntityManager, p: PaymentRecord, message: string): Promise<void> {
    return this.notifier.parties(em, p, message);
  }

  /** `wallet:update` (see PaymentNotifier.wallet). */
  notifyWallet(em: EntityManager, userId: string, currency: string, lastTransaction: WalletPosting | null): Promise<void> {
    return this.notifier.wallet(em, userId, currency, lastTransaction);
  }
}
