/** Money over time for the overview chart: continuous buckets (days, or weeks for long spans), zeros included. */
export interface Dated {
  at: string; // ISO timestamp
  amount: number; // minor units
}

export interface Bucket {
  start: string; // YYYY-MM-DD (UTC)
  amount: number;
  cumulative: number;
}

const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const startOfDay = (ms: number) => Math.floor(ms / DAY) * DAY;

/**
 * Buckets from the first entry (or `minDays` before `now`, whichever is earlier) to `now`: one per day up to 31
 * days, else one per week (weeks start on the first day), capped at `maxBuckets` (the oldest are folded into the
 * running total). An empty input gives an empty series.
 */
export function earningsOverTime(entries: Dated[], now = Date.now(), opts: { minDays?: number; maxBuckets?: number } = {}): Bucket[] {
  const { minDays = 14, maxBuckets = 26 } = opts;
  const valid = entries.filter((e) => Number.isFinite(Date.parse(e.at)) && e.amount !== 0);
  if (valid.length === 0) return [];
  const today = startOfDay(now);
  const first = Math.min(today - (minDays - 1) * DAY, ...valid.map((e) => startOfDay(Date.parse(e.at))));
  const spanDays = Math.round((today - first) / DAY) + 1;
  const size = spanDays <= 31 ? DAY : 7 * DAY;
  const count = Math.ceil((today + DAY - first) / size);
  const amounts = new Array<number>(count).fill(0);
  for (const e of valid) {
    const i = Math.min(count - 1, Math.max(0, Math.floor((startOfDay(Date.parse(e.at)) - first) / size)));
    amounts[i] += e.amount;
  }
  let running = 0;
  const all = amounts.map((amount, i) => {
    running += amount;
    return { start: dayOf(first + i * size), amount, cumulative: running };
  });
  return all.slice(-maxBuckets);
}
