import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type RetainerStatus = 'incomplete' | 'active' | 'past_due' | 'canceled';

export interface RetainerRecord {
  id: string;
  collaborationId: string;
  companyId: string;
  influencerId: string;
  amount: number;
  currency: string;
  stripeSubscriptionId: string | null;
  status: RetainerStatus;
  cancelAtPeriodEnd: boolean;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  defaultPaymentMethod: string | null;
  createdAt: Date;
  updatedAt: Date;
  canceledAt: Date | null;
}

const COLS = `id, collaboration_id AS "collaborationId", company_id AS "companyId", influencer_id AS "influencerId", amount, currency,
  stripe_subscription_id AS "stripeSubscriptionId", status, cancel_at_period_end AS "cancelAtPeriodEnd",
  current_period_start AS "currentPeriodStart", current_period_end AS "currentPeriodEnd", default_payment_method AS "defaultPaymentMethod",
  created_at AS "createdAt", updated_at AS "updatedAt", canceled_at AS "canceledAt"`;

export interface PeriodRow {
  paymentId: string;
  periodIndex: number;
  status: string;
  amount: number;
  currency: string;
  amountReleased: number;
  failureMessage: string | null;
  heldAt: Date | null;
  invoiceId: string | null;
  invoiceStatus: string | null;
  hostedInvoiceUrl: string | null;
}

@Injectable()
export class RetainerRepository {
  constructor(private readonly ds: DataSource) {}

  async insertIfMissing(r: {
    collaborationId: string;
    companyId: string;
    influencerId: string;
    amount: number;
    currency: string;
    defaultPaymentMethod: string;
  }): Promise<RetainerRecord> {
    await this.ds.query(
      `INSERT INTO retainers (collaboration_id, company_id, influencer_id, amount, currency, status, current_period_start, current_period_end, default_payment_method)
       VALUES ($1, $2, $3, $4, $5, 'incomplete', date_trunc('milliseconds', now()), date_trunc('milliseconds', now()) + interval '1 month', $6) ON CONFLICT (collaboration_id) DO NOTHING`,
      [r.collaborationId, r.companyId, r.influencerId, r.amount, r.currency, r.defaultPaymentMethod],
    );
    return (await this.findByCollaboration(r.collaborationId))!;
  }

