import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import { STRIPE } from '../stripe/stripe.module';
import { WebhookHandlerRegistry } from '../webhooks/webhook-handler.registry';
import { CustomersService } from './customers/customers.service';
import { InvoicesService } from './invoices/invoices.service';
import { RetainersService } from './retainers/retainers.service';
import { invoiceFailure, retainerMetadata } from './retainers/subscription-invoice';

export const INVOICE_EVENTS = ['invoice.finalized', 'invoice.paid', 'invoice.payment_failed', 'invoice.voided', 'invoice.marked_uncollectible', 'invoice.sent'];
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
    for (const type of INVOICE_EVENTS) this.registry.register(type, (e, em) => this.onInvoice(e, em));
    for (const type of SUBSCRIPTION_EVENTS) this.registry.register(type, (e, em) => this.onSubscription(e, em));
    this.registry.register('setup_intent.succeeded', (e) => this.onSetupIntent(e));
  }

  async onInvoice(event: Stripe.Event, em: EntityManager): Promise<'applied' | 'ignored'> {
    if (event.account) return 'ignored';
    const obj = event.data.object as Stripe.Invoice;
    const kind = retainerMetadata(obj) ? 'retainer' : obj.metadata?.kind;
    if (kind !== 'one_time' && kind !== 'retainer') return 'ignored';
    const inv = await this.stripe.invoices.retrieve(obj.id, { expand: ['payments'] });
    // a failure is reported only while the invoice is still unpaid (a late payment_failed after a successful retry is stale)
    const failure = event.type === 'invoice.payment_failed' && inv.status === 'open' ? await this.failureOf(inv) : undefined;
    // every Stripe read comes before the first business row lock
    const row =
      kind === 'retainer'
        ? await this.retainers.applyInvoice(em, inv, failure, await this.retainers.prefetchInvoice(inv))
        : await this.invoices.applyInvoice(em, inv, failure, await this.invoices.prefetchCharge(inv));
    return row ? 'applied' : 'ignored';
  }

  async onSubscription(event: Stripe.Event, em: EntityManager): Promise<'applied' | 'ignored'> {
    if (event.account) return 'ignored';
    return this.retainers.onSubscriptionEvent(em, event.data.object as Stripe.Subscription);
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
