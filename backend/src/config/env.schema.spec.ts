import { loadConfig } from './env.schema';

const base = {
  DATABASE_URL: 'postgres://u:p@localhost:5432/db',
  STRIPE_SECRET_KEY: 'sk_test_abc',
  STRIPE_PUBLISHABLE_KEY: 'pk_test_abc',
  STRIPE_WEBHOOK_SECRET: 'whsec_abc',
};

describe('configuration', () => {
  it('loads defaults', () => {
    const c = loadConfig(base);
    expect(c.port).toBe(3000);
    expect(c.platformFeeBps).toBe(1000);
    expect(c.stripe.mode).toBe('test');
    expect(c.stripe.connectWebhookSecret).toBe('whsec_abc');
  });

  it('names every missing or malformed variable', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT must be an integer[\s\S]*DATABASE_URL is required[\s\S]*STRIPE_SECRET_KEY is required/);
    expect(() => loadConfig({ ...base, DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must use postgres/);
    expect(() => loadConfig({ ...base, PLATFORM_FEE_BPS: '99999' })).toThrow(/PLATFORM_FEE_BPS/);
    expect(() => loadConfig({ ...base, RUN_WORKER: 'maybe' })).toThrow(/RUN_WORKER/);
  });

  it('runs the queue workers in the API process by default only outside production', () => {
    const prod = { ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) };
    expect(loadConfig({ ...base, NODE_ENV: 'development' }).runWorker).toBe(true);
    expect(loadConfig({ ...base, NODE_ENV: 'test' }).runWorker).toBe(true);
    expect(loadConfig(prod).runWorker).toBe(false);
    expect(loadConfig({ ...prod, RUN_WORKER: 'true' }).runWorker).toBe(true);
    expect(loadConfig({ ...base, RUN_WORKER: 'false' }).runWorker).toBe(false);
  });

  it('refuses a default or short JWT secret in production', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/JWT_SECRET must be set to a random value of at least 32/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'collabpay-dev-secret-change-me-please-0123456789' })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).nodeEnv).toBe('production');
  });

  it('detects emulator and live modes and refuses the emulator in production', () => {
    expect(loadConfig({ ...base, STRIPE_API_BASE: 'http://127.0.0.1:12111' }).stripe.mode).toBe('emulator');
    expect(loadConfig({ ...base, STRIPE_SECRET_KEY: 'sk_live_x' }).stripe.mode).toBe('live');
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), STRIPE_API_BASE: 'http://127.0.0.1:1' })).toThrow(/emulator/);
  });

  it('scale-out: DATABASE_DIRECT_URL defaults to DATABASE_URL; relay partitions and socket adapter are checked', () => {
    const c = loadConfig(base);
    expect(c.databaseDirectUrl).toBe(base.DATABASE_URL);
    expect(c.realtime).toEqual({ relayPartitions: 16, socketAdapter: 'sharded' });
    const bounced = loadConfig({ ...base, DATABASE_URL: 'postgres://u@pgbouncer:6432/db', DATABASE_DIRECT_URL: 'postgres://u@db:5432/db' });
    expect([bounced.databaseUrl, bounced.databaseDirectUrl]).toEqual(['postgres://u@pgbouncer:6432/db', 'postgres://u@db:5432/db']);
    expect(loadConfig({ ...base, RELAY_PARTITIONS: '64', SOCKET_ADAPTER: 'classic' }).realtime).toEqual({ relayPartitions: 64, socketAdapter: 'classic' });
    expect(() => loadConfig({ ...base, DATABASE_DIRECT_URL: 'mysql://x' })).toThrow(/DATABASE_DIRECT_URL must use postgres/);
    expect(() => loadConfig({ ...base, RELAY_PARTITIONS: '0' })).toThrow(/RELAY_PARTITIONS must be between 1 and 1024/);
    // clawback request records must outlive the 24 h Idempotency-Key they answer for
    expect(() => loadConfig({ ...base, CLAWBACK_REQUEST_RETENTION_HOURS: '24' })).toThrow(/CLAWBACK_REQUEST_RETENTION_HOURS must be between 48/);
    expect(loadConfig({ ...base, CLAWBACK_REQUEST_RETENTION_HOURS: '48' }).retention.clawbackRequestHours).toBe(48);
    expect(loadConfig(base).retention.clawbackRequestHours).toBe(720);
    expect(() => loadConfig({ ...base, SOCKET_ADAPTER: 'cluster' })).toThrow(/SOCKET_ADAPTER must be one of sharded, classic/);
  });
});
