import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/auth.types';
import { inTransaction } from '../../common/database/transaction';
import { badRequest, conflict, notFound } from '../../common/errors/app-error';
import { assertValidAmount } from '../../common/money/currency';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { OutboxService } from '../outbox/outbox.service';
import { PaymentRepository } from '../payments/payment.repository';
import { PaymentView, toPaymentView } from '../payments/payment.view';
import { PaymentsService } from '../payments/payments.service';
import { UserRepository } from '../users/user.repository';
import { CollaborationRecord, CollaborationRepository, MilestoneRecord } from './collaboration.repository';
import { CreateCollaborationDto } from './dto/collaboration.dto';

export interface CollaborationView {
  id: string;
  companyId: string;
  influencerId: string;
  companyName?: string;
  influencerName?: string;
  title: string;
  description: string | null;
  amount: number;
  currency: string;
  billing: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  acceptedAt: string | null;
  completedAt: string | null;
  milestones: Array<{ id: string; position: number; title: string; amount: number; currency: string; status: string; releasedAt: string | null }>;
  payment: PaymentView | null;
}

@Injectable()
export class CollaborationsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: CollaborationRepository,
    private readonly users: UserRepository,
    private readonly payments: PaymentsService,
    private readonly paymentRepo: PaymentRepository,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  async propose(user: AuthUser, dto: CreateCollaborationDto): Promise<CollaborationView> {
    assertValidAmount(dto.amount, dto.currency, { max: this.cfg.maxPaymentAmount });
    const milestones = dto.milestones ?? [];
    for (const [i, m] of milestones.entries()) {
      if (!Number.isSafeInteger(m.amount) || m.amount <= 0)
        throw badRequest('INVALID_MILESTONE_AMOUNT', `milestones[${i}].amount must be a positive integer number of minor units`);
    }
    if (dto.billing === 'monthly' && milestones.length)
      throw badRequest('MILESTONES_NOT_ALLOWED', 'A monthly retainer has no milestones: each month is released on its own');
    if (milestones.length && milestones.reduce((a, m) => a + m.amount, 0) !== dto.amount) {
      throw badRequest('MILESTONES_SUM_MISMATCH', 'The milestone amounts must add up to the collaboration amount');
    }
    const influencer = await this.users.findById(dto.influencerId);
    if (!influencer || influencer.role !== 'influencer') throw badRequest('INFLUENCER_NOT_FOUND', 'influencerId does not name an influencer');
    const c = await inTransaction(this.ds, (em) =>
      this.repo.insert(
        em,
        {
          companyId: user.id,
          influencerId: dto.influencerId,
          title: dto.title,
          description: dto.description?.trim() || null,
          amount: dto.amount,
          currency: dto.currency,
          billing: dto.billing ?? 'one_time',
        },
        milestones,
      ),
    );
    return this.view(c);
  }

  async list(user: AuthUser, limit = 20, cursor?: string, status?: string): Promise<Page<CollaborationView>> {
    if (limit < 1 || limit > 100) throw badRequest('VALIDATION_FAILED', 'limit must be an integer between 1 and 100');
    const rows = await this.repo.listForUser(user.id, user.role, limit, decodeCursor(cursor), status);
    const page = toPage(rows, limit, (r) => ({ createdAt: new Date(r.createdAt), id: r.id }));
    return { data: await Promise.all(page.data.map((c) => this.view(c))), nextCursor: page.nextCursor };
  }

  async get(user: AuthUser, id: string): Promise<CollaborationView> {
    return this.view(await this.findOwned(user, id));
  }

  async accept(user: AuthUser, id: string) {
    const { collaboration, payment } = await inTransaction(this.ds, async (em) => {
      const c = await this.repo.findById(id, em, true);
      if (!c || c.influencerId !== user.id) throw notFound('COLLABORATION_NOT_FOUND', 'Collaboration not found');
      if (c.status === 'PROPOSED') {
        await this.repo.setStatus(em, c.id, 'ACCEPTED', 'accepted');
        // a monthly retainer is paid by its subscription (period 0 = the first month), never by a card intent
        const payment = await this.payments.createForCollaboration(em, c, 0, c.billing === 'monthly' ? 'subscription' : 'card');
        return { collaboration: { ...c, status: 'ACCEPTED' as const }, payment };
      }
      if (c.status === 'ACCEPTED' || c.status === 'ACTIVE') {
        // accepting twice is harmless: answer with the current state
        return { collaboration: c, payment: await this.paymentRepo.findByCollaboration(c.id, em) };
      }
      throw conflict('COLLABORATION_NOT_PROPOSED', `This collaboration is ${c.status.toLowerCase()} and can no longer be accepted`);
    });
    this.outbox.notifyCommitted();
    // The PaymentIntent exists from here on (idempotency key from the payment id; create-intent repairs a failed call).
    const p = payment && payment.method === 'card' && !payment.stripePaymentIntentId ? await this.payments.ensureIntent(payment.id) : payment;
    return {
      collaboration: await this.view(collaboration),
      requiresPayment: !!p && ['PENDING', 'PROCESSING', 'FAILED'].includes(p.status),
      paymentInfo: p ? { paymentId: p.id, collaborationId: collaboration.id, amount: p.amount, currency: p.currency } : null,
    };
  }

  async decline(user: AuthUser, id: string): Promise<CollaborationView> {
    const c = await inTransaction(this.ds, async (em) => {
      const c = await this.repo.findById(id, em, true);
      if (!c || c.influencerId !== user.id) throw notFound('COLLABORATION_NOT_FOUND', 'Collaboration not found');
      if (c.status !== 'PROPOSED')
        throw conflict('COLLABORATION_NOT_PROPOSED', `This collaboration is ${c.status.toLowerCase()} and can no longer be declined`);
      await this.repo.setStatus(em, c.id, 'DECLINED');
      return { ...c, status: 'DECLINED' as const };
    });
    return this.view(c);
  }

  private async findOwned(user: AuthUser, id: string): Promise<CollaborationRecord> {
    const c = await this.repo.findById(id);
    if (!c || !(user.role === 'admin' || c.companyId === user.id || c.influencerId === user.id))
      throw notFound('COLLABORATION_NOT_FOUND', 'Collaboration not found');
    return c;
  }

  private async view(c: CollaborationRecord): Promise<CollaborationView> {
    const [milestones, payment, company, influencer] = await Promise.all([
      this.repo.milestones(c.id),
      this.paymentRepo.findByCollaboration(c.id),
      this.users.findById(c.companyId),
      this.users.findById(c.influencerId),
    ]);
    const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
    return {
      id: c.id,
      companyId: c.companyId,
      influencerId: c.influencerId,
      companyName: company?.name,
      influencerName: influencer?.name,
      title: c.title,
      description: c.description,
      amount: c.amount,
      currency: c.currency,
      billing: c.billing,
      status: c.status,
      createdAt: iso(c.createdAt)!,
      updatedAt: iso(c.updatedAt)!,
      acceptedAt: iso(c.acceptedAt),
      completedAt: iso(c.completedAt),
      milestones: milestones.map((m: MilestoneRecord) => ({
        id: m.id,
        position: m.position,
        title: m.title,
        amount: m.amount,
        currency: c.currency,
        status: m.status,
        releasedAt: iso(m.releasedAt),
      })),
      payment: payment ? toPaymentView(payment) : null,
    };
  }
}
