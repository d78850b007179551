/**
 * The emulated clock: real time plus whatever `advance` added. Every time-based behaviour of the emulator (funds
 * availability, payout arrival, automatic payouts, webhook retries, requirement deadlines, subscription periods,
 * idempotency-key expiry, account-link expiry) reads `nowMs()` and schedules its work with `at`/`schedule`, so a
 * test moves days ahead in one call instead of sleeping.
 */

interface Timer {
  id: number;
  dueAt: number;
  fn: () => void;
  /** recurring work (automatic payouts, deadline checks): runs only when the clock really passes its due time */
  background: boolean;
}

/** the longest delay Node's setTimeout takes (longer ones fire at once) */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class Clock {
  private offsetMs = 0;
  private timers: Timer[] = [];
  private seq = 0;
  private handle: NodeJS.Timeout | null = null;
  closed = false;

  constructor(private readonly logger: (msg: string) => void) {}

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }
  /** unix seconds */
  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** Run `fn` when the clock reaches `dueAtMs`; returns a cancel function. */
  at(dueAtMs: number, fn: () => void, opts: { background?: boolean } = {}): () => void {
    const t: Timer = { id: ++this.seq, dueAt: dueAtMs, fn, background: !!opts.background };
    if (this.closed) return () => {};
    this.timers.push(t);
    this.arm();
    return () => {
      this.timers = this.timers.filter((x) => x !== t);
      this.arm();
    };
  }
  schedule(delayMs: number, fn: () => void, opts: { background?: boolean } = {}): () => void {
    return this.at(this.nowMs() + Math.max(0, delayMs), fn, opts);
  }

  /** pending timers (for tests and diagnostics) */
  pending(): number {
    return this.timers.length;
  }

  private next(limit: number | undefined, includeBackground: boolean): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) {
      if (!includeBackground && t.background) continue;
      if (limit !== undefined && t.dueAt > limit) continue;
      if (!best || t.dueAt < best.dueAt || (t.dueAt === best.dueAt && t.id < best.id)) best = t;
    }
    return best;
  }

  private fire(t: Timer): void {
    const i = this.timers.indexOf(t);
    if (i < 0) return;
    this.timers.splice(i, 1);
    try {
      t.fn();
    } catch (e) {
      this.logger(`timer failed: ${(e as Error).stack ?? String(e)}`);
    }
  }

  /** one real timer for the earliest due time, so real time keeps running the clock too */
  private arm(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
    if (this.closed) return;
    const first = this.next(undefined, true);
    if (!first) return;
    const delay = Math.min(MAX_TIMEOUT_MS, Math.max(0, first.dueAt - this.nowMs()));
    this.handle = setTimeout(() => {
      this.handle = null;
      this.runDue(this.nowMs());
    }, delay);
    this.handle.unref?.();
  }

  private runDue(limit: number): void {
    for (let guard = 0; guard < 100000; guard++) {
      const due = this.next(limit, true);
      if (!due) break;
      this.fire(due);
    }
    this.arm();
  }

  /**
   * Move the clock forward by `ms` and run what became due, in order, each at its own time (the clock steps to a
   * timer's due time before it runs, so timers scheduled by timers inside the window run too).
   * Without `ms`: run every pending one-off timer now, without moving the clock (recurring background work such as
   * automatic payouts is left to the clock).
   */
  advance(ms?: number): void {
    if (ms === undefined) {
      for (let guard = 0; guard < 100000; guard++) {
        const due = this.next(undefined, false);
        if (!due) break;
        this.fire(due);
      }
      this.arm();
      return;
    }
    this.advanceTo(this.nowMs() + Math.max(0, ms));
  }

  /** Move the clock to `targetMs` (never backwards), running everything due on the way. */
  advanceTo(targetMs: number): void {
    for (let guard = 0; guard < 100000; guard++) {
      const due = this.next(targetMs, true);
      if (!due) break;
      if (due.dueAt > this.nowMs()) this.offsetMs += due.dueAt - this.nowMs();
      this.fire(due);
    }
    if (targetMs > this.nowMs()) this.offsetMs += targetMs - this.nowMs();
    this.arm();
  }

  stop(): void {
    this.closed = true;
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
    this.timers = [];
  }
}
