import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '../../common/auth/auth.types';

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  role: Role;
  handle: string | null;
  passwordHash: string;
  createdAt: Date;
}

const COLS = `id, email, name, role, handle, password_hash AS "passwordHash", created_at AS "createdAt"`;

@Injectable()
export class UserRepository {
  constructor(private readonly ds: DataSource) {}

  /** Returns null when the email is taken. */
  async insert(
    u: { email: string; name: string; role: Role; passwordHash: string; handle?: string | null },
    em: EntityManager = this.ds.manager,
  ): Promise<UserRecord | null> {
    const rows: UserRecord[] = await em.query(
      `INSERT INTO users (email, name, role, password_hash, handle) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ((lower(email))) DO NOTHING RETURNING ${COLS}`,
      [u.email, u.name, u.role, u.passwordHash, u.handle ?? null],
    );
    return rows[0] ?? null;
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    const rows: UserRecord[] = await this.ds.query(`SELECT ${COLS} FROM users WHERE lower(email) = lower($1)`, [email]);
    return rows[0] ?? null;
  }

  async findById(id: string, em: EntityManager = this.ds.manager): Promise<UserRecord | null> {
    const rows: UserRecord[] = await em.query(`SELECT ${COLS} FROM users WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** At most 20 influencers whose name or handle starts with `prefix` (case-insensitive), names first. */
  async searchInfluencers(prefix: string): Promise<Array<{ id: string; name: string; handle: string | null }>> {
    const like = prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
    return this.ds.query(
      `SELECT id, name, handle FROM users
        WHERE role = 'influencer' AND (lower(name) LIKE $1 OR handle LIKE $1)
        ORDER BY lower(name), handle NULLS LAST, id LIMIT 20`,
      [like],
    );
  }

  async updatePassword(id: string, passwordHash: string): Promise<void> {
    await this.ds.query(`UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, [id, passwordHash]);
  }
}
