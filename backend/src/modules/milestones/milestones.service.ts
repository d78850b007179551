import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { authorize, NotFound } from '../../common/access/access.policy';
import type { AuthUser } from '../../common/auth/auth.types';
import { inTransaction } from '../../common/database/transaction';
import { conflict, notFound } from '../../common/errors/app-error';
import { formatMoney } from '../../common/money/currency';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { CollaborationEvents } from '../collaborations/collaboration-events';
import { CollaborationRecord, CollaborationRepository, MilestoneRecord } from '../collaborations/collaboration.repository';
import { CollaborationView, CollaborationViews } from '../collaborations/collaboration.view';
import { autoReleaseSoonEmail } from '../notifications/domain/email-kinds';
import { OutboxService } from '../outbox/outbox.service';
import { FUNDED_OPEN, heldRemaining } from '../payments/domain/payment-status.machine';
import { EscrowReleaseService } from '../payments/escrow-release.service';
import { heldFree, PaymentRecord, PaymentRepository } from '../payments/payment.repository';
import { MilestoneEvent, MilestoneSnapshot, transition } from './domain/milestone-status.machine';
import { MilestoneHistoryRepository } from './milestone-history.repository';

const DAY_MS = 86_400_000;

export const milestoneSnapshot = (m: MilestoneRecord): MilestoneSnapshot => ({
  status: m.status,
  changeRequests: m.changeRequestCount,
  statusBeforeDispute: m.statusBeforeDispute,
});

/**
 * Deliverables and approval: the influencer submits a milestone, the company approves it (= releases its money)
 * or asks for changes. Every command locks the payment row first, then the milestone, so that it is serialised
 * with releases, refunds, disputes and the auto-release pass.
 */
