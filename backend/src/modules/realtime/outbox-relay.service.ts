import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { OutboxService } from '../outbox/outbox.service';
import { OutboxNotifyListener } from './outbox-notify.listener';
import { OutboxEventRepository } from './outbox-event.repository';
import { RELAY_BATCH, RELAY_POLL_MS } from './realtime.constants';
import type { OutboxEventRow } from './realtime-event';

export type RelayEmit = (rows: OutboxEventRow[]) => void;

/**
 * Moves committed outbox rows to sockets. Woken by `OutboxService.committed` (same process), by the
 * `outbox_events` NOTIFY that a trigger sends at commit (any process, e.g. a queue worker), by a poll (a lost
 * notification, rows left unsent by a crash or a failed pass) and once at start-up. Runs at most one pass
 * at a time per process; across processes the repository's advisory lock serialises passes. Each pass gives
 * the rows it found their per-user seq (in id order among the rows visible at that moment) before sending them,
 * so seq order is send order and a row is never sent with two different seqs.
 */
@Injectable()
export class OutboxRelay implements OnModuleDestroy {
  private readonly log = new Logger(OutboxRelay.name);
  private emit?: RelayEmit;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  private lastErrorAt = 0;
  private readonly onCommitted = () => void this.kick();
  private readonly listener: OutboxNotifyListener;

  constructor(
    @Inject(APP_CONFIG) cfg: AppConfig,
    private readonly outbox: OutboxService,
    private readonly repo: OutboxEventRepository,
  ) {
    this.listener = new OutboxNotifyListener(cfg.databaseUrl, this.onCommitted);
  }

  /** Called by the gateway once the namespace exists. Relays whatever a previous run left unsent. */
  start(emit: RelayEmit): void {
    this.emit = emit;
    if (!this.stopped) return;
    this.stopped = false;
    this.outbox.committed.on('rows', this.onCommitted);
    this.listener.start();
    this.timer = setInterval(() => void this.poll(), RELAY_POLL_MS);
    this.timer.unref();
    this.kick();
  }

  /** Stops waking up and waits for a pass in flight (its rows are committed as sent or stay unsent). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.outbox.committed.off('rows', this.onCommitted);
    await this.listener.stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Runs a pass now, or right after the one in flight (a commit may have landed after it read). */
  kick(): Promise<void> {
    if (this.stopped || !this.emit) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async poll(): Promise<void> {
    if (this.running || this.stopped) return;
    try {
      if (await this.repo.hasUnsent()) await this.kick();
    } catch (e) {
      this.reportError(e);
    }
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      try {
        while (!this.stopped && (await this.repo.relayBatch(RELAY_BATCH, this.emit!)) === RELAY_BATCH);
      } catch (e) {
        this.reportError(e); // rows stay unsent; the poll retries
        return;
      }
    } while (this.again && !this.stopped);
  }

  private reportError(e: unknown): void {
    const now = Date.now();
    if (now - this.lastErrorAt < 10_000) return;
    this.lastErrorAt = now;
    this.log.warn(`outbox relay failed, will retry: ${(e as Error).message}`);
  }
}
