/** Billing shapes as the server sends them (see API.md "Invoices", "Billing", "Retainers"). */
export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';

export interface Invoice {
  id: string;
  collaborationId: string;
  paymentId: string | null;
  kind: 'one_time' | 'retainer';
  retainerId?: string | null;
  periodIndex?: number | null;
  status: InvoiceStatus;
  amount: number;
  currency: string;
  number: string | null;
  hostedInvoiceUrl: string | null;
  invoicePdf: string | null;
  dueDate: string | null;
  attemptCount: number;
  lastError?: string;
  createdAt: string;
  paidAt: string | null;
  voidedAt: string | null;
}

export interface SavedCard {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  isDefault: boolean;
}

export interface BillingAddress {
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  state?: string | null;
  country: string;
}

export interface BillingCustomer {
  stripeCustomerId: string;
  name: string | null;
  email: string | null;
  address: BillingAddress | null;
  taxId: { type: string; value: string } | null;
  defaultPaymentMethodId: string | null;
}

export interface RetainerPeriod {
  periodIndex: number;
  paymentId: string;
  status: string;
  amount: number;
  currency: string;
  amountReleased: number;
  failureMessage?: string;
  heldAt: string | null;
  invoiceId: string | null;
  invoiceStatus: InvoiceStatus | null;
  hostedInvoiceUrl: string | null;
}

export interface Retainer {
  id: string;
  collaborationId: string;
  amount: number;
  currency: string;
  interval: 'month';
  status: 'incomplete' | 'active' | 'past_due' | 'canceled';
  cancelAtPeriodEnd: boolean;
  currentPeriodStart: string | null;
  currentPeriodEnd: string | null;
  defaultPaymentMethodId: string | null;
  stripeSubscriptionId: string | null;
  createdAt: string;
  canceledAt: string | null;
  periods: RetainerPeriod[];
}
