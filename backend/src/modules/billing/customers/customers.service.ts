import { Inject, Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import type { AuthUser } from '../../../common/auth/auth.types';
import { notFound } from '../../../common/errors/app-error';
import { APP_CONFIG } from '../../../config/config.module';
import type { AppConfig } from '../../../config/env.schema';
import { stripeErrorToApp } from '../../payments/payments.service';
import { STRIPE } from '../../stripe/stripe.module';
import { UserRepository } from '../../users/user.repository';
import type { BillingDetailsDto } from '../dto/billing.dto';
import { BillingCustomerRecord, BillingCustomerRepository } from './billing-customer.repository';

export interface BillingCustomerView {
  stripeCustomerId: string;
  name: string | null;
  email: string | null;
  address: BillingCustomerRecord['address'];
  taxId: { type: string; value: string } | null;
  defaultPaymentMethodId: string | null;
}

export interface SavedCardView {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  isDefault: boolean;
}

const toStripeAddress = (a: BillingCustomerRecord['address']): Stripe.AddressParam | undefined =>
  a ? { line1: a.line1, line2: a.line2 ?? '', city: a.city, postal_code: a.postalCode, state: a.state ?? '', country: a.country } : undefined;

/**
 * Companies as Stripe customers, created on first need (idempotency key from the user id), with billing details
 * kept locally and mirrored to the customer; saved cards live only in Stripe (listed from there).
 */
@Injectable()
export class CustomersService {
  private readonly logger = new Logger(CustomersService.name);

  constructor(
    private readonly repo: BillingCustomerRepository,
    private readonly users: UserRepository,
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  async ensureCustomer(user: AuthUser): Promise<BillingCustomerRecord> {
    const existing = await this.repo.findByUser(user.id);
    if (existing) return existing;
    const u = await this.users.findById(user.id);
    let customer: Stripe.Customer;
    try {
      customer = await this.stripe.customers.create(
        { email: u?.email ?? user.email, name: u?.name, metadata: { user_id: user.id } },
        { idempotencyKey: `collabpay-customer-${user.id}` },
      );
    } catch (e) {
      this.logger.warn(`customer creation failed for ${user.id}: ${(e as Error).message}`);
      throw stripeErrorToApp(e);
    }
    return this.repo.insertIfMissing({ userId: user.id, stripeCustomerId: customer.id, name: u?.name ?? null, email: u?.email ?? user.email });
  }

  async getDetails(user: AuthUser): Promise<BillingCustomerView> {
    const c = await this.ensureCustomer(user);
    return this.view(c, await this.defaultPaymentMethod(c.stripeCustomerId));
  }

  async updateDetails(user: AuthUser, dto: BillingDetailsDto): Promise<BillingCustomerView> {
    const c = await this.ensureCustomer(user);
    const address = dto.address
      ? {
          line1: dto.address.line1,
          line2: dto.address.line2 || null,
          city: dto.address.city,
          postalCode: dto.address.postalCode,
          state: dto.address.state || null,
          country: dto.address.country,
        }
      : null;
    try {
      await this.stripe.customers.update(c.stripeCustomerId, {
        name: dto.name,
        email: dto.email,
        ...(address ? { address: toStripeAddress(address) } : {}),
        metadata: { user_id: user.id, tax_id_type: dto.taxId?.type ?? '', tax_id: dto.taxId?.value ?? '' },
      });
    } catch (e) {
      throw stripeErrorToApp(e);
    }
    const updated = await this.repo.updateDetails(user.id, {
      name: dto.name,
      email: dto.email,
      address,
      taxIdType: dto.taxId?.type ?? null,
      taxId: dto.taxId?.value ?? null,
    });
    return this.view(updated, await this.defaultPaymentMethod(c.stripeCustomerId));
  }

  // ---------------------------------------------------------------- saved cards

  async createSetupIntent(user: AuthUser): Promise<{ setupIntentId: string; clientSecret: string; publishableKey: string }> {
    const c = await this.ensureCustomer(user);
    try {
      const si = await this.stripe.setupIntents.create({ customer: c.stripeCustomerId, usage: 'off_session', metadata: { user_id: user.id } });
      return { setupIntentId: si.id, clientSecret: si.client_secret!, publishableKey: this.cfg.stripe.publishableKey };
    } catch (e) {
      throw stripeErrorToApp(e);
    }
  }

  async listCards(user: AuthUser): Promise<{ data: SavedCardView[] }> {
    const c = await this.repo.findByUser(user.id);
    if (!c) return { data: [] };
    try {
      const [list, def] = await Promise.all([
        this.stripe.customers.listPaymentMethods(c.stripeCustomerId, { type: 'card', limit: 100 }),
        this.defaultPaymentMethod(c.stripeCustomerId),
      ]);
      return {
        data: list.data.map((pm) => ({
          id: pm.id,
          brand: pm.card?.brand ?? 'card',
          last4: pm.card?.last4 ?? '????',
          expMonth: pm.card?.exp_month ?? 0,
          expYear: pm.card?.exp_year ?? 0,
          isDefault: pm.id === def,
        })),
      };
    } catch (e) {
      throw stripeErrorToApp(e);
    }
  }

  async setDefault(user: AuthUser, paymentMethodId: string): Promise<{ data: SavedCardView[] }> {
    const c = await this.ownCard(user, paymentMethodId);
    try {
      await this.stripe.customers.update(c.stripeCustomerId, { invoice_settings: { default_payment_method: paymentMethodId } });
    } catch (e) {
      throw stripeErrorToApp(e);
    }
    return this.listCards(user);
  }

  async removeCard(user: AuthUser, paymentMethodId: string): Promise<{ data: SavedCardView[] }> {
    await this.ownCard(user, paymentMethodId);
    try {
      // a detached card can never be attached again, so the key can name the card alone
      await this.stripe.paymentMethods.detach(paymentMethodId, {}, { idempotencyKey: `collabpay-pm-detach-${paymentMethodId}` });
    } catch (e) {
      throw stripeErrorToApp(e);
    }
    return this.listCards(user);
  }

  /** The company's customer, if the card is saved on it (404 otherwise: never reveal other customers' cards). */
  async ownCard(user: AuthUser, paymentMethodId: string): Promise<BillingCustomerRecord> {
    const c = await this.repo.findByUser(user.id);
    if (!c) throw notFound('PAYMENT_METHOD_NOT_FOUND', 'No such saved card');
    let pm: Stripe.PaymentMethod;
    try {
      pm = await this.stripe.paymentMethods.retrieve(paymentMethodId);
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404 || (e as { code?: string }).code === 'resource_missing')
        throw notFound('PAYMENT_METHOD_NOT_FOUND', 'No such saved card');
      throw stripeErrorToApp(e);
    }
    const owner = typeof pm.customer === 'string' ? pm.customer : pm.customer?.id;
    if (owner !== c.stripeCustomerId) throw notFound('PAYMENT_METHOD_NOT_FOUND', 'No such saved card');
    return c;
  }

  async defaultPaymentMethod(customerId: string): Promise<string | null> {
    let cus: Stripe.Customer | Stripe.DeletedCustomer;
    try {
      cus = await this.stripe.customers.retrieve(customerId);
    } catch (e) {
      throw stripeErrorToApp(e);
    }
    if ((cus as Stripe.DeletedCustomer).deleted) return null;
    const d = (cus as Stripe.Customer).invoice_settings?.default_payment_method;
    return typeof d === 'string' ? d : (d?.id ?? null);
  }

  /**
   * setup_intent.succeeded: while the customer has no default card, the first card saved (the oldest on file:
   * `created`, then id) becomes it. Every event of a card saved around then picks that same card, so the events of
   * two cards saved back to back agree whatever order (or concurrency) they are applied in; taking the event's own
   * card made the one applied last the default. Idempotent.
   */
  async onCardSaved(si: Stripe.SetupIntent): Promise<'applied' | 'ignored'> {
    const customerId = typeof si.customer === 'string' ? si.customer : si.customer?.id;
    const pmId = typeof si.payment_method === 'string' ? si.payment_method : si.payment_method?.id;
    if (!customerId || !pmId || !(await this.repo.findByStripeId(customerId))) return 'ignored';
    if (await this.defaultPaymentMethod(customerId)) return 'ignored';
    const onFile = (await this.stripe.customers.listPaymentMethods(customerId, { type: 'card', limit: 100 })).data;
    if (!onFile.some((pm) => pm.id === pmId)) return 'ignored'; // removed since, or not this customer's
    const [first] = [...onFile].sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    await this.stripe.customers.update(customerId, { invoice_settings: { default_payment_method: first.id } });
    return 'applied';
  }

  private view(c: BillingCustomerRecord, defaultPaymentMethodId: string | null): BillingCustomerView {
    return {
      stripeCustomerId: c.stripeCustomerId,
      name: c.name,
      email: c.email,
      address: c.address,
      taxId: c.taxId && c.taxIdType ? { type: c.taxIdType, value: c.taxId } : null,
      defaultPaymentMethodId,
    };
  }
}
