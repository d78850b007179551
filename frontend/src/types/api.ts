/**
 * The SPA's API types. Request bodies come from the OpenAPI document (`npm run gen:api -w @collabpay/frontend`
 * generates openapi.gen.ts from backend/openapi.json, which a backend test keeps equal to GET /api/docs-json); the
 * server does not describe its responses in that document yet, so the entity shapes below follow shared/API.md
 * (money is always integer minor units + lowercase currency).
 */
import type { components } from './openapi.gen';

export type { User, Role, AuthSession } from '../lib/auth-storage';
export type { components, operations, paths } from './openapi.gen';

type Schemas = components['schemas'];
export type RegisterBody = Schemas['RegisterDto'];
export type LoginBody = Schemas['LoginDto'];
export type CreateCollaborationBody = Schemas['CreateCollaborationDto'];
export type ReleaseBody = Schemas['ReleaseDto'];
export type RefundBody = Schemas['RefundDto'];
export type RequestPayoutBody = Schemas['RequestPayoutDto'];
export type PayWithSavedCardBody = Schemas['PayWithSavedCardDto'];
export type StartRetainerBody = Schemas['StartRetainerDto'];
export type CreateInvoiceBody = Schemas['CreateInvoiceDto'];

export type CollaborationStatus = 'PROPOSED' | 'ACCEPTED' | 'ACTIVE' | 'COMPLETED' | 'DECLINED' | 'CANCELED';

export type PaymentStatus =
  'PENDING' | 'PROCESSING' | 'HELD' | 'PARTIALLY_RELEASED' | 'RELEASED' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'FAILED' | 'CANCELED' | 'DISPUTED';

export type MilestoneStatus = 'PENDING' | 'SUBMITTED' | 'CHANGES_REQUESTED' | 'RELEASED' | 'DISPUTED' | 'REFUNDED';

export interface MilestoneSubmission {
  id: string;
  note: string;
  links: string[];
  createdAt: string;
}

export interface Milestone {
  id: string;
  title: string;
  amount: number;
  status?: MilestoneStatus | string;
  releasedAt?: string | null;
  /** the company must answer a submission by then, or the milestone is released automatically */
  reviewDueAt?: string | null;
  submittedAt?: string | null;
  changeRequestCount?: number;
  submissions?: MilestoneSubmission[];
  changeRequests?: { note: string; createdAt: string }[];
}

export interface PaymentSummary {
  id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  amountReleased?: number;
  amountRefunded?: number;
}

export interface Collaboration {
  id: string;
  companyId: string;
  /** null while an invitation by email waits for its influencer to sign up */
  influencerId: string | null;
  invitedEmail?: string | null;
  influencerHandle?: string | null;
  reviewPeriodDays?: number;
  /** platform fee rate fixed when proposed */
  platformFeeBps?: number;
  feePreview?: { platformFee: number; influencerAmount: number };
  title: string;
  description?: string | null;
  amount: number;
  currency: string;
  billing?: 'one_time' | 'monthly';
  status: CollaborationStatus;
  milestones?: Milestone[];
  payment?: PaymentSummary | null;
  companyName?: string;
  influencerName?: string;
  company?: { id: string; name?: string; email?: string } | null;
  influencer?: { id: string; name?: string; email?: string } | null;
  createdAt: string;
  updatedAt?: string;
}

export interface Payment {
  id: string;
  collaborationId: string;
  companyId: string;
  influencerId: string;
  amount: number;
  currency: string;
  platformFee: number;
  influencerAmount: number;
  amountReleased: number;
  amountRefunded: number;
  /** Still held by the platform (server-computed when present). */
  amountHeld?: number;
  /** how it is paid: card checkout, a Stripe invoice, or a retainer's subscription */
  method?: 'card' | 'invoice' | 'subscription';
  status: PaymentStatus;
  failureMessage?: string | null;
  stripePaymentIntentId?: string | null;
  createdAt: string;
  updatedAt: string;
  heldAt?: string | null;
  releasedAt?: string | null;
}

export interface WalletBalance {
  currency: string;
  /** owed to CollabPay after a clawback; payouts are paused until later earnings repay it */
  owed?: number;
  available: number;
  pending: number;
  totalEarned: number;
  totalWithdrawn: number;
  /** What Stripe lets the influencer pay out now (the funds of the payments behind it are available). */
  availableForPayout: number;
  /** When more becomes payable (ISO date-time), or null. */
  nextAvailableOn: string | null;
}

export interface WalletTransaction {
  id: string;
  type: 'credit' | 'debit';
  amount: number;
  currency: string;
  balanceBefore: number;
  balanceAfter: number;
  description: string;
  referenceType?: string | null;
  referenceId?: string | null;
  createdAt: string;
}

export type PayoutStatus = 'PENDING' | 'IN_TRANSIT' | 'COMPLETED' | 'FAILED' | 'CANCELED';

export interface Payout {
  id: string;
  amount: number;
  currency: string;
  status: PayoutStatus;
  failureCode?: string | null;
  failureMessage?: string | null;
  requestedAt: string;
  completedAt?: string | null;
}

export type ConnectStatusValue = 'NOT_STARTED' | 'PENDING' | 'ACTIVE' | 'RESTRICTED';

export interface ConnectStatus {
  status: ConnectStatusValue;
  payoutsEnabled: boolean;
  requirementsDue: string[];
  accountId?: string;
  detailsSubmitted?: boolean;
  /** Why Stripe paused the account (e.g. `requirements.past_due`), or null. */
  disabledReason: string | null;
  /** When the requirements now due must be provided (ISO date-time), or null. */
  currentDeadline: string | null;
  /** Requirements whose deadline passed. */
  pastDue: string[];
}

export interface AppConfig {
  publishableKey: string;
  stripeMode: 'emulator' | 'test' | 'live';
  stripeApiBase?: string;
  stripeJsUrl?: string;
  /** the platform fee rate (basis points) a proposal made now is fixed at */
  platformFeeBps?: number;
}

/** Admin shapes are not fixed by the contract; fields are read defensively. */
export interface WebhookEvent {
  id: string;
  stripeEventId?: string;
  eventId?: string;
  type?: string;
  eventType?: string;
  status?: string;
  attempts?: number;
  error?: string | null;
  lastError?: string | null;
  createdAt?: string;
  receivedAt?: string;
}

export interface LedgerCheck {
  ok?: boolean;
  healthy?: boolean;
  valid?: boolean;
  violations?: unknown[];
  errors?: unknown[];
  [key: string]: unknown;
}