@Injectable()
export class MilestonesService {
  constructor(
    private readonly ds: DataSource,
    private readonly collaborations: CollaborationRepository,
    private readonly payments: PaymentRepository,
    private readonly history: MilestoneHistoryRepository,
    private readonly escrow: EscrowReleaseService,
    private readonly events: CollaborationEvents,
    private readonly views: CollaborationViews,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  async submit(user: AuthUser, collaborationId: string, milestoneId: string, note: string, links: string[]): Promise<CollaborationView> {
    return this.command(user, 'influencer', collaborationId, milestoneId, async (em, c, p, m) => {
      if (!FUNDED_OPEN.includes(p.status) || heldRemaining(p) <= 0)
        throw conflict('PAYMENT_NOT_HELD', 'Deliverables can be submitted once the company has paid and while the money is held');
      const next = this.decide(m, { type: 'SUBMIT' });
      await this.collaborations.updateMilestone(em, m.id, {
        ...this.patch(next),
        reviewDueAt: new Date(Date.now() + c.reviewPeriodDays * DAY_MS),
        submitted: true,
      });
      await this.history.addSubmission(em, m.id, note, links);
      await this.events.notify(em, c, `Milestone “${m.title}” submitted for review`, { id: m.id, status: next.status });
    });
  }

  async requestChanges(user: AuthUser, collaborationId: string, milestoneId: string, note: string): Promise<CollaborationView> {
    return this.command(user, 'company', collaborationId, milestoneId, async (em, c, _p, m) => {
      const next = this.decide(m, { type: 'REQUEST_CHANGES', max: this.cfg.workflow.maxChangeRequests });
      await this.collaborations.updateMilestone(em, m.id, { ...this.patch(next), reviewDueAt: null });
      await this.history.addChangeRequest(em, m.id, note);
      await this.events.notify(em, c, `Changes requested on milestone “${m.title}”`, { id: m.id, status: next.status });
    });
  }

  /** Approval releases the milestone exactly like the release route (same journal entry key: one release per milestone). */
  async approve(user: AuthUser, collaborationId: string, milestoneId: string): Promise<CollaborationView> {
    return this.command(user, 'company', collaborationId, milestoneId, async (em, c, p, m) => {
      this.decide(m, { type: 'APPROVE' });
      await this.escrow.assertNotFrozen(em, c.id, m.id);
      await this.escrow.release(em, c, p, {
        amount: Math.min(m.amount, heldFree(p)),
        milestoneIds: [m.id],
        entryKey: `release-milestone:${m.id}`,
        description: `Milestone “${m.title}” approved for collaboration “${c.title}”`,
        milestone: m,
        message: `Milestone “${m.title}” approved: ${formatMoney({ amount: Math.min(m.amount, heldFree(p)), currency: p.currency })} released`,
      });
    });
  }

  /**
   * Auto-release of one milestone whose review period ended by `asOf`. Returns false when there is nothing to do
   * (approved, released, refunded or disputed meanwhile; not yet due): safe to race with every other path.
   */
  async autoRelease(milestoneId: string, asOf: Date): Promise<boolean> {
    const released = await inTransaction(this.ds, async (em) => {
      const found = await this.collaborations.milestone(milestoneId, em);
      if (!found) return false;
      const c = (await this.collaborations.findById(found.collaborationId, em))!;
      const p = await this.payments.findByCollaboration(c.id, em, true);
      const m = (await this.collaborations.milestone(milestoneId, em, true))!;
      if (!p || !m.reviewDueAt || new Date(m.reviewDueAt) > asOf) return false;
      if (transition(milestoneSnapshot(m), { type: 'AUTO_RELEASE' }).kind !== 'apply') return false;
      if (await this.escrow.openDispute(em, c.id)) return false;
      if (!FUNDED_OPEN.includes(p.status) || heldFree(p) <= 0) return false;
      const amount = Math.min(m.amount, heldFree(p));
      // the journal entry's description is the wallet transaction's
      const description = `Released automatically after the ${c.reviewPeriodDays}-day review period: “${m.title}” of “${c.title}”`;
      await this.escrow.release(em, c, p, {
        amount,
        milestoneIds: [m.id],
        entryKey: `release-milestone:${m.id}`,
        description,
        walletDescription: description,
        milestone: m,
        message: `Milestone “${m.title}” released automatically after the review period`,
      });
      return true;
    });
    if (released) this.outbox.notifyCommitted();
    return released;
  }

  /** Milestones whose review period ended by `asOf`, oldest first. */
  async due(asOf: Date, limit = 500): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.ds.query(
      `SELECT id FROM milestones WHERE status = 'SUBMITTED' AND review_due_at <= $1 ORDER BY review_due_at, id LIMIT $2`,
      [asOf, limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Queues `auto_release_soon` to the company for every submitted milestone released automatically within the next
   * `withinMs` after `asOf` (not when a dispute freezes the collaboration). One email per submission whatever the
   * number of passes or instances: the key names the milestone and its review end (the unique key drops repeats).
   */
  async remindAutoRelease(asOf: Date, withinMs: number, limit = 500): Promise<number> {
    const queued = await inTransaction(this.ds, async (em) => {
      const rows: Array<{ id: string; title: string; reviewDueAt: Date; collaborationId: string; companyId: string; collaborationTitle: string }> =
        await em.query(
          `SELECT m.id, m.title, m.review_due_at AS "reviewDueAt", c.id AS "collaborationId", c.company_id AS "companyId", c.title AS "collaborationTitle"
             FROM milestones m JOIN collaborations c ON c.id = m.collaboration_id
            WHERE m.status = 'SUBMITTED' AND m.review_due_at > $1 AND m.review_due_at <= $2
              AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.collaboration_id = c.id AND d.status = 'OPEN')
            ORDER BY m.review_due_at, m.id LIMIT $3`,
          [asOf, new Date(asOf.getTime() + withinMs), limit],
        );
      for (const r of rows) {
        const { kind, dedupeKey } = autoReleaseSoonEmail(r.id, new Date(r.reviewDueAt));
        await this.outbox.queueEmail(em, r.companyId, kind, dedupeKey, {
          collaborationId: r.collaborationId,
          milestoneId: r.id,
          title: r.title,
          collaborationTitle: r.collaborationTitle,
          reviewDueAt: new Date(r.reviewDueAt).toISOString(),
        });
      }
      return rows.length;
    });
    if (queued) this.outbox.notifyCommitted();
    return queued;
  }

  // ---------------------------------------------------------------- helpers

  private decide(m: MilestoneRecord, e: MilestoneEvent): MilestoneSnapshot {
    const d = transition(milestoneSnapshot(m), e);
    if (d.kind === 'reject') throw conflict(d.code, d.message);
    if (d.kind === 'ignore') throw conflict('MILESTONE_STATE_CONFLICT', d.reason);
    return d.next;
  }

  private patch(next: MilestoneSnapshot) {
    return { status: next.status, statusBeforeDispute: next.statusBeforeDispute, changeRequestCount: next.changeRequests };
  }

  /** Access (one policy), then the payment lock, then the milestone lock, then `work`; answers the collaboration. */
  private async command(
    user: AuthUser,
    as: 'company' | 'influencer',
    collaborationId: string,
    milestoneId: string,
    work: (em: EntityManager, c: CollaborationRecord, p: PaymentRecord, m: MilestoneRecord) => Promise<void>,
  ): Promise<CollaborationView> {
    const c = await inTransaction(this.ds, async (em) => {
      const c = authorize(user, await this.collaborations.findById(collaborationId, em), as, NotFound.collaboration);
      const p = await this.payments.findByCollaboration(c.id, em, true);
      const m = await this.collaborations.milestone(milestoneId, em, true);
      if (!m || m.collaborationId !== c.id) throw notFound('MILESTONE_NOT_FOUND', 'Milestone not found in this collaboration');
      if (!p) throw conflict('PAYMENT_NOT_HELD', 'This collaboration has not been paid yet');
      await work(em, c, p, m);
      return (await this.collaborations.findById(c.id, em))!;
    });
    this.outbox.notifyCommitted();
    return this.views.view(c);
  }
}
