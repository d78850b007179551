import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { OutboxService } from '../outbox/outbox.service';
import { OutboxNotifyListener } from './outbox-notify.listener';
import { OutboxEventRepository, RelayMember } from './outbox-event.repository';
import { RELAY_BATCH, RELAY_MEMBER_TTL_MS, RELAY_POLL_MS, RELAY_TAKEOVER_MS } from './realtime.constants';
import type { OutboxEventRow } from './realtime-event';

export type RelayEmit = (rows: OutboxEventRow[]) => void;

/** What this relay has done since it started (for tests and the curious). */
export interface RelayStats {
  /** Rows emitted per partition. */
  sentByPartition: Map<number, number>;
}

/**
 * Moves committed outbox rows to sockets, partitioned by user (RELAY_PARTITIONS) so that several instances share
 * the work. Each relay heartbeats in `outbox_relay_members`; partition p is preferred by the live member
 * `p mod n` (members sorted by id), and any relay also takes a partition whose oldest unsent row waited longer
 * than RELAY_TAKEOVER_MS (its preferred relay died, or is slow). Who relays a partition at a given moment is
 * decided by a transaction-level advisory lock per partition (see OutboxEventRepository.relayStep): the
 * preference only spreads the work, the locks keep one relay per partition at a time.
 *
 * Woken by `OutboxService.committed` (same process), by the `outbox_events` NOTIFY that a trigger sends at commit
 * (any process, e.g. a queue worker; LISTEN runs on DATABASE_DIRECT_URL), by a poll (a lost notification, rows
 * left unsent by a crash or a failed pass, a partition handed over) and once at start-up. One pass at a time per
 * process.
 */
@Injectable()
export class OutboxRelay implements OnModuleDestroy {
  private readonly log = new Logger(OutboxRelay.name);
  readonly instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly partitions: number;
  readonly stats: RelayStats = { sentByPartition: new Map() };
  private members: RelayMember[] = [];
  private emit?: RelayEmit;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private heartbeating?: Promise<void>;
  private again = false;
  /** The next pass also looks for partitions to take over (set by the poll). */
  private scanNext = true;
  private stopped = true;
  private lastErrorAt = 0;
  private warnedMismatch = false;
  private readonly onCommitted = () => void this.kick();
  private readonly listener: OutboxNotifyListener;

  constructor(
    @Inject(APP_CONFIG) cfg: AppConfig,
    private readonly outbox: OutboxService,
    private readonly repo: OutboxEventRepository,
  ) {
    this.partitions = cfg.realtime.relayPartitions;
    this.listener = new OutboxNotifyListener(cfg.databaseDirectUrl, this.onCommitted);
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
    void this.poll();
  }

  /** Stops waking up, waits for a pass in flight (its rows are committed as sent or stay unsent), and leaves. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.outbox.committed.off('rows', this.onCommitted);
    await this.listener.stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([this.running, this.heartbeating]); // a heartbeat landing after the leave would undo it
    this.members = [];
    await this.repo.leave(this.instanceId).catch(() => undefined); // else the others wait for the ttl
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

  /** The partitions this relay prefers among the live members (all of them when it is alone or knows of none). */
  preferred(): number[] {
    const n = this.members.length;
    const me = this.members.findIndex((m) => m.instanceId === this.instanceId);
    const all = Array.from({ length: this.partitions }, (_, p) => p);
    return n === 0 || me < 0 ? all : all.filter((p) => p % n === me);
  }

  private async poll(): Promise<void> {
    if (this.stopped || this.heartbeating) return;
    this.heartbeating = this.repo
      .heartbeat(this.instanceId, this.partitions, RELAY_MEMBER_TTL_MS)
      .then((members) => {
        if (this.stopped) return;
        this.members = members;
        this.checkPartitionCount();
      })
      .catch((e) => this.reportError(e))
      .finally(() => (this.heartbeating = undefined));
    await this.heartbeating;
    this.scanNext = true;
    await this.kick();
  }

  /**
   * A pass woken by a commit or a NOTIFY goes straight to this relay's preferred partitions (a step over a
   * partition with nothing unsent costs no more than a look at which have some); the poll also looks for
   * partitions to take over (oldest unsent row older than RELAY_TAKEOVER_MS: their relay died or is stuck).
   */
  private async drain(): Promise<void> {
    do {
      this.again = false;
      const scan = this.scanNext;
      this.scanNext = false;
      try {
        let wanted = this.preferred();
        if (scan) {
          const mine = new Set(wanted);
          const pending = await this.repo.pendingPartitions(this.partitions);
          wanted = pending.filter((p) => mine.has(p.partition) || p.oldestMs >= RELAY_TAKEOVER_MS).map((p) => p.partition);
        }
        if (wanted.length) await this.relay(wanted);
      } catch (e) {
        this.reportError(e); // rows stay unsent; the poll retries
        return;
      }
    } while (this.again && !this.stopped);
  }

  /**
   * Steps over the wanted partitions while there is work: rows numbered by a step are emitted by the next one, and
   * a full batch means there may be more. A commit that lands after a step read its partitions wakes the relay
   * again (`again`), so a step that numbered nothing and sent less than a batch ends the pass.
   */
  private async relay(wanted: number[]): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const step = await this.repo.relayStep(this.partitions, wanted, RELAY_BATCH, this.emit!);
      for (const p of step.sentPartitions) this.stats.sentByPartition.set(p, (this.stats.sentByPartition.get(p) ?? 0) + 1);
      if (step.numbered === 0 && step.sent < RELAY_BATCH) return;
      wanted = step.locked;
    }
  }

  private checkPartitionCount(): void {
    const other = this.members.find((m) => m.partitions !== this.partitions);
    if (!other || this.warnedMismatch) return;
    this.warnedMismatch = true;
    this.log.error(`relay ${other.instanceId} uses RELAY_PARTITIONS=${other.partitions}, this one ${this.partitions}: every instance must use the same value`);
  }

  private reportError(e: unknown): void {
    const now = Date.now();
    if (now - this.lastErrorAt < 10_000) return;
    this.lastErrorAt = now;
    this.log.warn(`outbox relay failed, will retry: ${(e as Error).message}`);
  }
}
