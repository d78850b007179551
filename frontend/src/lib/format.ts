/**
 * Date helpers for display (UTC ISO strings from the API).
 *
 * The day formats are written without Intl (same text as `toLocaleDateString('en-US', …)`, format.test.ts checks it):
 * a page's first Intl date format loads ICU's calendar data and blocks the main thread for tens of milliseconds
 * (several times that on a phone) on screens that only list a few dates. Date-times still use Intl.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

/** "Nov 29, 2026" in the browser's time zone (`toLocaleDateString('en-US', {dateStyle: 'medium'})`). */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const year = d.getFullYear();
  if (year < 1000 || year > 9999) return d.toLocaleDateString('en-US', { dateStyle: 'medium' });
  return `${MONTHS[d.getMonth()]} ${d.getDate()}, ${year}`;
}

/** "Nov 29" for a UTC day "2026-11-29" (`toLocaleDateString('en-US', {month: 'short', day: 'numeric', timeZone: 'UTC'})`). */
export function formatShortDayUtc(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}
