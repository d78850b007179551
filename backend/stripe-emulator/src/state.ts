import type Stripe from 'stripe';
import { Balances, BalanceTransactionInput } from './balance';
import type { PayoutInterval } from './resources/payout-schedule';
import { bankOutcome, CardInfo, cardInfo, luhnOk, TEST_BANK_ACCOUNT_TOKENS, TEST_TOKENS, DECLINE_MESSAGES } from './cards';
import { Collection, Core, RequestContext } from './core';
import { cardError, invalid, noSuch } from './errors';
import { EventBus } from './events';

/** Emulator-private facts about a payment method (never serialised). */
export interface PmPrivate {
  card?: CardInfo;
  bankAccountNumber?: string;
}

export interface AccountPrivate {
  onboarded: boolean;
  externalAccounts: Stripe.BankAccount[];
}

export interface AccountLinkPrivate {
  link: Stripe.AccountLink;
  account: string;
  refreshUrl: string;
  returnUrl: string;
  visited: boolean;
  used: boolean;
}

export interface PiPrivate {
  /** a 3-D Secure challenge is pending for this confirmation */
  awaitingAuth: boolean;
  /** the challenge was passed; the next confirmation skips it (manual confirmation) */
  authenticated?: boolean;
  returnUrl: string | null;
  /** invoice this intent pays */
  invoice?: string;
}

/** Emulator-private facts about a subscription (never serialised). */
export interface SubPrivate {
  /** anchor of the billing cycle; period n runs from anchor + n intervals to anchor + n+1 intervals */
  anchor: number;
  /** index of the current period (0 = the first) */
  period: number;
  interval: Stripe.Price.Recurring.Interval;
  intervalCount: number;
  /** true while the create request runs (its own events are emitted at the end) */
  creating: boolean;
  /** unpaid retries of the latest renewal invoice so far */
  retries: number;
}

/** All state of one emulator instance. Resource modules read and write it. */
export class State {
  readonly customers: Collection<Stripe.Customer>;
  readonly paymentMethods: Collection<Stripe.PaymentMethod>;
  readonly paymentIntents: Collection<Stripe.PaymentIntent>;
  readonly setupIntents: Collection<Stripe.SetupIntent>;
  readonly charges: Collection<Stripe.Charge>;
  readonly refunds: Collection<Stripe.Refund>;
  readonly disputes: Collection<Stripe.Dispute>;
  readonly balanceTransactions: Collection<Stripe.BalanceTransaction>;
  readonly accounts: Collection<Stripe.Account>;
  readonly bankAccounts: Collection<Stripe.BankAccount>;
  readonly transfers: Collection<Stripe.Transfer>;
  readonly reversals: Collection<Stripe.TransferReversal>;
  readonly payouts: Collection<Stripe.Payout>;
  readonly invoices: Collection<Stripe.Invoice>;
  readonly invoiceItems: Collection<Stripe.InvoiceItem>;
  readonly products: Collection<Stripe.Product>;
  readonly prices: Collection<Stripe.Price>;
  readonly subscriptions: Collection<Stripe.Subscription>;
  readonly subscriptionItems: Collection<Stripe.SubscriptionItem>;
  readonly balances: Balances;

  readonly pmPrivate = new Map<string, PmPrivate>();
  readonly accountPrivate = new Map<string, AccountPrivate>();
  readonly accountLinks = new Map<string, AccountLinkPrivate>();
  /** Express login-link token → account (single use, expires) */
  readonly loginLinks = new Map<string, { account: string; expiresAtMs: number; used: boolean }>();
  /** payout interval of new connected accounts: Stripe's default is `daily` (option `defaultPayoutInterval`) */
  defaultPayoutInterval: PayoutInterval = 'daily';
  readonly piPrivate = new Map<string, PiPrivate>();
  readonly subPrivate = new Map<string, SubPrivate>();
  /** hosted-page token → invoice id, and back */
  readonly invoiceTokens = new Map<string, string>();
  readonly invoiceTokenOf = new Map<string, string>();
  /** `days_until_due` given at creation (applied at finalization) */
  readonly invoiceDays = new Map<string, number>();
  readonly invoicePaidHooks: Array<(inv: Stripe.Invoice, account: string, ctx: RequestContext | null) => void> = [];
  readonly invoiceFailedHooks: Array<(inv: Stripe.Invoice, account: string, ctx: RequestContext | null) => void> = [];

