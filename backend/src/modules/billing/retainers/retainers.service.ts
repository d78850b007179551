import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../../../common/auth/auth.types';
import { inTransaction } from '../../../common/database/transaction';
import { conflict, forbidden, notFound } from '../../../common/errors/app-error';
import { formatMoney } from '../../../common/money/currency';
import { APP_CONFIG } from '../../../config/config.module';
import type { AppConfig } from '../../../config/env.schema';
import { CollaborationRepository } from '../../collaborations/collaboration.repository';
import { OutboxService } from '../../outbox/outbox.service';
import { PRE_FUNDING, transition } from '../../payments/domain/payment-status.machine';
import { PaymentRepository } from '../../payments/payment.repository';
import { PaymentView } from '../../payments/payment.view';
import { PaymentsService, stripeErrorToApp } from '../../payments/payments.service';
import { STRIPE } from '../../stripe/stripe.module';
import { CustomersService } from '../customers/customers.service';
import { InvoiceRecord, InvoiceRepository, InvoiceStatus } from '../invoices/invoice.repository';
import { invoiceStatusAdvances } from '../invoices/invoice.view';
import { PeriodRow, RetainerRecord, RetainerRepository } from './retainer.repository';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const SWEEP_MS = 60_000;

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
 * Monthly retainers. Each month is one Stripe invoice charged automatically to the company's saved card; each paid
 * month puts that period's payment (`period_index`) in HELD through PaymentsService.markHeld, released like any
 * other payment. The Stripe emulator has no Subscriptions API, so CollabPay runs the monthly cycle itself (a
 * sweeper bills retainers whose period ended); the invoices, their webhooks and the ledger are the same as a
 * Stripe subscription's would be. Cancel = at period end; a failed renewal marks the period FAILED and tells the
 * company live.
 */
