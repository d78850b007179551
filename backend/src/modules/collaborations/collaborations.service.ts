import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { authorize, NotFound } from '../../common/access/access.policy';
import type { AuthUser } from '../../common/auth/auth.types';
import { inTransaction } from '../../common/database/transaction';
import { badRequest, conflict } from '../../common/errors/app-error';
import { assertValidAmount, formatMoney } from '../../common/money/currency';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { OutboxService } from '../outbox/outbox.service';
import { PaymentRepository } from '../payments/payment.repository';
import { PaymentsService } from '../payments/payments.service';
import { UserRepository } from '../users/user.repository';
import { CollaborationEvents } from './collaboration-events';
import { CollaborationRepository } from './collaboration.repository';
import { CollaborationView, CollaborationViews } from './collaboration.view';
import { CreateCollaborationDto } from './dto/collaboration.dto';

export type { CollaborationView } from './collaboration.view';

@Injectable()
export class CollaborationsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: CollaborationRepository,
    private readonly users: UserRepository,
    private readonly payments: PaymentsService,
    private readonly paymentRepo: PaymentRepository,
    private readonly events: CollaborationEvents,
    private readonly views: CollaborationViews,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  /**
   * A company proposes to an influencer named by id or by email. An email nobody registered becomes an
   * invitation (`influencerId: null`, `invitedEmail`). The fee rate and review period are fixed here.
   * A one-time collaboration without milestones gets one milestone covering its whole amount.
   */
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
    if ((dto.influencerId === undefined) === (dto.influencerEmail === undefined))
      throw badRequest('INFLUENCER_REQUIRED', 'Name the influencer with exactly one of influencerId and influencerEmail');
    let influencerId: string | null = null;
    let invitedEmail: string | null = null;
    if (dto.influencerId !== undefined) {
      const influencer = await this.users.findById(dto.influencerId);
      if (!influencer || influencer.role !== 'influencer') throw badRequest('INFLUENCER_NOT_FOUND', 'influencerId does not name an influencer');
      influencerId = influencer.id;
    } else {
      const existing = await this.users.findByEmail(dto.influencerEmail!);
      if (existing && existing.role !== 'influencer') throw badRequest('NOT_AN_INFLUENCER', 'This email belongs to an account that is not an influencer');
      influencerId = existing?.id ?? null;
      invitedEmail = dto.influencerEmail!;
    }
    const oneTime = (dto.billing ?? 'one_time') === 'one_time';
    const c = await inTransaction(this.ds, async (em) => {
      const c = await this.repo.insert(
        em,
        {
          companyId: user.id,
          influencerId,
          invitedEmail,
          title: dto.title,
          description: dto.description?.trim() || null,
          amount: dto.amount,
          currency: dto.currency,
          billing: dto.billing ?? 'one_time',
          reviewPeriodDays: dto.reviewPeriodDays ?? this.cfg.workflow.reviewPeriodDays,
          platformFeeBps: this.cfg.platformFeeBps,
        },
        milestones.length || !oneTime ? milestones : [{ title: dto.title, amount: dto.amount }],
      );
      await this.events.notify(em, c, `New proposal “${c.title}” for ${formatMoney(c)}`);
      return c;
    });
    this.outbox.notifyCommitted();
    return this.views.view(c);
  }

  async list(user: AuthUser, limit = 20, cursor?: string, status?: string): Promise<Page<CollaborationView>> {
    if (limit < 1 || limit > 100) throw badRequest('VALIDATION_FAILED', 'limit must be an integer between 1 and 100');
    const rows = await this.repo.listForUser(user.id, user.role, limit, decodeCursor(cursor), status);
    const page = toPage(rows, limit, (r) => ({ createdAt: new Date(r.createdAt), id: r.id }));
    return { data: await Promise.all(page.data.map((c) => this.views.view(c))), nextCursor: page.nextCursor };
  }

  async get(user: AuthUser, id: string): Promise<CollaborationView> {
    return this.views.view(authorize(user, await this.repo.findById(id), 'view', NotFound.collaboration));
  }

  async accept(user: AuthUser, id: string) {
    const { collaboration, payment } = await inTransaction(this.ds, async (em) => {
      const c = authorize(user, await this.repo.findById(id, em, true), 'influencer', NotFound.collaboration);
      const influencerId = c.influencerId!;
      if (c.status === 'PROPOSED') {
        await this.repo.setStatus(em, c.id, 'ACCEPTED', 'accepted');
        const accepted = { ...c, influencerId, status: 'ACCEPTED' as const };
        // a monthly retainer is paid by its subscription (period 0 = the first month), never by a card intent
        const payment = await this.payments.createForCollaboration(em, accepted, 0, c.billing === 'monthly' ? 'subscription' : 'card');
        await this.events.notify(em, accepted, `Proposal “${c.title}” accepted`);
        return { collaboration: accepted, payment };
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
      collaboration: await this.views.view(collaboration),
      requiresPayment: !!p && ['PENDING', 'PROCESSING', 'FAILED'].includes(p.status),
      paymentInfo: p ? { paymentId: p.id, collaborationId: collaboration.id, amount: p.amount, currency: p.currency } : null,
    };
  }

  async decline(user: AuthUser, id: string): Promise<CollaborationView> {
    const c = await inTransaction(this.ds, async (em) => {
      const c = authorize(user, await this.repo.findById(id, em, true), 'influencer', NotFound.collaboration);
      if (c.status !== 'PROPOSED')
        throw conflict('COLLABORATION_NOT_PROPOSED', `This collaboration is ${c.status.toLowerCase()} and can no longer be declined`);
      await this.repo.setStatus(em, c.id, 'DECLINED');
      const declined = { ...c, status: 'DECLINED' as const };
      await this.events.notify(em, declined, `Proposal “${c.title}” declined`);
      return declined;
    });
    this.outbox.notifyCommitted();
    return this.views.view(c);
  }
}
