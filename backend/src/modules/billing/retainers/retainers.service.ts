import { Inject, Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../../../common/auth/auth.types';
import { inTransaction } from '../../../common/database/transaction';
import { conflict, forbidden, notFound } from '../../../common/errors/app-error';
import { formatMoney } from '../../../common/money/currency';
import { CollaborationRecord, CollaborationRepository } from '../../collaborations/collaboration.repository';
import { OutboxService } from '../../outbox/outbox.service';
import { PRE_FUNDING, transition } from '../../payments/domain/payment-status.machine';
import { PaymentRecord, PaymentRepository } from '../../payments/payment.repository';
import { PaymentView } from '../../payments/payment.view';
import { PaymentsService, stripeErrorToApp } from '../../payments/payments.service';
import { STRIPE } from '../../stripe/stripe.module';
import { CustomersService } from '../customers/customers.service';
import { InvoiceRecord, InvoiceRepository, InvoiceStatus } from '../invoices/invoice.repository';
import { invoiceStatusAdvances } from '../invoices/invoice.view';
import { PeriodRow, RetainerRecord, RetainerRepository } from './retainer.repository';
import { idOf, invoiceFailure, periodIndexOf, retainerMetadata, retainerStatusOf, subscriptionIdOf } from './subscription-invoice';

/** A subscription claim older than this has no start still waiting on Stripe (the client gives up after ~1 min). */
const SUBSCRIPTION_CLAIM_STALE_MS = 120_000;

/** What applying a retainer invoice reads from Stripe, read before any lock: the subscription (with its sync ticket) and the charge. */
export interface RetainerInvoicePrefetch {
  ticket: number;
  sub: Stripe.Subscription;
  charge: { chargeId: string | null; fee: number } | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toRetainerView(r: RetainerRecord, periods: PeriodRow[] = []) {
  return {
    id: r.id,
    collaborationId: r.collaborationId,
    companyId: r.companyId,
    influencerId: r.influencerId,
    amount: r.amount,
    currency: r.currency,
    interval: 'month' as const,
    status: r.status,
    cancelAtPeriodEnd: r.cancelAtPeriodEnd,
    currentPeriodStart: iso(r.currentPeriodStart),
    currentPeriodEnd: iso(r.currentPeriodEnd),
    defaultPaymentMethodId: r.defaultPaymentMethod,
    stripeSubscriptionId: r.stripeSubscriptionId,
    createdAt: iso(r.createdAt)!,
    canceledAt: iso(r.canceledAt),
    periods: periods.map((p) => ({
      periodIndex: p.periodIndex,
      paymentId: p.paymentId,
      status: p.status,
      amount: p.amount,
      currency: p.currency,
      amountReleased: p.amountReleased,
      ...(p.failureMessage ? { failureMessage: p.failureMessage } : {}),
      heldAt: iso(p.heldAt),
      invoiceId: p.invoiceId,
      invoiceStatus: p.invoiceStatus,
      hostedInvoiceUrl: p.hostedInvoiceUrl,
    })),
  };
}
export type RetainerView = ReturnType<typeof toRetainerView>;

/**
 * Monthly retainers: a collaboration with `billing: "monthly"` is a Stripe subscription (one inline monthly price of
 * the collaboration's amount, charged to the company's saved card). Stripe runs the cycle; CollabPay follows it:
 * every paid subscription invoice puts its period's payment (`period_index`: the first invoice is 0, each renewal
 * the number of months since the billing anchor) in HELD through PaymentsService.markHeld, released like any other
 * payment. A failed renewal marks that period's payment FAILED and tells the company live (once per invoice: the
 * payment state machine ignores the failures of Stripe's retries). Cancel = `cancel_at_period_end`; the retainer
 * ends at `customer.subscription.deleted`.
 *
 * Everything Stripe says is applied by re-reading the invoice and the subscription and through forward-only rules
 * (one payment per (collaboration, period) — unique in the database — invoice statuses only advance, HELD once via
 * its ledger key), so webhooks may come twice, late or in any order, and the API may apply the same thing first.
 */
@Injectable()
export class RetainersService {
  private readonly logger = new Logger(RetainersService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly repo: RetainerRepository,
    private readonly invoices: InvoiceRepository,
    private readonly payments: PaymentsService,
    private readonly paymentRepo: PaymentRepository,
    private readonly collaborations: CollaborationRepository,
    private readonly customers: CustomersService,
    private readonly outbox: OutboxService,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  // ---------------------------------------------------------------- commands

  /** Starts the subscription; its first invoice (month 0) is charged at once. Repeating it returns the retainer. */
  async start(user: AuthUser, collaborationId: string, paymentMethodId?: string): Promise<RetainerView> {
    if (user.role !== 'company') throw forbidden('FORBIDDEN_ROLE', 'Only the paying company can do this');
    const c = await this.collaborations.findById(collaborationId);
    if (!c || c.companyId !== user.id) throw notFound('COLLABORATION_NOT_FOUND', 'Collaboration not found');
    if (c.billing !== 'monthly') throw conflict('NOT_A_RETAINER', 'This collaboration is billed once, not monthly');
    if (c.status === 'PROPOSED') throw conflict('COLLABORATION_NOT_ACCEPTED', 'The influencer has not accepted this collaboration yet');
    if (c.status === 'DECLINED' || c.status === 'CANCELED') throw conflict('COLLABORATION_CLOSED', `This collaboration is ${c.status.toLowerCase()}`);
    const existing = await this.repo.findByCollaboration(c.id);
    if (existing && (existing.stripeSubscriptionId || existing.status === 'canceled')) return this.view(existing);
    const customer = await this.customers.ensureCustomer(user);
    let pm = paymentMethodId;
    if (pm) await this.customers.ownCard(user, pm);
    else pm = (await this.customers.defaultPaymentMethod(customer.stripeCustomerId)) ?? undefined;
    if (!pm) throw conflict('NO_SAVED_CARD', 'Save a card first: each month is charged to it');
    const r =
      existing ??
      (await this.repo.insertIfMissing({
        collaborationId: c.id,
        companyId: c.companyId,
        influencerId: c.influencerId!, // accepted: the influencer is known
        amount: c.amount,
        currency: c.currency,
        defaultPaymentMethod: pm,
      }));
    const sub = await this.createSubscription(r, c, customer.stripeCustomerId, pm);
    const invoiceId = idOf(sub.latest_invoice);
    if (invoiceId) await this.applyInvoiceFromStripe(invoiceId);
    return this.view((await this.repo.findById(r.id))!);
  }

  /**
   * Creates the retainer's subscription once, with no row lock across the Stripe calls: reserve (under the row lock,
   * claim the card it is created with; a concurrent start's fresh claim wins, so every start sends the same request
   * under the same key) → Stripe (adopt a subscription an earlier attempt created but could not record, found by its
   * metadata, else create it with a key per retainer and card) → finish (record it).
   */
  private async createSubscription(r: RetainerRecord, c: CollaborationRecord, customer: string, pm: string): Promise<Stripe.Subscription> {
    const claim = await inTransaction(this.ds, async (em) => {
      const locked = (await this.repo.findById(r.id, em, true))!;
      if (locked.stripeSubscriptionId) return { subscriptionId: locked.stripeSubscriptionId, pm };
      return { subscriptionId: null, pm: await this.repo.claimSubscription(em, r.id, pm, SUBSCRIPTION_CLAIM_STALE_MS) };
    });
    const ticket = await this.repo.nextSyncTicket();
    let sub: Stripe.Subscription | undefined;
    try {
      if (claim.subscriptionId) {
        sub = await this.stripe.subscriptions.retrieve(claim.subscriptionId);
      } else {
        const listed = await this.stripe.subscriptions.list({ customer, status: 'all', limit: 100 });
        sub = listed.data.find((s) => s.metadata?.retainer_id === r.id);
      }
      if (!sub) {
        const product = await this.stripe.products.create(
          { name: `CollabPay retainer: ${c.title}`.slice(0, 250), metadata: { kind: 'retainer', retainer_id: r.id, collaboration_id: c.id } },
          { idempotencyKey: `collabpay-retainer-product-${r.id}` },
        );
        sub = await this.stripe.subscriptions.create(
          {
            customer,
            items: [{ price_data: { currency: r.currency, product: product.id, unit_amount: r.amount, recurring: { interval: 'month' } } }],
            default_payment_method: claim.pm,
            collection_method: 'charge_automatically',
            payment_behavior: 'allow_incomplete',
            off_session: true,
            description: `CollabPay retainer “${c.title}”`,
            metadata: { kind: 'retainer', retainer_id: r.id, collaboration_id: c.id, company_id: r.companyId, influencer_id: r.influencerId },
          },
          { idempotencyKey: `collabpay-retainer-sub-${r.id}-${claim.pm}` },
        );
      }
    } catch (e) {
      throw stripeErrorToApp(e);
    }
    const created = sub;
    await inTransaction(this.ds, async (em) => {
      const before = (await this.repo.findById(r.id, em, true))!;
      await this.notifyStatusChange(em, before, await this.repo.applySubscription(em, r.id, ticket, this.subscriptionState(created)));
    });
    this.outbox.notifyCommitted();
    return created;
  }

  /** Cancel at period end (or undo it). A retainer whose first month was never paid ends at once. */
  async cancel(user: AuthUser, id: string, atPeriodEnd = true): Promise<RetainerView> {
    const r = await this.ownAsCompany(user, id);
    if (r.status === 'canceled') throw conflict('RETAINER_CANCELED', 'This retainer has ended');
    if (!r.stripeSubscriptionId) {
      const updated = await inTransaction(this.ds, async (em) => {
        const before = (await this.repo.findById(r.id, em, true))!;
        const after = await this.repo.update(em, r.id, atPeriodEnd ? { status: 'canceled', cancelAtPeriodEnd: true, canceled: true } : {});
        await this.notifyStatusChange(em, before, after);
        return after;
      });
      this.outbox.notifyCommitted();
      return this.view(updated);
    }
    try {
      const sub = await this.stripe.subscriptions.retrieve(r.stripeSubscriptionId);
      if (sub.status === 'incomplete') {
        if (atPeriodEnd) await this.stripe.subscriptions.cancel(sub.id, {}, { idempotencyKey: `collabpay-retainer-cancel-${r.id}` });
      } else if (sub.status !== 'canceled' && sub.status !== 'incomplete_expired' && sub.cancel_at_period_end !== atPeriodEnd) {
        await this.stripe.subscriptions.update(sub.id, { cancel_at_period_end: atPeriodEnd });
      }
    } catch (e) {
      throw stripeErrorToApp(e);
    }
    return this.view(await this.syncNow(r.id));
  }

  /** The saved card later months are charged to (the subscription's default payment method). */
  async changeCard(user: AuthUser, id: string, paymentMethodId: string): Promise<RetainerView> {
    const r = await this.ownAsCompany(user, id);
    if (r.status === 'canceled') throw conflict('RETAINER_CANCELED', 'This retainer has ended');
    await this.customers.ownCard(user, paymentMethodId);
    await this.setSubscriptionCard(r, paymentMethodId);
    return this.view(await this.syncNow(r.id));
  }

  /** Pays the open invoice of a failed month again (optionally with another saved card, which becomes the retainer's card). */
  async retry(user: AuthUser, id: string, paymentMethodId?: string): Promise<RetainerView> {
    const r = await this.ownAsCompany(user, id);
    if (paymentMethodId) await this.customers.ownCard(user, paymentMethodId);
    const failed = (await this.repo.periods(r.id, r.collaborationId)).find((p) => p.status === 'FAILED' && p.invoiceId && p.invoiceStatus === 'open');
    if (!failed) throw conflict('NOTHING_TO_RETRY', 'No month of this retainer is waiting for payment');
    if (paymentMethodId && r.status !== 'canceled') await this.setSubscriptionCard(r, paymentMethodId);
    const pm = paymentMethodId ?? r.defaultPaymentMethod ?? undefined;
    const inv = (await this.invoices.findById(failed.invoiceId!))!;
    let failure: string | undefined;
    try {
      // every failed attempt raises attempt_count (re-read below), so a new attempt gets a new key and a retry after a
      // lost answer the same one
      await this.stripe.invoices.pay(
        inv.stripeInvoiceId,
        { ...(pm ? { payment_method: pm } : {}), off_session: true },
        { idempotencyKey: `collabpay-invoice-pay-${inv.stripeInvoiceId}-${inv.attemptCount}-${pm ?? 'default'}` },
      );
    } catch (e) {
      failure = (e as Error).message;
    }
    // apply at once (the webhooks say the same later; applying is idempotent)
    await this.applyInvoiceFromStripe(inv.stripeInvoiceId, failure);
    return this.view(await this.syncNow(r.id));
  }

  async releasePeriod(user: AuthUser, id: string, periodIndex: number): Promise<PaymentView> {
    const r = await this.ownAsCompany(user, id);
    const paymentId = await this.repo.paymentIdForPeriod(r.collaborationId, periodIndex);
    if (!paymentId) throw notFound('PERIOD_NOT_FOUND', `Month ${periodIndex} of this retainer has not been billed`);
    return this.payments.release(user, r.collaborationId, undefined, paymentId);
  }

  private async setSubscriptionCard(r: RetainerRecord, paymentMethodId: string): Promise<void> {
    if (!r.stripeSubscriptionId) {
      await inTransaction(this.ds, (em) => this.repo.update(em, r.id, { defaultPaymentMethod: paymentMethodId }));
      return;
    }
    try {
      await this.stripe.subscriptions.update(r.stripeSubscriptionId, { default_payment_method: paymentMethodId });
    } catch (e) {
      throw stripeErrorToApp(e);
    }
  }

  // ---------------------------------------------------------------- applying Stripe's view

  /** Re-reads an invoice and applies it in its own transaction (after an API call that changed it). */
  private async applyInvoiceFromStripe(stripeInvoiceId: string, failure?: string): Promise<void> {
    let inv: Stripe.Invoice;
    try {
      inv = await this.stripe.invoices.retrieve(stripeInvoiceId, { expand: ['payments'] });
    } catch (e) {
      throw stripeErrorToApp(e);
    }
    const why = inv.status === 'open' && (inv.attempt_count ?? 0) > 0 ? (failure ?? (await invoiceFailure(this.stripe, inv))) : undefined;
    let pre: RetainerInvoicePrefetch | null;
    try {
      pre = await this.prefetchInvoice(inv);
    } catch (e) {
      throw stripeErrorToApp(e);
    }
    await inTransaction(this.ds, (em) => this.applyInvoice(em, inv, why, pre));
    this.outbox.notifyCommitted();
  }

  private async syncNow(retainerId: string): Promise<RetainerRecord> {
    const synced = await this.syncSubscription(null, retainerId);
    this.outbox.notifyCommitted();
    return synced?.retainer ?? (await this.repo.findById(retainerId))!;
  }

  /** `customer.subscription.*`: the retainer follows its subscription (re-read from Stripe). */
  async onSubscriptionEvent(em: EntityManager, obj: Stripe.Subscription, read?: { ticket: number; sub: Stripe.Subscription }): Promise<'applied' | 'ignored'> {
    const byMeta = obj.metadata?.kind === 'retainer' && obj.metadata.retainer_id ? await this.repo.findById(obj.metadata.retainer_id, em) : null;
    const r = byMeta ?? (await this.repo.findBySubscription(obj.id, em));
    if (!r) return 'ignored';
    return (await this.syncSubscription(em, r.id, obj.id, read)) ? 'applied' : 'ignored';
  }

  /** Before a subscription event's transaction: its ticket and the subscription as Stripe has it now (null: not a retainer's). */
  async readSubscriptionFor(obj: Stripe.Subscription): Promise<{ ticket: number; sub: Stripe.Subscription } | null> {
    const byMeta = obj.metadata?.kind === 'retainer' && obj.metadata.retainer_id ? await this.repo.findById(obj.metadata.retainer_id) : null;
    if (!(byMeta ?? (await this.repo.findBySubscription(obj.id)))) return null;
    const ticket = await this.repo.nextSyncTicket();
    return { ticket, sub: await this.stripe.subscriptions.retrieve(obj.id) };
  }

  /**
   * Reads the retainer's subscription from Stripe before taking any lock (a ticket first, or the read `pre` made),
   * then, under the retainer's lock, copies status, period, cancel flag and card, unless a later read was applied
   * already: concurrent syncs still land in the order they read. `em`: apply in that transaction (it must not
   * hold locks yet when `pre` is not given); null: in its own. Returns null when it is not this retainer's subscription.
   */
  private async syncSubscription(
    em: EntityManager | null,
    retainerId: string,
    subscriptionId?: string,
    pre?: { ticket: number; sub: Stripe.Subscription },
  ): Promise<{ retainer: RetainerRecord; sub: Stripe.Subscription } | null> {
    const r = await this.repo.findById(retainerId, em ?? undefined);
    if (!r) return null;
    const id = r.stripeSubscriptionId ?? subscriptionId;
    if (!id || (subscriptionId && subscriptionId !== id)) {
      if (subscriptionId) this.logger.warn(`subscription ${subscriptionId} is not the one of retainer ${r.id} (${r.stripeSubscriptionId}); ignored`);
      return null;
    }
    const ticket = pre?.sub.id === id ? pre.ticket : await this.repo.nextSyncTicket();
    const sub = pre?.sub.id === id ? pre.sub : await this.stripe.subscriptions.retrieve(id);
    if (sub.metadata?.retainer_id && sub.metadata.retainer_id !== r.id) return null;
    const apply = async (tx: EntityManager) => {
      const before = (await this.repo.findById(r.id, tx, true))!;
      const retainer = await this.repo.applySubscription(tx, r.id, ticket, this.subscriptionState(sub));
      await this.notifyStatusChange(tx, before, retainer);
      return { retainer, sub };
    };
    return em ? apply(em) : inTransaction(this.ds, apply);
  }

  /**
   * `retainer:update` to both parties when the retainer's status changed, or it was set to end at period end (or
   * kept again) while its status stayed (`before`: the row read under its lock in `em`, `after`: the row written in
   * `em`): in the transaction of the change, so it is sent only after commit and never for a change that rolled
   * back; a duplicate or stale subscription event changes nothing and sends nothing.
   */
  private async notifyStatusChange(em: EntityManager, before: RetainerRecord, after: RetainerRecord): Promise<void> {
    const endChanged = before.cancelAtPeriodEnd !== after.cancelAtPeriodEnd && after.status !== 'canceled';
    if (before.status === after.status && !endChanged) return;
    const c = await this.collaborations.findById(after.collaborationId, em);
    const title = c ? `“${c.title}”` : 'this collaboration';
    const periodEnd = new Date(after.currentPeriodEnd).toLocaleDateString('en-US', { timeZone: 'UTC', month: 'long', day: 'numeric', year: 'numeric' });
    const message =
      before.status === after.status
        ? after.cancelAtPeriodEnd
          ? `The monthly retainer for ${title} ends on ${periodEnd}`
          : `The monthly retainer for ${title} continues: the next month starts on ${periodEnd}`
        : after.status === 'canceled'
          ? `The monthly retainer for ${title} has ended`
          : after.status === 'past_due'
            ? `The monthly payment for ${title} is overdue`
            : after.status === 'active' && before.status === 'past_due'
              ? `The monthly retainer for ${title} is paid up again`
              : after.status === 'active'
                ? `The monthly retainer for ${title} is active`
                : `The monthly retainer for ${title} is now ${after.status}`;
    const payload = {
      retainerId: after.id,
      collaborationId: after.collaborationId,
      status: after.status,
      previousStatus: before.status,
      cancelAtPeriodEnd: after.cancelAtPeriodEnd,
      message,
    };
    for (const userId of [after.companyId, after.influencerId]) await this.outbox.append(em, userId, 'retainer:update', payload);
  }

  /** The Stripe reads applying a retainer invoice needs, made before any lock is taken (see applyInvoice). */
  async prefetchInvoice(inv: Stripe.Invoice): Promise<RetainerInvoicePrefetch | null> {
    const subId = subscriptionIdOf(inv);
    if (!retainerMetadata(inv) || !subId) return null;
    const ticket = await this.repo.nextSyncTicket();
    const sub = await this.stripe.subscriptions.retrieve(subId);
    const charge = inv.status === 'paid' ? await this.invoiceCharge(inv) : null;
    return { ticket, sub, charge };
  }

  private subscriptionState(sub: Stripe.Subscription) {
    const item = sub.items.data[0];
    const at = (t: number | null | undefined) => (t ? new Date(t * 1000) : null);
    return {
      subscriptionId: sub.id,
      status: retainerStatusOf(sub),
      cancelAtPeriodEnd: sub.cancel_at_period_end,
      periodStart: at(item?.current_period_start) ?? new Date(),
      periodEnd: at(item?.current_period_end) ?? new Date(),
      defaultPaymentMethod: idOf(sub.default_payment_method),
      endedAt: at(sub.ended_at),
    };
  }

  /**
   * Applies one of a retainer subscription's invoices (already re-read from Stripe): the local copy moves forward
   * only; the period's payment is created once (under the collaboration's lock; unique per period); paid → HELD
   * with the same ledger entry as a card payment; a failed attempt → the period FAILED and the company told live
   * (only from PENDING: Stripe's retries fail the same invoice again, the company hears it once). The retainer
   * follows the subscription, re-read too. Locks: collaboration → retainer → payment → invoice.
   */
  async applyInvoice(em: EntityManager, inv: Stripe.Invoice, failure: string | undefined, pre: RetainerInvoicePrefetch | null): Promise<InvoiceRecord | null> {
    const md = retainerMetadata(inv);
    const subId = subscriptionIdOf(inv);
    if (!md || !subId || !pre) return null;
    const found = (md.retainer_id ? await this.repo.findById(md.retainer_id, em) : null) ?? (await this.repo.findBySubscription(subId, em));
    if (!found) return null;
    const c = await this.collaborations.findById(found.collaborationId, em, true);
    const synced = await this.syncSubscription(em, found.id, subId, pre);
    if (!c || !synced) return null;
    const { retainer: r, sub } = synced;

    const known = await this.invoices.findByStripeId(inv.id, em);
    const periodIndex = known?.periodIndex ?? periodIndexOf(inv, sub.billing_cycle_anchor);
    if (periodIndex === null) {
      this.logger.warn(`invoice ${inv.id} of retainer ${r.id} (${inv.billing_reason}) bills no period; ignored`);
      return null;
    }
    const paymentId =
      known?.paymentId ??
      (await this.repo.paymentIdForPeriod(c.id, periodIndex, em)) ??
      (await this.payments.createForCollaboration(em, c, periodIndex, 'subscription')).id;
    const p = (await this.paymentRepo.findById(paymentId, em, true))!;

    let row = await this.invoices.insertOrGet(em, {
      stripeInvoiceId: inv.id,
      kind: 'retainer',
      collaborationId: c.id,
      paymentId: p.id,
      retainerId: r.id,
      periodIndex,
      companyId: p.companyId,
      influencerId: p.influencerId,
      amount: inv.amount_due,
      currency: inv.currency,
      status: (inv.status ?? 'draft') as InvoiceStatus,
    });
    const next = (inv.status ?? row.status) as InvoiceStatus;
    const advances = invoiceStatusAdvances(row.status, next);
    row = await this.invoices.update(
      em,
      row.id,
      {
        ...(advances ? { status: next } : {}),
        number: inv.number,
        hostedInvoiceUrl: inv.hosted_invoice_url ?? null,
        invoicePdf: inv.invoice_pdf ?? null,
        attemptCount: Math.max(row.attemptCount, inv.attempt_count ?? 0),
        ...(failure ? { lastError: failure } : {}),
      },
      advances && next === 'paid' ? 'paid' : advances && next === 'void' ? 'voided' : undefined,
    );
    if (row.status === 'paid' && PRE_FUNDING.includes(p.status)) {
      if (inv.amount_paid !== p.amount)
        throw new Error(`invoice ${inv.id} paid ${inv.amount_paid} but period ${periodIndex} of retainer ${r.id} is ${p.amount}`);
      const { chargeId, fee } = pre.charge ?? (await this.invoiceCharge(inv));
      await this.payments.markHeld(em, p, { chargeId, fee, source: 'invoice', invoiceId: inv.id });
    } else if (failure && row.status === 'open') {
      await this.markPeriodFailed(em, p, c, failure);
    }
    return row;
  }

  private async markPeriodFailed(em: EntityManager, p: PaymentRecord, c: CollaborationRecord, failure: string): Promise<void> {
    const d = transition(
      { status: p.status, amount: p.amount, amountReleased: p.amountReleased, amountRefunded: p.amountRefunded, statusBeforeDispute: p.statusBeforeDispute },
      { type: 'INTENT_FAILED', message: failure },
    );
    if (d.kind !== 'apply') return;
    const updated = await this.paymentRepo.update(em, p.id, { status: 'FAILED', failureMessage: failure });
    await this.payments.notifyParties(em, updated, `Monthly payment of ${formatMoney(p)} for “${c.title}” (month ${p.periodIndex + 1}) failed: ${failure}`);
  }

  private async invoiceCharge(inv: Stripe.Invoice): Promise<{ chargeId: string | null; fee: number }> {
    let list = inv.payments?.data;
    if (!list) list = (await this.stripe.invoices.retrieve(inv.id, { expand: ['payments'] })).payments?.data ?? [];
    const paid = list.find((x) => x.status === 'paid');
    const piId = idOf(paid?.payment?.payment_intent);
    if (!piId) return { chargeId: null, fee: 0 };
    return this.payments.chargeDetails(await this.stripe.paymentIntents.retrieve(piId, { expand: ['latest_charge.balance_transaction'] }));
  }

  // ---------------------------------------------------------------- reads

  async get(user: AuthUser, id: string): Promise<RetainerView> {
    const r = await this.repo.findById(id);
    if (!r || !(user.role === 'admin' || r.companyId === user.id || r.influencerId === user.id)) throw notFound('RETAINER_NOT_FOUND', 'Retainer not found');
    return this.view(r);
  }

  async list(user: AuthUser): Promise<{ data: RetainerView[]; nextCursor: null }> {
    const rows = await this.repo.listForUser(user);
    return { data: await Promise.all(rows.map((r) => this.view(r))), nextCursor: null };
  }

  private async view(r: RetainerRecord): Promise<RetainerView> {
    return toRetainerView(r, await this.repo.periods(r.id, r.collaborationId));
  }

  private async ownAsCompany(user: AuthUser, id: string): Promise<RetainerRecord> {
    const r = await this.repo.findById(id);
    if (!r || !(r.companyId === user.id || r.influencerId === user.id)) throw notFound('RETAINER_NOT_FOUND', 'Retainer not found');
    if (r.companyId !== user.id) throw forbidden('FORBIDDEN_ROLE', 'Only the paying company can do this');
    return r;
  }
}
