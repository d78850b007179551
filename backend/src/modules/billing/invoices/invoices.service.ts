import { Inject, Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../../../common/auth/auth.types';
import { inTransaction } from '../../../common/database/transaction';
import { conflict, forbidden, notFound } from '../../../common/errors/app-error';
import { formatMoney } from '../../../common/money/currency';
import { decodeCursor, Page, toPage } from '../../../common/pagination/pagination';
import { CollaborationRecord, CollaborationRepository } from '../../collaborations/collaboration.repository';
import { OutboxService } from '../../outbox/outbox.service';
import { PRE_FUNDING } from '../../payments/domain/payment-status.machine';
import { PaymentRecord, PaymentRepository } from '../../payments/payment.repository';
import { PaymentsService, stripeErrorToApp } from '../../payments/payments.service';
import { STRIPE } from '../../stripe/stripe.module';
import { CustomersService } from '../customers/customers.service';
import { InvoiceRecord, InvoiceRepository, InvoiceStatus } from './invoice.repository';
import { invoiceStatusAdvances, InvoiceView, toInvoiceView } from './invoice.view';

/** The charge behind a paid invoice and Stripe's fee on it. */
export type InvoiceCharge = { chargeId: string | null; fee: number };

type Outcome = 'applied' | 'ignored';

const DEFAULT_DAYS_UNTIL_DUE = 30;
const idOf = (x: string | { id: string } | null | undefined): string | null => (typeof x === 'string' ? x : (x?.id ?? null));
const stripeCode = (e: unknown) => (e as { code?: string; raw?: { code?: string } }).code ?? (e as { raw?: { code?: string } }).raw?.code;

/**
 * Pay by invoice: a Stripe invoice (send_invoice) per collaboration payment. The invoice replaces the card
 * PaymentIntent (canceled, marked as superseded) so the collaboration can never be paid twice; a paid invoice
 * puts the payment in HELD through PaymentsService.markHeld (the same journal entry as a card); voiding an open
 * invoice hands the payment back to the card route.
 */
@Injectable()
export class InvoicesService {
  private readonly logger = new Logger(InvoicesService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly repo: InvoiceRepository,
    private readonly payments: PaymentsService,
    private readonly paymentRepo: PaymentRepository,
    private readonly collaborations: CollaborationRepository,
    private readonly customers: CustomersService,
    private readonly outbox: OutboxService,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  // ---------------------------------------------------------------- commands

  async create(user: AuthUser, collaborationId: string, daysUntilDue = DEFAULT_DAYS_UNTIL_DUE): Promise<InvoiceView> {
    if (user.role !== 'company') throw forbidden('FORBIDDEN_ROLE', 'Only the paying company can do this');
    const c = await this.collaborations.findById(collaborationId);
    if (!c || c.companyId !== user.id) throw notFound('COLLABORATION_NOT_FOUND', 'Collaboration not found');
    if (c.status === 'PROPOSED') throw conflict('COLLABORATION_NOT_ACCEPTED', 'The influencer has not accepted this collaboration yet');
    if (c.status === 'DECLINED' || c.status === 'CANCELED') throw conflict('COLLABORATION_CLOSED', `This collaboration is ${c.status.toLowerCase()}`);
    if (c.billing === 'monthly') throw conflict('PAYMENT_BY_SUBSCRIPTION', 'This collaboration is a monthly retainer, paid by its subscription');
    let p = await this.paymentRepo.findByCollaboration(c.id);
    if (!p) {
      p = await inTransaction(this.ds, async (em) => {
        const locked = await this.collaborations.findById(c.id, em, true);
        return (await this.paymentRepo.findByCollaboration(c.id, em)) ?? this.payments.createForCollaboration(em, locked!);
      });
      this.outbox.notifyCommitted();
    }
    this.assertInvoiceable(p);
    const open = await this.repo.findOpenForPayment(p.id);
    if (open) return toInvoiceView(open);

    const customer = await this.customers.ensureCustomer(user);
    const attempt = await this.repo.countForPayment(p.id);
    const key = `collabpay-invoice-${p.id}-${attempt}`;
    let inv: Stripe.Invoice;
    try {
      inv = await this.stripe.invoices.create(
        {
          customer: customer.stripeCustomerId,
          collection_method: 'send_invoice',
          days_until_due: daysUntilDue,
          currency: p.currency,
          auto_advance: false,
          description: `CollabPay collaboration “${c.title}”`,
          metadata: { kind: 'one_time', payment_id: p.id, collaboration_id: c.id, company_id: c.companyId, influencer_id: c.influencerId },
        },
        { idempotencyKey: key },
      );
      if (inv.status === 'draft') await this.addLines(inv, c, p, key);
    } catch (e) {
      throw stripeErrorToApp(e);
    }
    // Only now stop the card route: if the card payment got through meanwhile, the draft goes and we refuse.
    if (p.stripePaymentIntentId) await this.neutraliseIntent(p.stripePaymentIntentId, inv);
    try {
      if (inv.status === 'draft') inv = await this.stripe.invoices.finalizeInvoice(inv.id, { auto_advance: false }, { idempotencyKey: `${key}-finalize` });
    } catch (e) {
      const now = await this.stripe.invoices.retrieve(inv.id).catch(() => null);
      if (!now || now.status === 'draft') {
        await this.releaseToCard(p.id);
        throw stripeErrorToApp(e);
      }
      inv = now;
    }
    let charge: InvoiceCharge | null;
    try {
      charge = await this.prefetchCharge(inv);
    } catch (e) {
      throw stripeErrorToApp(e);
    }
    const view = await inTransaction(this.ds, async (em) => {
      const locked = (await this.paymentRepo.findById(p.id, em, true))!;
      if (PRE_FUNDING.includes(locked.status) && (locked.method !== 'invoice' || locked.stripeInvoiceId !== inv.id)) {
        const updated = await this.paymentRepo.update(em, p.id, {
          method: 'invoice',
          stripeInvoiceId: inv.id,
          stripePaymentIntentId: null,
          clientSecret: null,
        });
        await this.payments.notifyParties(em, updated, `Invoice ${inv.number ?? ''} of ${formatMoney(p)} issued for “${c.title}”`);
      }
      const row = await this.applyInvoice(em, inv, undefined, charge);
      return toInvoiceView(row!);
    });
    this.outbox.notifyCommitted();
    return view;
  }

  async send(user: AuthUser, id: string): Promise<InvoiceView> {
    const local = await this.ownAsCompany(user, id);
    let inv: Stripe.Invoice;
    try {
      // one e-mail per invoice within Stripe's 24 h key window, however often a lost answer makes the client retry
      inv = await this.stripe.invoices.sendInvoice(local.stripeInvoiceId, {}, { idempotencyKey: `collabpay-invoice-send-${local.id}` });
    } catch (e) {
      await this.refresh(local.stripeInvoiceId).catch(() => null);
      if (stripeCode(e) === 'invoice_not_open' || (e as { type?: string }).type === 'StripeInvalidRequestError')
        throw conflict('INVOICE_NOT_OPEN', `Only an open invoice can be sent (this one is ${(await this.repo.findById(id))!.status})`);
      throw stripeErrorToApp(e);
    }
    return this.applyAndView(inv);
  }

  async void(user: AuthUser, id: string): Promise<InvoiceView> {
    const local = await this.ownAsCompany(user, id);
    if (local.status !== 'open' && local.status !== 'uncollectible')
      throw conflict('INVOICE_NOT_OPEN', `Only an open invoice can be voided (this one is ${local.status})`);
    let inv: Stripe.Invoice;
    try {
      inv = await this.stripe.invoices.voidInvoice(local.stripeInvoiceId, {}, { idempotencyKey: `collabpay-invoice-void-${local.id}` });
    } catch (e) {
      const after = await this.refresh(local.stripeInvoiceId).catch(() => null);
      // the void went through although its answer was lost
      if (after?.status === 'void') return toInvoiceView(after);
      if ((e as { type?: string }).type === 'StripeInvalidRequestError') {
        throw conflict('INVOICE_NOT_OPEN', `Only an open invoice can be voided (this one is ${(await this.repo.findById(id))!.status})`);
      }
      throw stripeErrorToApp(e);
    }
    return this.applyAndView(inv);
  }

  // ---------------------------------------------------------------- reads

  async get(user: AuthUser, id: string): Promise<InvoiceView> {
    const i = await this.repo.findById(id);
    if (!i || !(user.role === 'admin' || i.companyId === user.id || i.influencerId === user.id)) throw notFound('INVOICE_NOT_FOUND', 'Invoice not found');
    return toInvoiceView(i);
  }

  async list(user: AuthUser, limit = 20, cursor?: string, filter: { collaborationId?: string; retainerId?: string } = {}): Promise<Page<InvoiceView>> {
    const rows = await this.repo.listForUser(user, limit, decodeCursor(cursor), filter);
    const page = toPage(rows, limit, (r) => ({ createdAt: new Date(r.createdAt), id: r.id }));
    return { data: page.data.map(toInvoiceView), nextCursor: page.nextCursor };
  }

  // ---------------------------------------------------------------- applying Stripe's view

  /** Re-reads the invoice from Stripe and applies it (used after API calls and by the webhook handlers). */
  async refresh(stripeInvoiceId: string): Promise<InvoiceRecord | null> {
    const inv = await this.stripe.invoices.retrieve(stripeInvoiceId);
    const charge = await this.prefetchCharge(inv);
    const row = await inTransaction(this.ds, (em) => this.applyInvoice(em, inv, undefined, charge));
    this.outbox.notifyCommitted();
    return row;
  }

  /**
   * Applies a one-time invoice's current state: the local copy follows it (statuses only move forward), a paid
   * invoice puts the payment in HELD, a voided one hands the payment back to the card route. Idempotent and
   * order-insensitive. Returns the local row (null when the invoice is not a CollabPay one-time invoice).
   */
  async applyInvoice(em: EntityManager, inv: Stripe.Invoice, failure: string | undefined, charge: InvoiceCharge | null): Promise<InvoiceRecord | null> {
    const md = inv.metadata ?? {};
    if (md.kind !== 'one_time' || !md.payment_id) return null;
    const p = await this.paymentRepo.findById(md.payment_id, em, true);
    if (!p) return null;
    let row = await this.repo.insertOrGet(em, {
      stripeInvoiceId: inv.id,
      kind: 'one_time',
      collaborationId: p.collaborationId,
      paymentId: p.id,
      companyId: p.companyId,
      influencerId: p.influencerId,
      amount: inv.amount_due,
      currency: inv.currency,
      status: (inv.status ?? 'draft') as InvoiceStatus,
    });
    const before = row.status;
    const next = (inv.status ?? before) as InvoiceStatus;
    const advances = invoiceStatusAdvances(before, next);
    row = await this.repo.update(
      em,
      row.id,
      {
        ...(advances ? { status: next } : {}),
        amount: inv.amount_due,
        number: inv.number,
        hostedInvoiceUrl: inv.hosted_invoice_url ?? null,
        invoicePdf: inv.invoice_pdf ?? null,
        dueDate: inv.due_date ? new Date(inv.due_date * 1000) : null,
        attemptCount: Math.max(row.attemptCount, inv.attempt_count ?? 0),
        ...(failure ? { lastError: failure } : {}),
      },
      advances && next === 'paid' ? 'paid' : advances && next === 'void' ? 'voided' : undefined,
    );
    if (row.status === 'paid') await this.onPaid(em, p, inv, charge);
    else if (row.status === 'void' && advances) await this.onVoided(em, p, inv);
    else if (failure && row.status === 'open') {
      await this.outbox.append(em, p.companyId, 'payment:update', {
        paymentId: p.id,
        collaborationId: p.collaborationId,
        status: p.status,
        amount: p.amount,
        currency: p.currency,
        message: `Invoice ${inv.number ?? ''} payment failed: ${failure}`,
      });
    }
    return row;
  }

  private async onPaid(em: EntityManager, p: PaymentRecord, inv: Stripe.Invoice, charge: InvoiceCharge | null): Promise<Outcome> {
    if (!PRE_FUNDING.includes(p.status)) {
      if (p.stripeInvoiceId !== inv.id)
        this.logger.error(`invoice ${inv.id} was paid but payment ${p.id} is already ${p.status} (paid otherwise): needs a refund`);
      return 'ignored';
    }
    // read before the payment's lock was taken (prefetchCharge: whenever Stripe's copy says paid); only a stale
    // copy of an invoice already recorded as paid gets here without it
    const { chargeId, fee } = charge ?? (await this.invoiceCharge(inv));
    return this.payments.markHeld(em, p, { chargeId, fee, source: 'invoice', invoiceId: inv.id });
  }

  private async onVoided(em: EntityManager, p: PaymentRecord, inv: Stripe.Invoice): Promise<void> {
    if (p.method !== 'invoice' || p.stripeInvoiceId !== inv.id || !PRE_FUNDING.includes(p.status)) return;
    // back to the card route: ensureIntent creates a fresh PaymentIntent (its key names this invoice)
    const updated = await this.paymentRepo.update(em, p.id, { method: 'card', stripePaymentIntentId: null, clientSecret: null });
    await this.payments.notifyParties(em, updated, `Invoice ${inv.number ?? ''} was voided; the collaboration can be paid by card`);
  }

  /** What applying a paid invoice reads from Stripe, read before any lock is taken (null unless paid). */
  async prefetchCharge(inv: Stripe.Invoice): Promise<InvoiceCharge | null> {
    return inv.status === 'paid' && inv.metadata?.kind === 'one_time' ? this.invoiceCharge(inv) : null;
  }

  /** The charge behind a paid invoice and Stripe's fee on it (none when paid out of band). */
  private async invoiceCharge(inv: Stripe.Invoice): Promise<{ chargeId: string | null; fee: number }> {
    let payments = inv.payments?.data;
    if (!payments) payments = (await this.stripe.invoices.retrieve(inv.id, { expand: ['payments'] })).payments?.data ?? [];
    const paid = payments.find((x) => x.status === 'paid') ?? null;
    const piId = idOf(paid?.payment?.payment_intent ?? null);
    if (!piId) return { chargeId: null, fee: 0 };
    const pi = await this.stripe.paymentIntents.retrieve(piId, { expand: ['latest_charge.balance_transaction'] });
    return this.payments.chargeDetails(pi);
  }

  // ---------------------------------------------------------------- helpers

  private assertInvoiceable(p: PaymentRecord) {
    if (p.method === 'subscription') throw conflict('PAYMENT_BY_SUBSCRIPTION', 'This collaboration is a monthly retainer, paid by its subscription');
    if (p.status === 'PROCESSING') throw conflict('PAYMENT_PROCESSING', 'A card or bank payment for this collaboration is being processed');
    if (!PRE_FUNDING.includes(p.status)) throw conflict('PAYMENT_ALREADY_COMPLETED', `This collaboration is already paid (payment is ${p.status})`);
  }

  /**
   * Cancels the card PaymentIntent (marked as superseded so its cancellation does not cancel the payment).
   * If the company paid by card in the meantime, that payment is applied, the draft invoice deleted, and 409.
   */
  private async neutraliseIntent(piId: string, draft: Stripe.Invoice): Promise<void> {
    let pi: Stripe.PaymentIntent;
    try {
      pi = await this.stripe.paymentIntents.retrieve(piId);
      if (pi.status !== 'canceled' && ['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(pi.status)) {
        await this.stripe.paymentIntents.update(
          pi.id,
          { metadata: { collabpay_superseded_by: draft.id } },
          { idempotencyKey: `collabpay-pi-superseded-${pi.id}-${draft.id}` },
        );
        try {
          pi = await this.stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'abandoned' }, { idempotencyKey: `collabpay-pi-cancel-${pi.id}` });
        } catch {
          pi = await this.stripe.paymentIntents.retrieve(piId);
        }
      }
    } catch (e) {
      throw stripeErrorToApp(e);
    }
    if (pi.status === 'canceled') return;
    // paid (or being paid) by card after all
    const full = await this.stripe.paymentIntents.retrieve(piId, { expand: ['latest_charge.balance_transaction'] });
    await inTransaction(this.ds, (em) => this.payments.applyIntent(em, full));
    this.outbox.notifyCommitted();
    if (draft.status === 'draft') await this.stripe.invoices.del(draft.id).catch(() => undefined);
    if (full.status === 'processing') throw conflict('PAYMENT_PROCESSING', 'A card or bank payment for this collaboration is being processed');
    throw conflict('PAYMENT_ALREADY_COMPLETED', 'This collaboration was just paid by card');
  }

  /** The invoice could not be finalized after the card intent was canceled: let the card route create a new intent. */
  private async releaseToCard(paymentId: string): Promise<void> {
    // read the intent first, then check under the lock that the payment still has that intent
    const first = await this.paymentRepo.findById(paymentId);
    if (!first?.stripePaymentIntentId) return;
    const pi = await this.stripe.paymentIntents.retrieve(first.stripePaymentIntentId).catch(() => null);
    await inTransaction(this.ds, async (em) => {
      const p = await this.paymentRepo.findById(paymentId, em, true);
      if (p && p.method === 'card' && PRE_FUNDING.includes(p.status) && p.stripePaymentIntentId && p.stripePaymentIntentId === pi?.id) {
        if (pi.status === 'canceled')
          await this.paymentRepo.update(em, p.id, {
            stripeInvoiceId: pi.metadata?.collabpay_superseded_by ?? null,
            stripePaymentIntentId: null,
            clientSecret: null,
          });
      }
    });
  }

  private async addLines(inv: Stripe.Invoice, c: CollaborationRecord, p: PaymentRecord, key: string): Promise<void> {
    const milestones = await this.collaborations.milestones(c.id);
    const lines = milestones.length
      ? milestones.map((m) => ({ description: m.title, amount: m.amount, milestoneId: m.id }))
      : [{ description: c.title, amount: p.amount, milestoneId: '' }];
    for (const [i, l] of lines.entries()) {
      await this.stripe.invoiceItems.create(
        {
          customer: typeof inv.customer === 'string' ? inv.customer : inv.customer!.id,
          invoice: inv.id,
          amount: l.amount,
          currency: p.currency,
          description: l.description,
          metadata: { payment_id: p.id, collaboration_id: c.id, ...(l.milestoneId ? { milestone_id: l.milestoneId } : {}) },
        },
        { idempotencyKey: `${key}-line-${i}` },
      );
    }
  }

  private async ownAsCompany(user: AuthUser, id: string): Promise<InvoiceRecord> {
    const i = await this.repo.findById(id);
    if (!i || !(i.companyId === user.id || i.influencerId === user.id)) throw notFound('INVOICE_NOT_FOUND', 'Invoice not found');
    if (i.companyId !== user.id) throw forbidden('FORBIDDEN_ROLE', 'Only the paying company can do this');
    if (i.kind !== 'one_time') throw conflict('INVOICE_MANAGED_BY_SUBSCRIPTION', 'Invoices of a monthly retainer are managed by its subscription');
    return i;
  }

  private async applyAndView(inv: Stripe.Invoice): Promise<InvoiceView> {
    let charge: InvoiceCharge | null;
    try {
      charge = await this.prefetchCharge(inv);
    } catch (e) {
      throw stripeErrorToApp(e);
    }
    const row = await inTransaction(this.ds, (em) => this.applyInvoice(em, inv, undefined, charge));
    this.outbox.notifyCommitted();
    return toInvoiceView(row!);
  }
}
