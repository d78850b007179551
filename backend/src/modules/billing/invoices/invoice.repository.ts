import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Keyset } from '../../../common/pagination/pagination';

export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface InvoiceRecord {
  id: string;
  stripeInvoiceId: string;
  kind: 'one_time' | 'retainer';
  collaborationId: string;
  paymentId: string | null;
  retainerId: string | null;
  periodIndex: number | null;
  companyId: string;
  influencerId: string;
  amount: number;
  currency: string;
  status: InvoiceStatus;
  number: string | null;
  hostedInvoiceUrl: string | null;
  invoicePdf: string | null;
  dueDate: Date | null;
  attemptCount: number;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  paidAt: Date | null;
  voidedAt: Date | null;
}

const COLS = `id, stripe_invoice_id AS "stripeInvoiceId", kind, collaboration_id AS "collaborationId", payment_id AS "paymentId",
  retainer_id AS "retainerId", period_index AS "periodIndex", company_id AS "companyId", influencer_id AS "influencerId", amount, currency,
  status, number, hosted_invoice_url AS "hostedInvoiceUrl", invoice_pdf AS "invoicePdf", due_date AS "dueDate", attempt_count AS "attemptCount",
  last_error AS "lastError", created_at AS "createdAt", updated_at AS "updatedAt", paid_at AS "paidAt", voided_at AS "voidedAt"`;

export interface InvoiceInsert {
  stripeInvoiceId: string;
  kind: 'one_time' | 'retainer';
  collaborationId: string;
  paymentId: string | null;
  retainerId?: string | null;
  periodIndex?: number | null;
  companyId: string;
  influencerId: string;
  amount: number;
  currency: string;
  status: InvoiceStatus;
}

export interface InvoicePatch {
  status?: InvoiceStatus;
  number?: string | null;
  hostedInvoiceUrl?: string | null;
  invoicePdf?: string | null;
  dueDate?: Date | null;
  attemptCount?: number;
  lastError?: string | null;
  amount?: number;
  paymentId?: string | null;
  periodIndex?: number | null;
}

const COLUMN: Record<keyof InvoicePatch, string> = {
  status: 'status',
  number: 'number',
  hostedInvoiceUrl: 'hosted_invoice_url',
  invoicePdf: 'invoice_pdf',
  dueDate: 'due_date',
  attemptCount: 'attempt_count',
  lastError: 'last_error',
  amount: 'amount',
  paymentId: 'payment_id',
  periodIndex: 'period_index',
};

@Injectable()
export class InvoiceRepository {
  constructor(private readonly ds: DataSource) {}

  /** Inserts the local copy of a Stripe invoice unless it exists (API call and webhook may race); returns the row, locked. */
  async insertOrGet(em: EntityManager, r: InvoiceInsert): Promise<InvoiceRecord> {
    await em.query(
      `INSERT INTO invoices (stripe_invoice_id, kind, collaboration_id, payment_id, retainer_id, period_index, company_id, influencer_id, amount, currency, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (stripe_invoice_id) DO NOTHING`,
      [
        r.stripeInvoiceId,
        r.kind,
        r.collaborationId,
        r.paymentId,
        r.retainerId ?? null,
        r.periodIndex ?? null,
        r.companyId,
        r.influencerId,
        r.amount,
        r.currency,
        r.status,
      ],
    );
    return (await this.findByStripeId(r.stripeInvoiceId, em, true))!;
  }

  async findById(id: string, em: EntityManager = this.ds.manager, lock = false): Promise<InvoiceRecord | null> {
    const rows = await em.query(`SELECT ${COLS} FROM invoices WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    return rows[0] ?? null;
  }

  async findByStripeId(stripeInvoiceId: string, em: EntityManager = this.ds.manager, lock = false): Promise<InvoiceRecord | null> {
    const rows = await em.query(`SELECT ${COLS} FROM invoices WHERE stripe_invoice_id = $1 ${lock ? 'FOR UPDATE' : ''}`, [stripeInvoiceId]);
    return rows[0] ?? null;
  }

  async findOpenForPayment(paymentId: string, em: EntityManager = this.ds.manager): Promise<InvoiceRecord | null> {
    const rows = await em.query(`SELECT ${COLS} FROM invoices WHERE payment_id = $1 AND kind = 'one_time' AND status IN ('draft','open') LIMIT 1`, [paymentId]);
    return rows[0] ?? null;
  }

  async countForPayment(paymentId: string): Promise<number> {
    const [{ n }] = await this.ds.query(`SELECT count(*)::int AS n FROM invoices WHERE payment_id = $1 AND kind = 'one_time'`, [paymentId]);
    return n;
  }

  async update(em: EntityManager, id: string, patch: InvoicePatch, stamp?: 'paid' | 'voided'): Promise<InvoiceRecord> {
    const sets = ['updated_at = now()'];
    const params: unknown[] = [id];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      params.push(v);
      sets.push(`${COLUMN[k as keyof InvoicePatch]} = $${params.length}`);
    }
    if (stamp === 'paid') sets.push('paid_at = COALESCE(paid_at, now())');
    if (stamp === 'voided') sets.push('voided_at = COALESCE(voided_at, now())');
    const [[row]] = await em.query(`UPDATE invoices SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLS}`, params);
    return row;
  }

  async listForUser(
    user: { id: string; role: string },
    limit: number,
    after: Keyset | null,
    filter: { collaborationId?: string; retainerId?: string } = {},
  ): Promise<InvoiceRecord[]> {
    const params: unknown[] = [limit + 1];
    const where: string[] = [];
    if (user.role !== 'admin') {
      params.push(user.id);
      where.push(`${user.role === 'company' ? 'company_id' : 'influencer_id'} = $${params.length}`);
    }
    if (filter.collaborationId) {
      params.push(filter.collaborationId);
      where.push(`collaboration_id = $${params.length}`);
    }
    if (filter.retainerId) {
      params.push(filter.retainerId);
      where.push(`retainer_id = $${params.length}`);
    }
    if (after) {
      params.push(after.createdAt, after.id);
      where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
    }
    return this.ds.query(
      `SELECT ${COLS} FROM invoices ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id DESC LIMIT $1`,
      params,
    );
  }
}
