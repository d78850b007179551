import { Logger } from '@nestjs/common';
import { Client } from 'pg';

export const OUTBOX_CHANNEL = 'outbox_events';

/**
 * A dedicated Postgres connection LISTENing on `outbox_events` (the trigger NOTIFYs at commit), so a relay
 * wakes up for rows committed by any process. Reconnects with a delay; calls `onWake` after every
 * (re)connect too, since notifications sent while disconnected are lost.
 */
export class OutboxNotifyListener {
  private readonly log = new Logger(OutboxNotifyListener.name);
  private client?: Client;
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly onWake: () => void,
  ) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'collabpay:outbox-listener' });
    this.client = client;
    const lost = (why: string) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      this.log.warn(`outbox listener ${why}; reconnecting (the poll covers the gap)`);
      this.retry = setTimeout(() => void this.connect(), 2_000);
      this.retry.unref();
    };
    client.on('error', (e) => lost(`failed: ${e.message}`));
    client.on('end', () => lost('closed'));
    client.on('notification', () => this.onWake());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      if (this.client === client) this.onWake();
    } catch (e) {
      lost(`could not connect: ${(e as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    if (c) await c.end().catch(() => undefined);
  }
}
