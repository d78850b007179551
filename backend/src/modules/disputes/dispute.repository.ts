import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Keyset } from '../../common/pagination/pagination';

export type DisputeStatus = 'OPEN' | 'WITHDRAWN' | 'RESOLVED';
export type DisputeReason = 'not_delivered' | 'quality' | 'scope' | 'other';

export interface Resolution {
  releaseAmount: number;
  refundAmount: number;
  /** the platform fee's share of releaseAmount (see README: the fee rounding rule) */
  platformFee: number;
  /** what reached the influencer's wallet: releaseAmount - platformFee */
  influencerAmount: number;
  note: string;
  resolvedBy: string;
  resolvedAt: string;
  stripeRefundId: string | null;
}

export interface PendingResolution {
  releaseAmount: number;
  refundAmount: number;
  note: string;
  actorId: string;
  /** the reservation (absent on reservations made before they had ids): in the Stripe refund's key and metadata */
  reservationId?: string;
  /** when the reservation was made or last renewed by a request (ISO); reconciliation resolves old ones */
  reservedAt?: string;
}

export interface DisputeRecord {
  id: string;
  collaborationId: string;
  paymentId: string;
  milestoneId: string | null;
  openedBy: string;
  reason: DisputeReason;
  details: string;
  status: DisputeStatus;
  amount: number;
  currency: string;
  pendingResolution: PendingResolution | null;
  resolution: Resolution | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  /** the parties, from the collaboration */
  companyId: string;
  influencerId: string;
}

export interface DisputeMessageRecord {
  id: string;
  disputeId: string;
  authorId: string;
  authorRole: string;
  body: string;
  links: string[];
  createdAt: Date;
}

const COLS = `d.id, d.collaboration_id AS "collaborationId", d.payment_id AS "paymentId", d.milestone_id AS "milestoneId", d.opened_by AS "openedBy",
  d.reason, d.details, d.status, d.amount, d.currency, d.pending_resolution AS "pendingResolution", d.resolution,
  d.created_at AS "createdAt", d.updated_at AS "updatedAt", d.closed_at AS "closedAt", c.company_id AS "companyId", c.influencer_id AS "influencerId"`;

@Injectable()
export class DisputeRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(
    em: EntityManager,
    d: {
      collaborationId: string;
      paymentId: string;
      milestoneId: string | null;
      openedBy: string;
      reason: string;
      details: string;
      amount: number;
      currency: string;
    },
  ): Promise<string> {
    const [row] = await em.query(
      `INSERT INTO disputes (collaboration_id, payment_id, milestone_id, opened_by, reason, details, status, amount, currency)
       VALUES ($1, $2, $3, $4, $5, $6, 'OPEN', $7, $8) RETURNING id`,
      [d.collaborationId, d.paymentId, d.milestoneId, d.openedBy, d.reason, d.details, d.amount, d.currency],
    );
    return row.id;
  }

  async findById(id: string, em: EntityManager = this.ds.manager, lock = false): Promise<DisputeRecord | null> {
    const rows = await em.query(
      `SELECT ${COLS} FROM disputes d JOIN collaborations c ON c.id = d.collaboration_id WHERE d.id = $1 ${lock ? 'FOR UPDATE OF d' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  async setPending(em: EntityManager, id: string, pending: PendingResolution | null): Promise<void> {
    await em.query(`UPDATE disputes SET pending_resolution = $2, updated_at = now() WHERE id = $1`, [id, pending === null ? null : JSON.stringify(pending)]);
  }

  /** Open disputes whose resolution was reserved at least `olderThanMs` ago (its request died or is long gone). */
  async listStalePending(olderThanMs: number, limit = 100): Promise<DisputeRecord[]> {
    return this.ds.query(
      `SELECT ${COLS} FROM disputes d JOIN collaborations c ON c.id = d.collaboration_id
        WHERE d.status = 'OPEN' AND d.pending_resolution IS NOT NULL
          AND COALESCE((d.pending_resolution->>'reservedAt')::timestamptz, d.updated_at) <= now() - make_interval(secs => $1::double precision / 1000)
        ORDER BY d.updated_at LIMIT $2`,
      [olderThanMs, limit],
    );
  }

  async close(em: EntityManager, id: string, status: 'WITHDRAWN' | 'RESOLVED', resolution: Resolution | null): Promise<void> {
    await em.query(`UPDATE disputes SET status = $2, resolution = $3, pending_resolution = NULL, updated_at = now(), closed_at = now() WHERE id = $1`, [
      id,
      status,
      resolution === null ? null : JSON.stringify(resolution),
    ]);
  }

  async addMessage(em: EntityManager, m: { disputeId: string; authorId: string; authorRole: string; body: string; links: string[] }): Promise<void> {
    await em.query(`INSERT INTO dispute_messages (dispute_id, author_id, author_role, body, links) VALUES ($1, $2, $3, $4, $5)`, [
      m.disputeId,
      m.authorId,
      m.authorRole,
      m.body,
      JSON.stringify(m.links),
    ]);
    await em.query(`UPDATE disputes SET updated_at = now() WHERE id = $1`, [m.disputeId]);
  }

  async messages(disputeIds: string[]): Promise<DisputeMessageRecord[]> {
    if (!disputeIds.length) return [];
    return this.ds.query(
      `SELECT id, dispute_id AS "disputeId", author_id AS "authorId", author_role AS "authorRole", body, links, created_at AS "createdAt"
         FROM dispute_messages WHERE dispute_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [disputeIds],
    );
  }

  /** Newest first: an admin sees every dispute, a party the disputes of its collaborations. */
  async list(user: { id: string; role: string }, limit: number, after: Keyset | null, status?: string): Promise<DisputeRecord[]> {
    const params: unknown[] = [limit + 1];
    const where: string[] = [];
    if (user.role !== 'admin') {
      params.push(user.id);
      where.push(`(c.company_id = $${params.length} OR c.influencer_id = $${params.length})`);
    }
    if (after) {
      params.push(after.createdAt, after.id);
      where.push(`(d.created_at, d.id) < ($${params.length - 1}, $${params.length})`);
    }
    if (status) {
      params.push(status);
      where.push(`d.status = $${params.length}`);
    }
    return this.ds.query(
      `SELECT ${COLS} FROM disputes d JOIN collaborations c ON c.id = d.collaboration_id
        ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY d.created_at DESC, d.id DESC LIMIT $1`,
      params,
    );
  }
}
