import { HttpException, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { badRequest, conflict, unprocessable } from '../errors/app-error';
import { toErrorBody } from '../errors/http-exception.filter';

/** How long a key answers with its first response; the retention job deletes older keys. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
const WAIT_MS = 15_000;

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/**
 * `Idempotency-Key` for POSTs that move money or create Stripe objects: same key + same body within 24 h
 * returns the first response (status and body); same key + different body → 422 IDEMPOTENCY_KEY_REUSED.
 * Concurrent requests with one key: the first runs, the others wait for its answer.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly ds: DataSource) {}

  async run<T>(req: Request, res: Response, userId: string, work: () => Promise<T>, successStatus = 201): Promise<T> {
    const header = req.headers['idempotency-key'];
    if (header === undefined) {
      res.status(successStatus);
      return work();
    }
    const key = Array.isArray(header) ? header[0] : header;
    if (typeof key !== 'string' || key.length < 1 || key.length > 255)
      throw badRequest('INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1 to 255 characters');
    const scope = `${req.method} ${req.route?.path ?? req.path}:${canonical(req.params)}`;
    const hash = createHash('sha256')
      .update(canonical(req.body ?? {}))
      .digest('hex');

    while (!(await this.claim(userId, scope, key, hash))) {
      const stored = await this.waitForResult(userId, scope, key, hash);
      if (stored) {
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(stored.status);
        return stored.body as T;
      }
      // the first attempt ended without a definite answer and released the key: try to run it ourselves
    }
    try {
      const body = await work();
      await this.ds.query(
        `UPDATE idempotency_keys SET state = 'completed', response_status = $4, response_body = $5, completed_at = now() WHERE user_id = $1 AND scope = $2 AND key = $3`,
        [userId, scope, key, successStatus, JSON.stringify(body ?? null)],
      );
      res.status(successStatus);
      return body;
    } catch (e) {
      const err = toErrorBody(e);
      if (e instanceof HttpException && err.statusCode < 500) {
        // a definite answer: replay it
        await this.ds.query(
          `UPDATE idempotency_keys SET state = 'completed', response_status = $4, response_body = $5, completed_at = now() WHERE user_id = $1 AND scope = $2 AND key = $3`,
          [userId, scope, key, err.statusCode, JSON.stringify(err)],
        );
      } else {
        // an unknown outcome: release the key so that a retry runs again (the work itself is idempotent)
        await this.ds.query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3`, [userId, scope, key]);
      }
      throw e;
    }
  }

  private async claim(userId: string, scope: string, key: string, hash: string): Promise<boolean> {
    // expired keys are forgotten
    await this.ds.query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3 AND created_at < now() - interval '24 hours'`, [
      userId,
      scope,
      key,
    ]);
    const rows = await this.ds.query(
      `INSERT INTO idempotency_keys (user_id, scope, key, request_hash, state) VALUES ($1, $2, $3, $4, 'in_progress')
       ON CONFLICT DO NOTHING RETURNING key`,
      [userId, scope, key, hash],
    );
    return rows.length === 1;
  }

  private async waitForResult(userId: string, scope: string, key: string, hash: string): Promise<{ status: number; body: unknown } | null> {
    const until = Date.now() + WAIT_MS;
    for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
      const [row] = await this.ds.query(
        `SELECT request_hash, state, response_status, response_body, created_at FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3`,
        [userId, scope, key],
      );
      if (row && row.request_hash !== hash) throw unprocessable('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request body');
      if (row?.state === 'completed' && Date.now() - new Date(row.created_at).getTime() < IDEMPOTENCY_TTL_MS) {
        if (row.response_status >= 400) throw new HttpException(row.response_body, row.response_status);
        return { status: row.response_status, body: row.response_body };
      }
      if (!row) return null;
      if (Date.now() > until) throw conflict('IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still in progress');
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
