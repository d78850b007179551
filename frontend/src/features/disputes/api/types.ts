/** Mediation between the parties (shared/API.md, "Disputes between the parties"). Not card chargebacks. */
export type DisputeReason = 'not_delivered' | 'quality' | 'scope' | 'other';
export type DisputeStatus = 'OPEN' | 'WITHDRAWN' | 'RESOLVED';

export interface DisputeMessage {
  id: string;
  authorId: string;
  authorRole: 'company' | 'influencer' | 'admin' | string;
  body: string;
  links: string[];
  createdAt: string;
}

export interface DisputeResolution {
  releaseAmount: number;
  refundAmount: number;
  platformFee?: number;
  influencerAmount?: number;
  note: string;
  resolvedAt?: string;
}

export interface Dispute {
  id: string;
  collaborationId: string;
  milestoneId: string | null;
  openedBy: string;
  reason: DisputeReason | string;
  details: string;
  status: DisputeStatus;
  amount: number;
  currency: string;
  messages: DisputeMessage[];
  resolution: DisputeResolution | null;
  companyId?: string;
  influencerId?: string;
  createdAt: string;
  closedAt?: string | null;
}

export const REASONS: { value: DisputeReason; label: string }[] = [
  { value: 'not_delivered', label: 'The work was not delivered' },
  { value: 'quality', label: 'The quality is not what was agreed' },
  { value: 'scope', label: 'Disagreement about the scope' },
  { value: 'other', label: 'Something else' },
];

export const reasonLabel = (r: string) => REASONS.find((x) => x.value === r)?.label ?? r;
