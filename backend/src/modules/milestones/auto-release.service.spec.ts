import { resolveAsOf } from './auto-release.service';

describe('auto-release asOf', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  it('defaults to now', () => {
    expect(resolveAsOf(undefined, 'production', now)).toBe(now);
    expect(resolveAsOf(undefined, 'test', now)).toBe(now);
  });
  it('is taken outside production', () => {
    expect(resolveAsOf('2030-02-01T00:00:00Z', 'development', now).toISOString()).toBe('2030-02-01T00:00:00.000Z');
    expect(resolveAsOf('2030-02-01T00:00:00Z', 'test', now).toISOString()).toBe('2030-02-01T00:00:00.000Z');
  });
  it('is refused in production with 400 AS_OF_NOT_ALLOWED', () => {
    expect(() => resolveAsOf('2030-02-01T00:00:00Z', 'production', now)).toThrow(expect.objectContaining({ code: 'AS_OF_NOT_ALLOWED' }));
  });
  it('refuses instants PostgreSQL cannot hold', () => {
    expect(() => resolveAsOf('+275760-09-13T00:00:00Z', 'test', now)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