  async findById(id: string, em: EntityManager = this.ds.manager, lock = false): Promise<RetainerRecord | null> {
    const rows = await em.query(`SELECT ${COLS} FROM retainers WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    return rows[0] ?? null;
  }

  async findByCollaboration(collaborationId: string, em: EntityManager = this.ds.manager): Promise<RetainerRecord | null> {
    const rows = await em.query(`SELECT ${COLS} FROM retainers WHERE collaboration_id = $1`, [collaborationId]);
    return rows[0] ?? null;
  }

  async update(
    em: EntityManager,
    id: string,
    patch: Partial<Pick<RetainerRecord, 'status' | 'cancelAtPeriodEnd' | 'defaultPaymentMethod'>> & { canceled?: boolean },
  ): Promise<RetainerRecord> {
    const sets = ['updated_at = now()'];
    const params: unknown[] = [id];
    const col: Record<string, string> = { status: 'status', cancelAtPeriodEnd: 'cancel_at_period_end', defaultPaymentMethod: 'default_payment_method' };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || k === 'canceled') continue;
      params.push(v);
      sets.push(`${col[k]} = $${params.length}`);
    }
    if (patch.canceled) sets.push('canceled_at = COALESCE(canceled_at, now())');
    const [[row]] = await em.query(`UPDATE retainers SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLS}`, params);
    return row;
  }

  async findBySubscription(stripeSubscriptionId: string, em: EntityManager = this.ds.manager, lock = false): Promise<RetainerRecord | null> {
    const rows = await em.query(`SELECT ${COLS} FROM retainers WHERE stripe_subscription_id = $1 ${lock ? 'FOR UPDATE' : ''}`, [stripeSubscriptionId]);
    return rows[0] ?? null;
  }

  /** A ticket taken before reading the subscription from Stripe (a sequence: no lock). */
  async nextSyncTicket(): Promise<number> {
    const [row] = await this.ds.query(`SELECT nextval('retainer_sync_seq')::bigint AS t`);
    return Number(row.t);
  }

  /**
   * Claims the creation of the retainer's subscription (caller holds the row lock): the card of a claim younger than
   * `staleMs` wins, so concurrent starts send the same request; an older claim (its request is over) is replaced.
   */
  async claimSubscription(em: EntityManager, id: string, pm: string, staleMs: number): Promise<string> {
    const [[row]] = await em.query(
      `UPDATE retainers SET subscription_claim_pm = CASE WHEN subscription_claim_pm IS NOT NULL
                 AND subscription_claimed_at > now() - make_interval(secs => $3::double precision / 1000) THEN subscription_claim_pm ELSE $2 END,
              subscription_claimed_at = CASE WHEN subscription_claim_pm IS NOT NULL
                 AND subscription_claimed_at > now() - make_interval(secs => $3::double precision / 1000) THEN subscription_claimed_at ELSE now() END
        WHERE id = $1 RETURNING subscription_claim_pm AS pm`,
      [id, pm, staleMs],
    );
    return row.pm;
  }

  /**
   * Copies a subscription read from Stripe under ticket `ticket` onto the retainer, unless a later read was applied
   * already (then the row is returned as it is).
   */
  async applySubscription(
    em: EntityManager,
    id: string,
    ticket: number,
    s: {
      subscriptionId: string;
      status: RetainerStatus;
      cancelAtPeriodEnd: boolean;
      periodStart: Date;
      periodEnd: Date;
      defaultPaymentMethod: string | null;
      endedAt: Date | null;
    },
  ): Promise<RetainerRecord> {
    const [[row]] = await em.query(
      `UPDATE retainers SET stripe_subscription_id = COALESCE(stripe_subscription_id, $2),
              status = CASE WHEN status = 'canceled' THEN status ELSE $3 END,
              cancel_at_period_end = $4, current_period_start = $5, current_period_end = $6,
              default_payment_method = COALESCE($7, default_payment_method),
              canceled_at = CASE WHEN status = 'canceled' OR $3 = 'canceled' THEN COALESCE(canceled_at, $8, now()) ELSE NULL END,
              updated_at = now(),
              synced_seq = $9
        WHERE id = $1 AND synced_seq < $9 RETURNING ${COLS}`,
      [id, s.subscriptionId, s.status, s.cancelAtPeriodEnd, s.periodStart, s.periodEnd, s.defaultPaymentMethod, s.endedAt, ticket],
    );
    return row ?? (await this.findById(id, em))!;
  }

  async paymentIdForPeriod(collaborationId: string, periodIndex: number, em: EntityManager = this.ds.manager): Promise<string | null> {
    const rows = await em.query(`SELECT id FROM payments WHERE collaboration_id = $1 AND period_index = $2`, [collaborationId, periodIndex]);
    return rows[0]?.id ?? null;
  }

  async periods(retainerId: string, collaborationId: string): Promise<PeriodRow[]> {
    return this.ds.query(
      `SELECT p.id AS "paymentId", p.period_index AS "periodIndex", p.status, p.amount, p.currency, p.amount_released AS "amountReleased",
              p.failure_message AS "failureMessage", p.held_at AS "heldAt", i.id AS "invoiceId", i.status AS "invoiceStatus", i.hosted_invoice_url AS "hostedInvoiceUrl"
         FROM payments p LEFT JOIN invoices i ON i.payment_id = p.id AND i.retainer_id = $1
        WHERE p.collaboration_id = $2 ORDER BY p.period_index`,
      [retainerId, collaborationId],
    );
  }

  async listForUser(user: { id: string; role: string }): Promise<RetainerRecord[]> {
    if (user.role === 'admin') return this.ds.query(`SELECT ${COLS} FROM retainers ORDER BY created_at DESC, id DESC LIMIT 100`);
    const col = user.role === 'company' ? 'company_id' : 'influencer_id';
    return this.ds.query(`SELECT ${COLS} FROM retainers WHERE ${col} = $1 ORDER BY created_at DESC, id DESC LIMIT 100`, [user.id]);
  }
}