@Injectable()
export class RetainersService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetainersService.name);
  private timer: NodeJS.Timeout | null = null;
  private sweeping = false;

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
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  onApplicationBootstrap() {
    if (!this.cfg.runWorker) return;
    this.timer = setInterval(() => void this.renewDue().catch((e) => this.logger.error(`retainer sweep failed: ${(e as Error).message}`)), SWEEP_MS);
    this.timer.unref();
  }

  onModuleDestroy() {
    if (this.timer) clearInterval(this.timer);
  }

  // ---------------------------------------------------------------- commands

  async start(user: AuthUser, collaborationId: string, paymentMethodId?: string): Promise<RetainerView> {
    if (user.role !== 'company') throw forbidden('FORBIDDEN_ROLE', 'Only the paying company can do this');
    const c = await this.collaborations.findById(collaborationId);
    if (!c || c.companyId !== user.id) throw notFound('COLLABORATION_NOT_FOUND', 'Collaboration not found');
    if (c.billing !== 'monthly') throw conflict('NOT_A_RETAINER', 'This collaboration is billed once, not monthly');
    if (c.status === 'PROPOSED') throw conflict('COLLABORATION_NOT_ACCEPTED', 'The influencer has not accepted this collaboration yet');
    if (c.status === 'DECLINED' || c.status === 'CANCELED') throw conflict('COLLABORATION_CLOSED', `This collaboration is ${c.status.toLowerCase()}`);
    const existing = await this.repo.findByCollaboration(c.id);
    if (existing) return this.view(existing);
    const customer = await this.customers.ensureCustomer(user);
    let pm = paymentMethodId;
    if (pm) await this.customers.ownCard(user, pm);
    else pm = (await this.customers.defaultPaymentMethod(customer.stripeCustomerId)) ?? undefined;
    if (!pm) throw conflict('NO_SAVED_CARD', 'Save a card first: each month is charged to it');
    const r = await this.repo.insertIfMissing({ collaborationId: c.id, companyId: c.companyId, influencerId: c.influencerId, amount: c.amount, currency: c.currency, defaultPaymentMethod: pm });
    await this.billPeriod(r, 0);
    return this.view((await this.repo.findById(r.id))!);
  }

  async cancel(user: AuthUser, id: string, atPeriodEnd = true): Promise<RetainerView> {
    const r = await this.ownAsCompany(user, id);
    if (r.status === 'canceled') throw conflict('RETAINER_CANCELED', 'This retainer has ended');
    const updated = await inTransaction(this.ds, (em) => this.repo.update(em, r.id, { cancelAtPeriodEnd: atPeriodEnd }));
    return this.view(updated);
  }

  /** The saved card later months are charged to. */
  async changeCard(user: AuthUser, id: string, paymentMethodId: string): Promise<RetainerView> {
    const r = await this.ownAsCompany(user, id);
    await this.customers.ownCard(user, paymentMethodId);
    const updated = await inTransaction(this.ds, (em) => this.repo.update(em, r.id, { defaultPaymentMethod: paymentMethodId }));
    return this.view(updated);
  }

  /** Pays the open invoice of a failed month again (optionally with another saved card, which becomes the retainer's card). */
  async retry(user: AuthUser, id: string, paymentMethodId?: string): Promise<RetainerView> {
    const r = await this.ownAsCompany(user, id);
    if (paymentMethodId) await this.customers.ownCard(user, paymentMethodId);
    const pm = paymentMethodId ?? r.defaultPaymentMethod;
    const failed = (await this.repo.periods(r.id, r.collaborationId)).find((p) => p.status === 'FAILED' && p.invoiceId);
    if (!failed) throw conflict('NOTHING_TO_RETRY', 'No month of this retainer is waiting for payment');
    if (paymentMethodId) await inTransaction(this.ds, (em) => this.repo.update(em, r.id, { defaultPaymentMethod: paymentMethodId }));
    const inv = (await this.invoices.findById(failed.invoiceId!))!;
    await this.attemptPayment(inv.stripeInvoiceId, pm!);
    return this.view((await this.repo.findById(r.id))!);
  }

  async releasePeriod(user: AuthUser, id: string, periodIndex: number): Promise<PaymentView> {
    const r = await this.ownAsCompany(user, id);
    const paymentId = await this.repo.paymentIdForPeriod(r.collaborationId, periodIndex);
    if (!paymentId) throw notFound('PERIOD_NOT_FOUND', `Month ${periodIndex} of this retainer has not been billed`);
    return this.payments.release(user, r.collaborationId, undefined, paymentId);
  }

  // ---------------------------------------------------------------- the monthly cycle

  /** Bills every retainer whose period has ended (one month per call and retainer); ends those canceled at period end. */
  async renewDue(now = new Date()): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    let n = 0;
    try {
      for (const r of await this.repo.due(now)) {
        try {
          if (r.cancelAtPeriodEnd) {
            await inTransaction(this.ds, (em) => this.repo.update(em, r.id, { status: 'canceled', canceled: true }));
            continue;
          }
          const next = (await this.repo.lastPeriodIndex(r.collaborationId)) + 1;
          const advanced = await this.repo.advancePeriod(r.id, r.currentPeriodEnd);
          if (!advanced) continue;
          await this.billPeriod(advanced, next);
          n++;
        } catch (e) {
          this.logger.error(`renewal of retainer ${r.id} failed: ${(e as Error).message}`);
        }
      }
    } finally {
      this.sweeping = false;
    }
    return n;
  }

  /** Creates (idempotently) the period's payment and Stripe invoice, finalizes it and charges the saved card. */
  private async billPeriod(r: RetainerRecord, periodIndex: number): Promise<void> {
    const c = (await this.collaborations.findById(r.collaborationId))!;
    const paymentId = await inTransaction(this.ds, async (em) => {
      await this.collaborations.findById(c.id, em, true);
      const existing = await this.repo.paymentIdForPeriod(c.id, periodIndex, em);
      return existing ?? (await this.payments.createForCollaboration(em, c, periodIndex, 'subscription')).id;
    });
    this.outbox.notifyCommitted();
    const customer = (await this.customers.ensureCustomer({ id: r.companyId, email: '', role: 'company' })).stripeCustomerId;
    const key = `collabpay-retainer-${r.id}-${periodIndex}`;
    let inv: Stripe.Invoice;
    try {
      inv = await this.stripe.invoices.create(
        {
          customer,
          collection_method: 'charge_automatically',
          auto_advance: false,
          currency: r.currency,
          default_payment_method: r.defaultPaymentMethod ?? undefined,
          description: `CollabPay retainer “${c.title}”, month ${periodIndex + 1}`,
          metadata: { kind: 'retainer', retainer_id: r.id, payment_id: paymentId, collaboration_id: c.id, period_index: String(periodIndex), company_id: r.companyId, influencer_id: r.influencerId },
        },
        { idempotencyKey: key },
      );
      if (inv.status === 'draft') {
        await this.stripe.invoiceItems.create(
          { customer, invoice: inv.id, amount: r.amount, currency: r.currency, description: `${c.title} — month ${periodIndex + 1}`, metadata: { payment_id: paymentId, period_index: String(periodIndex) } },
          { idempotencyKey: `${key}-line` },
        );
        inv = await this.stripe.invoices.finalizeInvoice(inv.id, { auto_advance: false }, { idempotencyKey: `${key}-finalize` });
      }
    } catch (e) {
      throw stripeErrorToApp(e);
    }
    await inTransaction(this.ds, (em) => this.applyInvoice(em, inv));
    if (inv.status === 'open' && r.defaultPaymentMethod) await this.attemptPayment(inv.id, r.defaultPaymentMethod);
  }

  private async attemptPayment(stripeInvoiceId: string, pm: string): Promise<void> {
    let failure: string | undefined;
    try {
      await this.stripe.invoices.pay(stripeInvoiceId, { payment_method: pm, off_session: true });
    } catch (e) {
      failure = (e as Error).message;
    }
    // apply at once (the webhooks say the same later; applying is idempotent)
    const inv = await this.stripe.invoices.retrieve(stripeInvoiceId, { expand: ['payments'] });
    await inTransaction(this.ds, (em) => this.applyInvoice(em, inv, inv.status === 'open' ? failure : undefined));
    this.outbox.notifyCommitted();
  }

  // ---------------------------------------------------------------- applying Stripe's view

  /**
   * Applies a retainer invoice's current state: local copy forward-only; paid → the period's payment HELD (same
   * ledger entry as a card); a failed attempt → the period FAILED, the retainer past_due, the company told live.
   */
  async applyInvoice(em: EntityManager, inv: Stripe.Invoice, failure?: string): Promise<InvoiceRecord | null> {
    const md = inv.metadata ?? {};
    if (md.kind !== 'retainer' || !md.payment_id || !md.retainer_id) return null;
    const p = await this.paymentRepo.findById(md.payment_id, em, true);
    const r = await this.repo.findById(md.retainer_id, em, true);
    if (!p || !r) return null;
    let row = await this.invoices.insertOrGet(em, {
      stripeInvoiceId: inv.id,
      kind: 'retainer',
      collaborationId: p.collaborationId,
      paymentId: p.id,
      retainerId: r.id,
      periodIndex: p.periodIndex,
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
      const { chargeId, fee } = await this.invoiceCharge(inv);
      await this.payments.markHeld(em, p, { chargeId, fee, source: 'invoice', invoiceId: inv.id });
      if (r.status === 'incomplete' || r.status === 'past_due') await this.repo.update(em, r.id, { status: 'active' });
    } else if (failure && row.status === 'open') {
      const d = transition({ status: p.status, amount: p.amount, amountReleased: p.amountReleased, amountRefunded: p.amountRefunded, statusBeforeDispute: p.statusBeforeDispute }, { type: 'INTENT_FAILED', message: failure });
      if (d.kind === 'apply') {
        const updated = await this.paymentRepo.update(em, p.id, { status: 'FAILED', failureMessage: failure });
        const c = await this.collaborations.findById(p.collaborationId, em);
        await this.payments.notifyParties(em, updated, `Monthly payment of ${formatMoney(p)} for “${c?.title ?? 'your retainer'}” (month ${p.periodIndex + 1}) failed: ${failure}`);
      }
      if (r.status === 'active') await this.repo.update(em, r.id, { status: 'past_due' });
    }
    return row;
  }

  private async invoiceCharge(inv: Stripe.Invoice): Promise<{ chargeId: string | null; fee: number }> {
    let list = inv.payments?.data;
    if (!list) list = (await this.stripe.invoices.retrieve(inv.id, { expand: ['payments'] })).payments?.data ?? [];
    const paid = list.find((x) => x.status === 'paid');
    const pay = paid?.payment?.payment_intent;
    const piId = typeof pay === 'string' ? pay : pay?.id;
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
