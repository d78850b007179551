import { Injectable } from '@nestjs/common';
import { platformFee } from '../../common/money/currency';
import { MilestoneHistoryRepository } from '../milestones/milestone-history.repository';
import { PaymentRepository } from '../payments/payment.repository';
import { PaymentView, toPaymentView } from '../payments/payment.view';
import { UserRepository } from '../users/user.repository';
import { CollaborationRecord, CollaborationRepository } from './collaboration.repository';

export interface MilestoneView {
  id: string;
  position: number;
  title: string;
  amount: number;
  currency: string;
  status: string;
  reviewDueAt: string | null;
  submittedAt: string | null;
  releasedAt: string | null;
  changeRequestCount: number;
  submissions: Array<{ id: string; note: string; links: string[]; createdAt: string }>;
  changeRequests: Array<{ note: string; createdAt: string }>;
}

export interface CollaborationView {
  id: string;
  companyId: string;
  influencerId: string | null;
  invitedEmail: string | null;
  companyName?: string;
  influencerName?: string;
  influencerHandle?: string | null;
  title: string;
  description: string | null;
  amount: number;
  currency: string;
  billing: string;
  status: string;
  reviewPeriodDays: number;
  platformFeeBps: number;
  feePreview: { platformFee: number; influencerAmount: number };
  createdAt: string;
  updatedAt: string;
  acceptedAt: string | null;
  completedAt: string | null;
  milestones: MilestoneView[];
  payment: PaymentView | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The collaboration as the API shows it: with milestones (and their history), fee preview and payment summary. */
@Injectable()
export class CollaborationViews {
  constructor(
    private readonly repo: CollaborationRepository,
    private readonly history: MilestoneHistoryRepository,
    private readonly payments: PaymentRepository,
    private readonly users: UserRepository,
  ) {}

  async view(c: CollaborationRecord): Promise<CollaborationView> {
    const [milestones, payment, company, influencer] = await Promise.all([
      this.repo.milestones(c.id),
      this.payments.findByCollaboration(c.id),
      this.users.findById(c.companyId),
      c.influencerId ? this.users.findById(c.influencerId) : Promise.resolve(null),
    ]);
    const { submissions, changeRequests } = await this.history.forMilestones(milestones.map((m) => m.id));
    const fee = platformFee(Number(c.amount), c.platformFeeBps);
    return {
      id: c.id,
      companyId: c.companyId,
      influencerId: c.influencerId,
      invitedEmail: c.invitedEmail,
      companyName: company?.name,
      influencerName: influencer?.name,
      influencerHandle: influencer ? influencer.handle : null,
      title: c.title,
      description: c.description,
      amount: Number(c.amount),
      currency: c.currency,
      billing: c.billing,
      status: c.status,
      reviewPeriodDays: c.reviewPeriodDays,
      platformFeeBps: c.platformFeeBps,
      feePreview: { platformFee: fee, influencerAmount: Number(c.amount) - fee },
      createdAt: iso(c.createdAt)!,
      updatedAt: iso(c.updatedAt)!,
      acceptedAt: iso(c.acceptedAt),
      completedAt: iso(c.completedAt),
      milestones: milestones.map((m) => ({
        id: m.id,
        position: m.position,
        title: m.title,
        amount: Number(m.amount),
        currency: c.currency,
        status: m.status,
        reviewDueAt: iso(m.reviewDueAt),
        submittedAt: iso(m.submittedAt),
        releasedAt: iso(m.releasedAt),
        changeRequestCount: m.changeRequestCount,
        submissions: submissions.filter((s) => s.milestoneId === m.id).map((s) => ({ id: s.id, note: s.note, links: s.links, createdAt: iso(s.createdAt)! })),
        changeRequests: changeRequests.filter((r) => r.milestoneId === m.id).map((r) => ({ note: r.note, createdAt: iso(r.createdAt)! })),
      })),
      payment: payment ? toPaymentView(payment) : null,
    };
  }
}
