import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed-out access tokens (`POST /api/auth/logout`), by their `jti`, until they would have expired anyway. Kept in
 * PostgreSQL (not Redis) so a revocation survives restarts and no Redis outage lets a revoked token back in.
 */
export class RevokedTokens1795450000000 implements MigrationInterface {
  name = 'RevokedTokens1795450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE revoked_tokens (
        jti uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE revoked_tokens`);
  }
}