  constructor(
    readonly core: Core,
    readonly bus: EventBus,
  ) {
    const c = <T extends { id: string }>(k: string) => core.collection<T>(k);
    this.customers = c('customer');
    this.paymentMethods = c('PaymentMethod');
    this.paymentIntents = c('payment_intent');
    this.setupIntents = c('setup_intent');
    this.charges = c('charge');
    this.refunds = c('refund');
    this.disputes = c('dispute');
    this.balanceTransactions = c('balance transaction');
    this.accounts = c('account');
    this.bankAccounts = c('external account');
    this.transfers = c('transfer');
    this.reversals = c('transfer reversal');
    this.payouts = c('payout');
    this.invoices = c('invoice');
    this.invoiceItems = c('invoiceitem');
    this.products = c('product');
    this.prices = c('price');
    this.subscriptions = c('subscription');
    this.subscriptionItems = c('subscription_item');
    this.balances = new Balances(core, bus, this.balanceTransactions);
  }

  get platform(): string {
    return this.core.platform;
  }

  emit: EventBus['emit'] = (type, object, opts) => this.bus.emit(type, object, opts);

  // ---------------- balance (see balance.ts) ----------------
  addBalanceTransaction(account: string, input: BalanceTransactionInput): Stripe.BalanceTransaction {
    return this.balances.add(account, input);
  }
  balanceOf(account: string): Stripe.Balance {
    return this.balances.of(account);
  }
  available(account: string, currency: string): number {
    return this.balances.available(account, currency);
  }
  availableAtMs(bypassPending = false): number {
    return this.balances.availableAtMs(bypassPending);
  }

  // ---------------- payment methods ----------------
  /** Resolve a PM id or a test token (`pm_card_visa`...) to a stored PM; tokens create a fresh PM each time. */
  resolvePaymentMethod(idOrToken: string, ctx: RequestContext, param = 'payment_method'): Stripe.PaymentMethod {
    if (TEST_TOKENS[idOrToken]) {
      return this.createCardPaymentMethod(ctx.account, { number: TEST_TOKENS[idOrToken], exp_month: 12, exp_year: new Date().getFullYear() + 3 }, {});
    }
    if (TEST_BANK_ACCOUNT_TOKENS[idOrToken]) {
      return this.createBankPaymentMethod(ctx.account, TEST_BANK_ACCOUNT_TOKENS[idOrToken], {});
    }
    return this.paymentMethods.get(idOrToken, ctx.account, param);
  }

  billingDetails(p: Partial<Stripe.PaymentMethod.BillingDetails>): Stripe.PaymentMethod.BillingDetails {
    return { address: p.address ?? null, email: p.email ?? null, name: p.name ?? null, phone: p.phone ?? null, tax_id: null };
  }

