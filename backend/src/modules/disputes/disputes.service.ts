import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { authorize, NotFound } from '../../common/access/access.policy';
import type { AuthUser } from '../../common/auth/auth.types';
import { inTransaction, pgConstraint, pgErrorCode } from '../../common/database/transaction';
import { conflict, forbidden, notFound } from '../../common/errors/app-error';
import { formatMoney } from '../../common/money/currency';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination';
import { CollaborationRepository, MilestoneRecord } from '../collaborations/collaboration.repository';
import { MilestoneEvent, OPEN_MILESTONE, transition } from '../milestones/domain/milestone-status.machine';
import { milestoneSnapshot } from '../milestones/milestones.service';
import { OutboxService } from '../outbox/outbox.service';
import { FUNDED_OPEN, heldRemaining } from '../payments/domain/payment-status.machine';
import { PaymentRepository } from '../payments/payment.repository';
import { DisputeEvents } from './dispute-events';
import { DisputeRecord, DisputeRepository } from './dispute.repository';
import { DisputeView, toDisputeView } from './dispute.view';
import type { OpenDisputeDto } from './dto/dispute.dto';

/**
 * Mediation between the parties (not card chargebacks). Opening freezes the money still held for a milestone
 * (or all of it): every release path and refunds refuse with 409 DISPUTE_OPEN while the dispute is OPEN
 * (EscrowReleaseService.assertNotFrozen, the milestone state machine). Every command takes the payment row lock
 * first, like every other money path, so opening a dispute is serialised with releases and refunds.
 */
