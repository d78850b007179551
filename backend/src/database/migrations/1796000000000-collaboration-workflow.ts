import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The collaboration workflow (issue 15): influencer handles, invitations by email, the fee rate and review period
 * fixed on the collaboration, milestone deliverables (submissions, change requests, review clock), mediation
 * disputes with their messages, clawbacks after release, and the admin audit log.
 * Every one-time collaboration gets exactly one milestone when it had none (covering its whole amount, with the
 * status its payment implies).
 */
export class CollaborationWorkflow1796000000000 implements MigrationInterface {
  name = 'CollaborationWorkflow1796000000000';

  async up(q: QueryRunner): Promise<void> {
    // ---- handles ----
    await q.query(`ALTER TABLE users ADD COLUMN handle text CHECK (handle ~ '^[a-z0-9_.]{3,30}$')`);
    await q.query(`CREATE UNIQUE INDEX users_handle_uq ON users (handle) WHERE handle IS NOT NULL`);
    await q.query(`CREATE INDEX users_influencer_name_idx ON users (lower(name) text_pattern_ops) WHERE role = 'influencer'`);

    // ---- invitations, fee rate and review period on the collaboration ----
    await q.query(`ALTER TABLE collaborations ALTER COLUMN influencer_id DROP NOT NULL`);
    await q.query(`ALTER TABLE collaborations ADD COLUMN invited_email text`);
    await q.query(
      `ALTER TABLE collaborations ADD CONSTRAINT collaborations_influencer_or_invite CHECK (influencer_id IS NOT NULL OR invited_email IS NOT NULL)`,
    );
    await q.query(`CREATE INDEX collaborations_invited_idx ON collaborations (lower(invited_email)) WHERE influencer_id IS NULL`);
    await q.query(`ALTER TABLE collaborations ADD COLUMN review_period_days int NOT NULL DEFAULT 7 CHECK (review_period_days BETWEEN 1 AND 30)`);
    await q.query(`ALTER TABLE collaborations ADD COLUMN platform_fee_bps int CHECK (platform_fee_bps BETWEEN 0 AND 10000)`);
    // existing collaborations: the rate their first payment was charged at (rounded), else the default 10 %
    await q.query(`
      UPDATE collaborations c SET platform_fee_bps = COALESCE(
        (SELECT round(p.platform_fee * 10000.0 / p.amount)::int FROM payments p WHERE p.collaboration_id = c.id ORDER BY p.period_index LIMIT 1), 1000)`);
    await q.query(`ALTER TABLE collaborations ALTER COLUMN platform_fee_bps SET NOT NULL`);

    // ---- milestones ----
    await q.query(`ALTER TABLE milestones DROP CONSTRAINT milestones_status_check`);
    await q.query(
      `ALTER TABLE milestones ADD CONSTRAINT milestones_status_check CHECK (status IN ('PENDING','SUBMITTED','CHANGES_REQUESTED','RELEASED','DISPUTED','REFUNDED'))`,
    );
    await q.query(`ALTER TABLE milestones ADD COLUMN status_before_dispute text`);
    await q.query(`ALTER TABLE milestones ADD COLUMN submitted_at timestamptz`);
    await q.query(`ALTER TABLE milestones ADD COLUMN review_due_at timestamptz`);
    await q.query(`ALTER TABLE milestones ADD COLUMN change_request_count int NOT NULL DEFAULT 0 CHECK (change_request_count >= 0)`);
    await q.query(`CREATE INDEX milestones_review_due_idx ON milestones (review_due_at) WHERE status = 'SUBMITTED'`);
    await q.query(`
      INSERT INTO milestones (collaboration_id, position, title, amount, status, released_at)
      SELECT c.id, 1, c.title, c.amount,
             CASE WHEN p.status = 'RELEASED' THEN 'RELEASED' WHEN p.status = 'REFUNDED' THEN 'REFUNDED' ELSE 'PENDING' END,
             CASE WHEN p.status = 'RELEASED' THEN p.released_at END
        FROM collaborations c
        LEFT JOIN payments p ON p.collaboration_id = c.id AND p.period_index = 0
       WHERE c.billing <> 'monthly' AND NOT EXISTS (SELECT 1 FROM milestones m WHERE m.collaboration_id = c.id)`);
    await q.query(`
      CREATE TABLE milestone_submissions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        milestone_id uuid NOT NULL REFERENCES milestones(id),
        note text NOT NULL,
        links jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX milestone_submissions_idx ON milestone_submissions (milestone_id, created_at)`);
    await q.query(`
      CREATE TABLE milestone_change_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        milestone_id uuid NOT NULL REFERENCES milestones(id),
        note text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX milestone_change_requests_idx ON milestone_change_requests (milestone_id, created_at)`);

    // ---- mediation disputes ----
    await q.query(`
      CREATE TABLE disputes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        collaboration_id uuid NOT NULL REFERENCES collaborations(id),
        payment_id uuid NOT NULL REFERENCES payments(id),
        milestone_id uuid REFERENCES milestones(id),
        opened_by uuid NOT NULL REFERENCES users(id),
        reason text NOT NULL CHECK (reason IN ('not_delivered','quality','scope','other')),
        details text NOT NULL,
        status text NOT NULL CHECK (status IN ('OPEN','WITHDRAWN','RESOLVED')),
        amount bigint NOT NULL CHECK (amount > 0),
        currency text NOT NULL,
        pending_resolution jsonb,
        resolution jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz
      )`);
    // at most one open dispute per collaboration: the frozen amount is never counted twice
    await q.query(`CREATE UNIQUE INDEX disputes_one_open_uq ON disputes (collaboration_id) WHERE status = 'OPEN'`);
    await q.query(`CREATE INDEX disputes_status_idx ON disputes (status, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE dispute_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dispute_id uuid NOT NULL REFERENCES disputes(id),
        author_id uuid NOT NULL REFERENCES users(id),
        author_role text NOT NULL,
        body text NOT NULL,
        links jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX dispute_messages_idx ON dispute_messages (dispute_id, created_at)`);

    // ---- clawback ----
    await q.query(`ALTER TABLE payments ADD COLUMN amount_clawed_back bigint NOT NULL DEFAULT 0 CHECK (amount_clawed_back >= 0)`);
    await q.query(`ALTER TABLE payments ADD CONSTRAINT payments_clawback_le_released CHECK (amount_clawed_back <= amount_released)`);
    await q.query(`ALTER TABLE payments ADD COLUMN pending_clawback jsonb`);
    // a refund of held money reserved before its Stripe call (no row lock is held across the call)
    await q.query(`ALTER TABLE payments ADD COLUMN pending_refund jsonb`);

    // ---- admin audit log ----
    await q.query(`
      CREATE TABLE admin_audit_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        actor_id uuid NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text,
        details jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX admin_audit_log_idx ON admin_audit_log (created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS admin_audit_log, dispute_messages, disputes, milestone_change_requests, milestone_submissions`);
    await q.query(`ALTER TABLE payments DROP COLUMN pending_refund, DROP COLUMN pending_clawback, DROP COLUMN amount_clawed_back`);
    await q.query(
      `ALTER TABLE milestones DROP COLUMN change_request_count, DROP COLUMN review_due_at, DROP COLUMN submitted_at, DROP COLUMN status_before_dispute`,
    );
    await q.query(`UPDATE milestones SET status = 'PENDING' WHERE status IN ('SUBMITTED','CHANGES_REQUESTED','DISPUTED')`);
    await q.query(`ALTER TABLE milestones DROP CONSTRAINT milestones_status_check`);
    await q.query(`ALTER TABLE milestones ADD CONSTRAINT milestones_status_check CHECK (status IN ('PENDING','RELEASED','REFUNDED'))`);
    await q.query(`ALTER TABLE collaborations DROP CONSTRAINT collaborations_influencer_or_invite`);
    await q.query(`ALTER TABLE collaborations DROP COLUMN platform_fee_bps, DROP COLUMN review_period_days, DROP COLUMN invited_email`);
    await q.query(`DROP INDEX IF EXISTS users_influencer_name_idx`);
    await q.query(`ALTER TABLE users DROP COLUMN handle`);
    // collaborations.influencer_id stays nullable: invitations that were never claimed have no influencer
  }
}
