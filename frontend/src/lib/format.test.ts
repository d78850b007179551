import { formatDate, formatShortDayUtc } from './format';

const days = (from: number, count: number, step: number) => Array.from({ length: count }, (_, i) => new Date(from + i * step));

describe('day formats written without Intl', () => {
  const dates = [...days(Date.UTC(2024, 0, 1, 0, 30), 400, 86_400_000 + 3_600_000), ...days(Date.UTC(1999, 11, 31, 23, 59), 30, 37 * 86_400_000)];

  it('formatDate gives what toLocaleDateString("en-US", {dateStyle: "medium"}) gives', () => {
    for (const d of dates) expect(formatDate(d.toISOString())).toBe(d.toLocaleDateString('en-US', { dateStyle: 'medium' }));
  });

  it('formatShortDayUtc gives what toLocaleDateString("en-US", {month: "short", day: "numeric", timeZone: "UTC"}) gives', () => {
    for (const d of dates) {
      const day = d.toISOString().slice(0, 10);
      expect(formatShortDayUtc(day)).toBe(new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }));
    }
  });

  it('keeps the placeholders for missing and unreadable values', () => {
    expect(formatDate(null)).toBe('—');
    expect(formatDate('')).toBe('—');
    expect(formatDate('not a date')).toBe('not a date');
    expect(formatShortDayUtc('garbage')).toBe('garbage');
  });
});
