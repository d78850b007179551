import { statusLabel } from '../../../lib/labels';
import type { Milestone } from '../../../types/api';

/** A milestone's status in plain words, from the point of view of who is reading. */
export function milestoneStatusWords(m: Milestone, viewer: 'company' | 'influencer' | 'other'): string {
  switch (m.status) {
    case 'PENDING':
      return viewer === 'influencer' ? 'Not submitted yet' : 'Waiting for the work';
    case 'SUBMITTED':
      return viewer === 'company' ? 'Submitted: waiting for your review' : 'Submitted: waiting for review';
    case 'CHANGES_REQUESTED':
      return viewer === 'influencer' ? 'Changes requested: resubmit when ready' : 'Changes requested';
    case 'RELEASED':
      return 'Approved and paid out';
    case 'DISPUTED':
      return 'Frozen by a dispute';
    case 'REFUNDED':
      return 'Refunded to the company';
    default:
      return m.status ? statusLabel('milestone', m.status).label : '—';
  }
}

/** "2 days 4 hours", "3 hours 12 minutes", "5 minutes", or null once due. */
export function timeLeft(dueIso: string, now: number): string | null {
  const ms = new Date(dueIso).getTime() - now;
  if (!(ms > 0)) return null;
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (days > 0) return hours > 0 ? `${part(days, 'day')} ${part(hours, 'hour')}` : part(days, 'day');
  if (hours > 0) return `${part(hours, 'hour')} ${part(mins, 'minute')}`;
  return minutes > 0 ? part(minutes, 'minute') : 'less than a minute';
}

function isWebAddress(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The links a person typed, one per line; invalid ones are reported. At most 10, http(s) only. */
export function parseLinks(text: string): { links: string[]; error?: string } {
  const links = text
    .split(/\s+/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (links.length > 10) return { links, error: 'At most 10 links' };
  for (const l of links) {
    if (!isWebAddress(l)) return { links, error: `Not a web address: ${l} (start it with https://)` };
  }
  return { links };
}
