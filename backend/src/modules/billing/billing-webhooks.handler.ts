import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import { STRIPE } from '../stripe/stripe.module';
import { WebhookHandlerRegistry } from '../webhooks/webhook-handler.registry';
import { CustomersService } from './customers/customers.service';
import { InvoiceCharge, InvoicesService } from './invoices/invoices.service';
import { RetainerInvoicePrefetch, RetainersService } from './retainers/retainers.service';
import { invoiceFailure, retainerMetadata } from './retainers/subscription-invoice';

export const INVOICE_EVENTS = ['invoice.finalized', 'invoice.paid', 'invoice.payment_failed', 'invoice.voided', 'invoice.marked_uncollectible', 'invoice.sent'];
type SubscriptionRead = { ticket: number; sub: Stripe.Subscription };
type PreparedInvoice =
  | { kind: 'retainer'; inv: Stripe.Invoice; failure: string | undefined; retainer: RetainerInvoicePrefetch | null }
  | { kind: 'one_time'; inv: Stripe.Invoice; failure: string | undefined; charge: InvoiceCharge | null };

export const SUBSCRIPTION_EVENTS = ['customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted'];

/**
 * Stripe events for billing. Each handler re-reads the invoice (or subscription) from Stripe (the event is only a
 * moment in its life) and applies its current state through forward-only rules, so duplicates and reordering are
 * harmless. One-time invoices carry `metadata.kind = one_time`; a retainer's invoices are its subscription's, found
 * by the subscription metadata Stripe copies to `parent.subscription_details.metadata` (`kind = retainer`).
 */
@Injectable()
export class BillingWebhooksHandler implements OnModuleInit {
  constructor(
    private readonly registry: WebhookHandlerRegistry,
    private readonly invoices: InvoicesService,
    private readonly customers: CustomersService,
    private readonly retainers: RetainersService,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  onModuleInit() {
    // every Stripe read happens in `prepare`, before the processor's transaction (no row lock across a Stripe call)
    for (const type of INVOICE_EVENTS)
      this.registry.register(
        type,
        (e, em, pre) => this.onInvoice(e, em, pre as PreparedInvoice | null),
        (e) => this.prepareInvoice(e),
      );
    for (const type of SUBSCRIPTION_EVENTS)
      this.registry.register(
        type,
        (e, em, pre) => this.onSubscription(e, em, pre as SubscriptionRead | null),
        (e) => this.prepareSubscription(e),
      );
    this.registry.register(
      'setup_intent.succeeded',
      async (_e, _em, outcome) => outcome as 'applied' | 'ignored',
      (e) => this.onSetupIntent(e),
    );
  }

  /** Re-reads the invoice and what applying it needs (failure reason, subscription, charge). null: not ours. */
  async prepareInvoice(event: Stripe.Event): Promise<PreparedInvoice | null> {
    if (event.account) return null;
    const obj = event.data.object as Stripe.Invoice;
    const kind = retainerMetadata(obj) ? 'retainer' : obj.metadata?.kind;
    if (kind !== 'one_time' && kind !== 'retainer') return null;
    const inv = await this.stripe.invoices.retrieve(obj.id, { expand: ['payments'] });
    // a failure is reported only while the invoice is still unpaid (a late payment_failed after a successful retry is stale)
    const failure = event.type === 'invoice.payment_failed' && inv.status === 'open' ? await this.failureOf(inv) : undefined;
    if (kind === 'retainer') return { kind, inv, failure, retainer: await this.retainers.prefetchInvoice(inv) };
    return { kind, inv, failure, charge: await this.invoices.prefetchCharge(inv) };
  }

  /** `prepared`: from prepareInvoice (the processor passes it; a direct caller may leave it out). */
  async onInvoice(event: Stripe.Event, em: EntityManager, prepared?: PreparedInvoice | null): Promise<'applied' | 'ignored'> {
    const pre = prepared === undefined ? await this.prepareInvoice(event) : prepared;
    if (!pre) return 'ignored';
    const row =
      pre.kind === 'retainer'
        ? await this.retainers.applyInvoice(em, pre.inv, pre.failure, pre.retainer)
        : await this.invoices.applyInvoice(em, pre.inv, pre.failure, pre.charge);
    return row ? 'applied' : 'ignored';
  }

  async prepareSubscription(event: Stripe.Event): Promise<SubscriptionRead | null> {
    if (event.account) return null;
    return this.retainers.readSubscriptionFor(event.data.object as Stripe.Subscription);
  }

  async onSubscription(event: Stripe.Event, em: EntityManager, read?: SubscriptionRead | null): Promise<'applied' | 'ignored'> {
    if (event.account) return 'ignored';
    return this.retainers.onSubscriptionEvent(em, event.data.object as Stripe.Subscription, read ?? undefined);
  }

  async onSetupIntent(event: Stripe.Event): Promise<'applied' | 'ignored'> {
    if (event.account) return 'ignored';
    return this.customers.onCardSaved(event.data.object as Stripe.SetupIntent);
  }

  /** Why the last attempt on the invoice failed (from its PaymentIntent). */
  failureOf(inv: Stripe.Invoice): Promise<string> {
    return invoiceFailure(this.stripe, inv);
  }
}
