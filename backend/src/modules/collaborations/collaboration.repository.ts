import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Keyset } from '../../common/pagination/pagination';
import type { MilestoneStatus } from '../milestones/domain/milestone-status.machine';

export type CollaborationStatus = 'PROPOSED' | 'ACCEPTED' | 'ACTIVE' | 'COMPLETED' | 'DECLINED' | 'CANCELED';

export interface CollaborationRecord {
  id: string;
  companyId: string;
  /** null while the proposal waits for the invited email to register */
  influencerId: string | null;
  invitedEmail: string | null;
  reviewPeriodDays: number;
  /** the platform fee rate fixed when the collaboration was proposed */
  platformFeeBps: number;
  title: string;
  description: string | null;
  amount: number;
  currency: string;
  billing: string;
  status: CollaborationStatus;
  createdAt: Date;
  updatedAt: Date;
  acceptedAt: Date | null;
  completedAt: Date | null;
}

export interface MilestoneRecord {
  id: string;
  collaborationId: string;
  position: number;
  title: string;
  amount: number;
  status: MilestoneStatus;
  statusBeforeDispute: MilestoneStatus | null;
  changeRequestCount: number;
  submittedAt: Date | null;
  reviewDueAt: Date | null;
  releasedAt: Date | null;
}

/** A collaboration whose influencer is known (accepted, paid: every state after the proposal). */
export type BoundCollaboration = CollaborationRecord & { influencerId: string };

const COLS = `id, company_id AS "companyId", influencer_id AS "influencerId", invited_email AS "invitedEmail",
  review_period_days AS "reviewPeriodDays", platform_fee_bps AS "platformFeeBps", title, description, amount, currency, billing, status,
  created_at AS "createdAt", updated_at AS "updatedAt", accepted_at AS "acceptedAt", completed_at AS "completedAt"`;
const MCOLS = `id, collaboration_id AS "collaborationId", position, title, amount, status, status_before_dispute AS "statusBeforeDispute",
  change_request_count AS "changeRequestCount", submitted_at AS "submittedAt", review_due_at AS "reviewDueAt", released_at AS "releasedAt"`;

@Injectable()
export class CollaborationRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(
    em: EntityManager,
    c: {
      companyId: string;
      influencerId: string | null;
      invitedEmail?: string | null;
      title: string;
      description: string | null;
      amount: number;
      currency: string;
      billing?: string;
      reviewPeriodDays: number;
      platformFeeBps: number;
    },
    milestones: Array<{ title: string; amount: number }>,
  ): Promise<CollaborationRecord> {
    const [row] = await em.query(
      `INSERT INTO collaborations (company_id, influencer_id, invited_email, title, description, amount, currency, status, billing, review_period_days, platform_fee_bps)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'PROPOSED', $8, $9, $10) RETURNING ${COLS}`,
      [
        c.companyId,
        c.influencerId,
        c.invitedEmail ?? null,
        c.title,
        c.description,
        c.amount,
        c.currency,
        c.billing ?? 'one_time',
        c.reviewPeriodDays,
        c.platformFeeBps,
      ],
    );
    for (const [i, m] of milestones.entries()) {
      await em.query(`INSERT INTO milestones (collaboration_id, position, title, amount) VALUES ($1, $2, $3, $4)`, [row.id, i + 1, m.title, m.amount]);
    }
    return row;
  }

  async findById(id: string, em: EntityManager = this.ds.manager, lock = false): Promise<CollaborationRecord | null> {
    const rows = await em.query(`SELECT ${COLS} FROM collaborations WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    return rows[0] ?? null;
  }

  async setStatus(em: EntityManager, id: string, status: CollaborationStatus, extra: 'accepted' | 'completed' | null = null): Promise<void> {
    const set = extra === 'accepted' ? ', accepted_at = now()' : extra === 'completed' ? ', completed_at = now()' : '';
    await em.query(`UPDATE collaborations SET status = $2, updated_at = now() ${set} WHERE id = $1`, [id, status]);
  }

  /** `setStatus` for many collaborations (rows locked in id order first, so concurrent batches cannot deadlock). */
  async setStatusMany(em: EntityManager, ids: string[], status: CollaborationStatus): Promise<void> {
    if (!ids.length) return;
    await em.query(
      `UPDATE collaborations SET status = $2, updated_at = now() WHERE id IN (SELECT id FROM collaborations WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE)`,
      [ids, status],
    );
  }

  async milestones(collaborationId: string, em: EntityManager = this.ds.manager, lock = false): Promise<MilestoneRecord[]> {
    return em.query(`SELECT ${MCOLS} FROM milestones WHERE collaboration_id = $1 ORDER BY position ${lock ? 'FOR UPDATE' : ''}`, [collaborationId]);
  }

  async milestone(id: string, em: EntityManager = this.ds.manager, lock = false): Promise<MilestoneRecord | null> {
    const rows = await em.query(`SELECT ${MCOLS} FROM milestones WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    return rows[0] ?? null;
  }

  async markMilestones(em: EntityManager, ids: string[], status: 'RELEASED' | 'REFUNDED'): Promise<void> {
    if (!ids.length) return;
    await em.query(
      `UPDATE milestones SET status = $2, released_at = CASE WHEN $2 = 'RELEASED' THEN now() ELSE released_at END, review_due_at = NULL,
              status_before_dispute = NULL WHERE id = ANY($1::uuid[])`,
      [ids, status],
    );
  }

  /** Moves one milestone (the state machine decided); `reviewDueAt` 'keep' leaves the review clock alone. */
  async updateMilestone(
    em: EntityManager,
    id: string,
    patch: {
      status: MilestoneStatus;
      statusBeforeDispute: MilestoneStatus | null;
      changeRequestCount: number;
      reviewDueAt: Date | null | 'keep';
      submitted?: boolean;
    },
  ): Promise<void> {
    await em.query(
      `UPDATE milestones SET status = $2, status_before_dispute = $3, change_request_count = $4,
              review_due_at = CASE WHEN $5::boolean THEN review_due_at ELSE $6::timestamptz END,
              submitted_at = CASE WHEN $7::boolean THEN now() ELSE submitted_at END,
              released_at = CASE WHEN $2 = 'RELEASED' THEN now() ELSE released_at END
        WHERE id = $1`,
      [
        id,
        patch.status,
        patch.statusBeforeDispute,
        patch.changeRequestCount,
        patch.reviewDueAt === 'keep',
        patch.reviewDueAt === 'keep' ? null : patch.reviewDueAt,
        !!patch.submitted,
      ],
    );
  }

  /** Invitations to this email become the new influencer's; returns the claimed collaborations. */
  async claimInvitations(em: EntityManager, influencerId: string, email: string): Promise<CollaborationRecord[]> {
    const [rows] = await em.query(
      `UPDATE collaborations SET influencer_id = $1, updated_at = now() WHERE influencer_id IS NULL AND lower(invited_email) = lower($2) RETURNING ${COLS}`,
      [influencerId, email],
    );
    return rows;
  }

  async listForUser(userId: string, role: string, limit: number, after: Keyset | null, status?: string): Promise<CollaborationRecord[]> {
    const col = role === 'company' ? 'company_id' : 'influencer_id';
    const params: unknown[] = [userId, limit + 1];
    let where = `${col} = $1`;
    if (after) {
      params.push(after.createdAt, after.id);
      where += ` AND (created_at, id) < ($3, $4)`;
    }
    if (status) {
      params.push(status);
      where += ` AND status = $${params.length}`;
    }
    return this.ds.query(`SELECT ${COLS} FROM collaborations WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2`, params);
  }
}
