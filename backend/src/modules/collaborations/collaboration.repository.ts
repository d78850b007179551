import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Keyset } from '../../common/pagination/pagination';

export type CollaborationStatus = 'PROPOSED' | 'ACCEPTED' | 'ACTIVE' | 'COMPLETED' | 'DECLINED' | 'CANCELED';

export interface CollaborationRecord {
  id: string;
  companyId: string;
  influencerId: string;
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
  status: 'PENDING' | 'RELEASED' | 'REFUNDED';
  releasedAt: Date | null;
}

const COLS = `id, company_id AS "companyId", influencer_id AS "influencerId", title, description, amount, currency, billing, status,
  created_at AS "createdAt", updated_at AS "updatedAt", accepted_at AS "acceptedAt", completed_at AS "completedAt"`;
const MCOLS = `id, collaboration_id AS "collaborationId", position, title, amount, status, released_at AS "releasedAt"`;

@Injectable()
export class CollaborationRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(
    em: EntityManager,
    c: { companyId: string; influencerId: string; title: string; description: string | null; amount: number; currency: string; billing?: string },
    milestones: Array<{ title: string; amount: number }>,
  ): Promise<CollaborationRecord> {
    const [row] = await em.query(
      `INSERT INTO collaborations (company_id, influencer_id, title, description, amount, currency, status, billing)
       VALUES ($1, $2, $3, $4, $5, $6, 'PROPOSED', $7) RETURNING ${COLS}`,
      [c.companyId, c.influencerId, c.title, c.description, c.amount, c.currency, c.billing ?? 'one_time'],
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

  async milestones(collaborationId: string, em: EntityManager = this.ds.manager, lock = false): Promise<MilestoneRecord[]> {
    return em.query(`SELECT ${MCOLS} FROM milestones WHERE collaboration_id = $1 ORDER BY position ${lock ? 'FOR UPDATE' : ''}`, [collaborationId]);
  }

  async markMilestones(em: EntityManager, ids: string[], status: 'RELEASED' | 'REFUNDED'): Promise<void> {
    if (!ids.length) return;
    await em.query(`UPDATE milestones SET status = $2, released_at = CASE WHEN $2 = 'RELEASED' THEN now() ELSE released_at END WHERE id = ANY($1::uuid[])`, [
      ids,
      status,
    ]);
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