  createCardPaymentMethod(
    account: string,
    card: { number: string; exp_month: number; exp_year: number; cvc?: string },
    extra: { billing_details?: Partial<Stripe.PaymentMethod.BillingDetails>; metadata?: Stripe.Metadata },
  ): Stripe.PaymentMethod {
    const number = card.number.replace(/[\s-]/g, '');
    if (!/^\d{12,19}$/.test(number) || !luhnOk(number)) throw cardError('incorrect_number', DECLINE_MESSAGES.incorrect_number, { param: 'card[number]' });
    if (!(card.exp_month >= 1 && card.exp_month <= 12))
      throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", { param: 'card[exp_month]' });
    const year = card.exp_year < 100 ? 2000 + card.exp_year : card.exp_year;
    const now = new Date(this.core.nowMs());
    if (year < now.getFullYear() || (year === now.getFullYear() && card.exp_month < now.getMonth() + 1))
      throw cardError('invalid_expiry_year', "Your card's expiration year is invalid.", { param: 'card[exp_year]' });
    if (card.cvc !== undefined && card.cvc !== '' && !/^\d{3,4}$/.test(card.cvc))
      throw cardError('invalid_cvc', "Your card's security code is invalid.", { param: 'card[cvc]' });
    const info = cardInfo(number);
    const pm: Stripe.PaymentMethod = {
      id: this.core.id('pm'),
      object: 'payment_method',
      allow_redisplay: 'unspecified',
      billing_details: this.billingDetails(extra.billing_details ?? {}),
      card: {
        brand: info.brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: card.cvc ? 'unchecked' : null },
        country: info.country,
        display_brand: info.brand,
        exp_month: card.exp_month,
        exp_year: year,
        fingerprint: `fp${number.slice(-8)}`,
        funding: info.funding,
        generated_from: null,
        last4: number.slice(-4),
        networks: { available: [info.brand], preferred: null },
        regulated_status: 'unregulated',
        three_d_secure_usage: { supported: true },
        wallet: null,
      },
      created: this.core.now(),
      customer: null,
      customer_account: null,
      livemode: false,
      metadata: extra.metadata ?? {},
      type: 'card',
    };
    this.paymentMethods.add(pm, account);
    this.pmPrivate.set(pm.id, { card: info });
    return pm;
  }

  createBankPaymentMethod(
    account: string,
    accountNumber: string,
    extra: { billing_details?: Partial<Stripe.PaymentMethod.BillingDetails>; routing?: string },
  ): Stripe.PaymentMethod {
    const pm: Stripe.PaymentMethod = {
      id: this.core.id('pm'),
      object: 'payment_method',
      billing_details: this.billingDetails({ name: 'Test Account Holder', ...extra.billing_details }),
      us_bank_account: {
        account_holder_type: 'individual',
        account_type: 'checking',
        bank_name: 'STRIPE TEST BANK',
        financial_connections_account: null,
        fingerprint: `fp${accountNumber.slice(-8)}`,
        last4: accountNumber.slice(-4),
        networks: { preferred: 'ach', supported: ['ach'] },
        routing_number: extra.routing ?? '110000000',
        status_details: null,
      },
      created: this.core.now(),
      customer: null,
      customer_account: null,
      livemode: false,
      metadata: {},
      type: 'us_bank_account',
    };
    this.paymentMethods.add(pm, account);
    this.pmPrivate.set(pm.id, { bankAccountNumber: accountNumber });
    return pm;
  }

  attachPaymentMethod(pm: Stripe.PaymentMethod, customerId: string, ctx: RequestContext): Stripe.PaymentMethod {
    const customer = this.customers.get(customerId, ctx.account, 'customer');
    if (pm.customer && pm.customer !== customer.id)
      throw invalid('The payment method you provided has already been attached to a customer.', 'payment_method', 'payment_method_unexpected_state');
    if (pm.customer === customer.id) return pm;
    const outcome = this.pmPrivate.get(pm.id)?.card?.outcome;
    if (outcome?.kind === 'decline' && outcome.onAttach) throw cardError(outcome.code, outcome.message, { decline_code: outcome.declineCode, param: '' });
    pm.customer = customer.id;
    this.emit('payment_method.attached', pm, { account: ctx.account, ctx });
    return pm;
  }

  // ---------------- accounts ----------------
  accountExists(id: string): boolean {
    return id === this.platform || this.accounts.find(id) !== undefined;
  }

  /** external account id → full account number (Stripe only shows last4) */
  readonly accountNumbers = new Map<string, string>();
  bankOutcomeOf(ba: Stripe.BankAccount) {
    return bankOutcome(this.accountNumbers.get(ba.id) ?? '000123456789');
  }
  /** payment methods set up for off-session use (SetupIntent succeeded) */
  readonly offSessionReady = new Set<string>();

  private platformAccountObj: Stripe.Account | null = null;
  /** the platform's own account object (`GET /v1/account`) */
  platformAccount(): Stripe.Account {
    if (!this.platformAccountObj) {
      this.platformAccountObj = {
        id: this.platform,
        object: 'account',
        business_profile: null,
        business_type: 'company',
        capabilities: { card_payments: 'active', transfers: 'active' },
        charges_enabled: true,
        country: 'US',
        created: this.core.now(),
        default_currency: 'usd',
        details_submitted: true,
        email: 'platform@collabpay.test',
        payouts_enabled: true,
        settings: null,
        type: 'standard',
      };
    }
    return this.platformAccountObj;
  }

  customerOrThrow(id: string, ctx: RequestContext, param = 'customer'): Stripe.Customer {
    const c = this.customers.find(id);
    if (!c || this.customers.accountOf(id) !== ctx.account) throw noSuch('customer', id, param);
    return c;
  }
}
