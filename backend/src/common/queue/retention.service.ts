import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { IDEMPOTENCY_TTL_MS } from '../idempotency/idempotency.service';
import { ScheduledJobs } from './scheduled-jobs.service';

export interface RetentionResult {
  outbox: number;
  inbox: number;
  idempotencyKeys: number;
  clawbackRequests: number;
}

/** Rows deleted per statement: short transactions, no long lock on the tables the app writes. */
const BATCH = 5000;

/**
 * Keeps the bookkeeping tables from growing forever (`retention`, every RETENTION_INTERVAL_MS):
 * - outbox rows written more than OUTBOX_RETENTION_HOURS ago and already sent (a client that `sync`s within that
 *   window still gets everything after its last seq; unsent rows are never deleted);
 * - inbox rows PROCESSED or IGNORED more than WEBHOOK_INBOX_RETENTION_HOURS ago (RECEIVED and FAILED rows stay:
 *   they still need work or a human). The window is longer than Stripe's retries and the reconciliation
 *   look-back, so a deleted event cannot come back and be applied twice (checked at config load);
 * - idempotency keys past their 24 h lifetime (they would otherwise keep refusing the key);
 * - clawback request records (`clawback_requests`: which client Idempotency-Key finished which clawback) written
 *   more than CLAWBACK_REQUEST_RETENTION_HOURS (default 720, at least 48) ago. A retry under a key is honoured for
 *   24 h after its first request and the record is written after that request, so within the window every such
 *   retry still finds it and claws back nothing more; later, the key has expired anyway.
 */
@Injectable()
export class RetentionService implements OnModuleInit {
  private readonly log = new Logger('Retention');

  constructor(
    private readonly ds: DataSource,
    private readonly scheduled: ScheduledJobs,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  onModuleInit(): void {
    this.scheduled.register({ name: 'retention', everyMs: this.cfg.retention.intervalMs, run: () => this.run() });
  }

  async run(): Promise<RetentionResult> {
    const { outboxSentHours, inboxProcessedHours, clawbackRequestHours } = this.cfg.retention;
    const result: RetentionResult = {
      outbox: await this.deleteInBatches(
        `DELETE FROM outbox_events WHERE id IN (
           SELECT o.id FROM outbox_events o JOIN user_event_seqs s ON s.user_id = o.user_id
            WHERE o.created_at < now() - make_interval(hours => $1) AND o.seq <= s.sent_seq LIMIT ${BATCH})`,
        [outboxSentHours],
      ),
      inbox: await this.deleteInBatches(
        `DELETE FROM webhook_events WHERE id IN (SELECT id FROM webhook_events WHERE status IN ('PROCESSED', 'IGNORED') AND processed_at < now() - make_interval(hours => $1) LIMIT ${BATCH})`,
        [inboxProcessedHours],
      ),
      idempotencyKeys: await this.deleteInBatches(
        `DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1) LIMIT ${BATCH})`,
        [IDEMPOTENCY_TTL_MS / 1000],
      ),
      clawbackRequests: await this.deleteInBatches(
        `DELETE FROM clawback_requests WHERE ctid IN (SELECT ctid FROM clawback_requests WHERE created_at < now() - make_interval(hours => $1) LIMIT ${BATCH})`,
        [clawbackRequestHours],
      ),
    };
    if (result.outbox || result.inbox || result.idempotencyKeys || result.clawbackRequests) {
      this.log.log(
        `deleted ${result.outbox} sent outbox row(s), ${result.inbox} processed inbox row(s), ${result.idempotencyKeys} expired idempotency key(s), ${result.clawbackRequests} old clawback request record(s)`,
      );
    }
    return result;
  }

  private async deleteInBatches(sql: string, params: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const [, affected] = (await this.ds.query(sql, params)) as [unknown, number];
      total += affected;
      if (affected < BATCH) return total;
    }
  }
}
