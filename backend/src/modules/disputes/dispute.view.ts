import type { DisputeMessageRecord, DisputeRecord, Resolution } from './dispute.repository';

export interface DisputeView {
  id: string;
  collaborationId: string;
  milestoneId: string | null;
  openedBy: string;
  reason: string;
  details: string;
  status: string;
  amount: number;
  currency: string;
  messages: Array<{ id: string; authorId: string; authorRole: string; body: string; links: string[]; createdAt: string }>;
  resolution: Resolution | null;
  companyId: string;
  influencerId: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export function toDisputeView(d: DisputeRecord, messages: DisputeMessageRecord[]): DisputeView {
  return {
    id: d.id,
    collaborationId: d.collaborationId,
    milestoneId: d.milestoneId,
    openedBy: d.openedBy,
    reason: d.reason,
    details: d.details,
    status: d.status,
    amount: d.amount,
    currency: d.currency,
    messages: messages
      .filter((m) => m.disputeId === d.id)
      .map((m) => ({ id: m.id, authorId: m.authorId, authorRole: m.authorRole, body: m.body, links: m.links, createdAt: new Date(m.createdAt).toISOString() })),
    resolution: d.resolution,
    companyId: d.companyId,
    influencerId: d.influencerId,
    createdAt: new Date(d.createdAt).toISOString(),
    updatedAt: new Date(d.updatedAt).toISOString(),
    closedAt: d.closedAt ? new Date(d.closedAt).toISOString() : null,
  };
}
