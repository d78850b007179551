import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Keyset } from '../../common/pagination/pagination';
import { storable } from './audit';

export interface AuditEntry {
  id: string;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
  createdAt: Date;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(entry: { actorId: string; action: string; targetType: string; targetId: string | null; details: Record<string, unknown> }): Promise<void> {
    const e = storable(entry);
    await this.ds.query(`INSERT INTO admin_audit_log (actor_id, action, target_type, target_id, details) VALUES ($1, $2, $3, $4, $5)`, [
      e.actorId,
      e.action,
      e.targetType,
      e.targetId,
      JSON.stringify(e.details),
    ]);
  }

  async list(limit: number, after: Keyset | null, filter: { action?: string; actorId?: string; targetId?: string }): Promise<AuditEntry[]> {
    const params: unknown[] = [limit + 1];
    const where: string[] = [];
    if (after) {
      params.push(after.createdAt, after.id);
      where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
    }
    for (const [col, v] of [
      ['action', filter.action],
      ['actor_id', filter.actorId],
      ['target_id', filter.targetId],
    ] as const) {
      if (v === undefined) continue;
      params.push(v);
      where.push(`${col} = $${params.length}`);
    }
    return this.ds.query(
      `SELECT id, actor_id AS "actorId", action, target_type AS "targetType", target_id AS "targetId", details, created_at AS "createdAt"
         FROM admin_audit_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id DESC LIMIT $1`,
      params,
    );
  }
}
