import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import { STRIPE } from '../stripe/stripe.module';
import { WebhookHandlerRegistry } from '../webhooks/webhook-handler.registry';
import { CustomersService } from './customers/customers.service';
import { InvoicesService } from './invoices/invoices.service';
import { RetainersService } from './retainers/retainers.service';

export const INVOICE_EVENTS = ['invoice.finalized', 'invoice.paid', 'invoice.payment_failed', 'invoice.voided', 'invoice.marked_uncollectible', 'invoice.sent'];

/**
 * Stripe events for billing. Each handler re-reads the invoice from Stripe (the event is only a moment in its
 * life) and applies its current state through forward-only rules, so duplicates and reordering are harmless.
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
    this.registry.register('setup_intent.succeeded', (e) => this.onSetupIntent(e));
  }

  async onInvoice(event: Stripe.Event, em: EntityManager): Promise<'applied' | 'ignored'> {
    if (event.account) return 'ignored';
    const obj = event.data.object as Stripe.Invoice;
    const kind = obj.metadata?.kind;
    if (kind !== 'one_time' && kind !== 'retainer') return 'ignored';
    const inv = await this.stripe.invoices.retrieve(obj.id, { expand: ['payments'] });
    const failure = event.type === 'invoice.payment_failed' && inv.status === 'open' ? await this.failureOf(inv) : undefined;
    const row = kind === 'retainer' ? await this.retainers.applyInvoice(em, inv, failure) : await this.invoices.applyInvoice(em, inv, failure);
    return row ? 'applied' : 'ignored';
  }

  async onSetupIntent(event: Stripe.Event): Promise<'applied' | 'ignored'> {
    if (event.account) return 'ignored';
    return this.customers.onCardSaved(event.data.object as Stripe.SetupIntent);
  }

  /** Why the last attempt on the invoice failed (from its PaymentIntent). */
  async failureOf(inv: Stripe.Invoice): Promise<string> {
    const pay = inv.payments?.data?.[inv.payments.data.length - 1]?.payment?.payment_intent;
    const piId = typeof pay === 'string' ? pay : pay?.id;
    if (!piId) return 'the payment failed';
    const pi = await this.stripe.paymentIntents.retrieve(piId);
    return pi.last_payment_error?.message ?? 'the payment failed';
  }
}