@Injectable()
export class DisputesService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: DisputeRepository,
    private readonly collaborations: CollaborationRepository,
    private readonly payments: PaymentRepository,
    private readonly events: DisputeEvents,
    private readonly outbox: OutboxService,
  ) {}

  async open(user: AuthUser, collaborationId: string, dto: OpenDisputeDto): Promise<DisputeView> {
    const id = await inTransaction(this.ds, async (em) => {
      const c = authorize(user, await this.collaborations.findById(collaborationId, em), 'party', NotFound.collaboration);
      const p = await this.payments.findByCollaboration(c.id, em, true);
      const milestones = await this.collaborations.milestones(c.id, em, true);
      if (dto.milestoneId && !milestones.some((m) => m.id === dto.milestoneId))
        throw notFound('MILESTONE_NOT_FOUND', 'Milestone not found in this collaboration');
      if (p?.status === 'DISPUTED') throw conflict('PAYMENT_DISPUTED', 'A card dispute is open on this payment: its funds are already frozen');
      if (!p || !FUNDED_OPEN.includes(p.status) || heldRemaining(p) <= 0) throw conflict('NOTHING_HELD', 'No money is held for this collaboration');
      if (p.refundReserved > 0) throw conflict('REFUND_IN_PROGRESS', 'A refund of this payment is being made: try again in a moment');
      const open = await em.query(`SELECT 1 FROM disputes WHERE collaboration_id = $1 AND status = 'OPEN'`, [c.id]);
      if (open.length) throw conflict('DISPUTE_ALREADY_OPEN', 'A dispute is already open on this collaboration');
      const targets = dto.milestoneId ? milestones.filter((m) => m.id === dto.milestoneId) : milestones.filter((m) => OPEN_MILESTONE.includes(m.status));
      for (const m of targets) await this.move(em, m, { type: 'DISPUTE_OPENED' });
      const amount = dto.milestoneId ? Math.min(targets[0].amount, heldRemaining(p)) : heldRemaining(p);
      if (amount <= 0) throw conflict('NOTHING_HELD', 'No money is held for this milestone');
      const id = await this.repo
        .insert(em, {
          collaborationId: c.id,
          paymentId: p.id,
          milestoneId: dto.milestoneId ?? null,
          openedBy: user.id,
          reason: dto.reason,
          details: dto.details,
          amount,
          currency: p.currency,
        })
        .catch((e) => {
          if (pgErrorCode(e) === '23505' && pgConstraint(e) === 'disputes_one_open_uq')
            throw conflict('DISPUTE_ALREADY_OPEN', 'A dispute is already open on this collaboration');
          throw e;
        });
      await this.events.notify(
        em,
        { id, collaborationId: c.id, companyId: c.companyId, influencerId: c.influencerId },
        'OPEN',
        `A dispute was opened: ${formatMoney({ amount, currency: p.currency })} is frozen`,
      );
      return id;
    });
    this.outbox.notifyCommitted();
    return this.view(id);
  }

  async list(user: AuthUser, q: { limit?: number; cursor?: string; status?: string }): Promise<Page<DisputeView>> {
    const limit = q.limit ?? 20;
    const rows = await this.repo.list(user, limit, decodeCursor(q.cursor), q.status);
    const page = toPage(rows, limit, (r) => ({ createdAt: new Date(r.createdAt), id: r.id }));
    const messages = await this.repo.messages(page.data.map((d) => d.id));
    return { data: page.data.map((d) => toDisputeView(d, messages)), nextCursor: page.nextCursor };
  }

  async get(user: AuthUser, id: string): Promise<DisputeView> {
    authorize(user, await this.repo.findById(id), 'view', NotFound.dispute);
    return this.view(id);
  }

  async message(user: AuthUser, id: string, body: string, links: string[]): Promise<DisputeView> {
    await inTransaction(this.ds, async (em) => {
      const d = authorize(user, await this.repo.findById(id, em, true), 'party-or-admin', NotFound.dispute);
      if (d.status !== 'OPEN') throw conflict('DISPUTE_CLOSED', `This dispute is ${d.status.toLowerCase()}`);
      await this.repo.addMessage(em, { disputeId: d.id, authorId: user.id, authorRole: user.role, body, links });
      await this.events.notify(em, d, d.status, `New message in the dispute from the ${user.role}`);
    });
    this.outbox.notifyCommitted();
    return this.view(id);
  }

  /** The opener ends the dispute: the frozen milestones return to the state they were in. */
  async withdraw(user: AuthUser, id: string): Promise<DisputeView> {
    await inTransaction(this.ds, async (em) => {
      const found = authorize(user, await this.repo.findById(id, em), 'party', NotFound.dispute);
      if (found.openedBy !== user.id) throw forbidden('NOT_DISPUTE_OPENER', 'Only whoever opened the dispute can withdraw it');
      await this.payments.findById(found.paymentId, em, true); // the payment lock first, as every money path
      const d = (await this.repo.findById(id, em, true))!;
      if (d.status !== 'OPEN') throw conflict('DISPUTE_CLOSED', `This dispute is ${d.status.toLowerCase()}`);
      if (d.pendingResolution) throw conflict('DISPUTE_RESOLUTION_IN_PROGRESS', 'An admin is resolving this dispute');
      await this.unfreeze(em, d, { type: 'DISPUTE_WITHDRAWN' });
      await this.repo.close(em, d.id, 'WITHDRAWN', null);
      await this.events.notify(em, d, 'WITHDRAWN', 'The dispute was withdrawn: the money is no longer frozen');
    });
    this.outbox.notifyCommitted();
    return this.view(id);
  }

  /** Moves every milestone the dispute froze (the caller holds the payment lock). */
  async unfreeze(em: EntityManager, d: DisputeRecord, event: MilestoneEvent): Promise<void> {
    const milestones = await this.collaborations.milestones(d.collaborationId, em, true);
    for (const m of milestones.filter((x) => x.status === 'DISPUTED' && (!d.milestoneId || x.id === d.milestoneId))) await this.move(em, m, event);
  }

  async view(id: string): Promise<DisputeView> {
    const d = (await this.repo.findById(id))!;
    return toDisputeView(d, await this.repo.messages([id]));
  }

  private async move(em: EntityManager, m: MilestoneRecord, e: MilestoneEvent): Promise<void> {
    const d = transition(milestoneSnapshot(m), e);
    if (d.kind === 'reject') throw conflict(d.code, d.message);
    if (d.kind === 'ignore') return;
    await this.collaborations.updateMilestone(em, m.id, {
      status: d.next.status,
      statusBeforeDispute: d.next.statusBeforeDispute,
      changeRequestCount: d.next.changeRequests,
      reviewDueAt: d.next.status === 'RELEASED' || d.next.status === 'REFUNDED' ? null : 'keep',
    });
  }
}
