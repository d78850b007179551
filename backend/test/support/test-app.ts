import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/env.schema';
import { AuthService } from '../../src/modules/auth/auth.service';
import { startStripeEmulator, StripeEmulator, StripeEmulatorOptions } from '@collabpay/stripe-emulator';
import { createTestDatabase } from './database';
import { TEST_REDIS_URL } from './env';
import { HttpClient } from './http';

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: 'company' | 'influencer' | 'admin';
  token: string;
}

export interface TestContext {
  app: NestExpressApplication;
  config: AppConfig;
  baseUrl: string;
  http: HttpClient;
  db: DataSource;
  databaseUrl: string;
  emulator: StripeEmulator;
  stripe: Stripe;
  /** Registers a company or influencer through the API (or an admin through the service) and returns its token. */
  user(role: 'company' | 'influencer' | 'admin', name?: string): Promise<TestUser>;
  close(): Promise<void>;
}

export interface TestContextOptions {
  label?: string;
  env?: Record<string, string>;
  emulator?: Partial<StripeEmulatorOptions>;
  /** Use an existing database (e.g. to start a second instance on the same data). */
  databaseUrl?: string;
  /** Reuse another context's emulator (second instance tests). */
  sharedEmulator?: StripeEmulator;
  queuePrefix?: string;
}

let seq = 0;

/** A real server on a free port: its own database, its own queue prefix in the real Redis, its own Stripe emulator. */
export async function createTestContext(opts: TestContextOptions = {}): Promise<TestContext> {
  const label = opts.label ?? 'ctx';
  const database = opts.databaseUrl ? undefined : await createTestDatabase(label);
  const databaseUrl = opts.databaseUrl ?? database!.url;
  const webhookSecret = 'whsec_test_platform_' + Math.random().toString(36).slice(2);
  const connectSecret = 'whsec_test_connect_' + Math.random().toString(36).slice(2);
  const ownEmulator = !opts.sharedEmulator;
  const emulator =
    opts.sharedEmulator ??
    (await startStripeEmulator({
      port: 0,
      // Stripe's rules as they are: card funds pending ~2 days (availableMs default), connected accounts on Stripe's
      // default daily automatic payouts unless created otherwise (the server creates them on manual payouts)
      delays: { payoutMs: 300, processingMs: 200 },
      ...opts.emulator,
    }));
  const queuePrefix = opts.queuePrefix ?? `cptest:${process.env.COLLABPAY_TEST_RUN_ID}:${process.pid}:${++seq}:${label}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    STRIPE_SECRET_KEY: emulator.secretKey,
    STRIPE_PUBLISHABLE_KEY: emulator.publishableKey,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_CONNECT_WEBHOOK_SECRET: connectSecret,
    STRIPE_API_BASE: emulator.url,
    AUTH_RATE_LIMIT: '100000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    SERVE_SPA: 'false',
    // the auto-release pass runs when a test asks (POST /api/admin/jobs/auto-release/run); workflow tests turn the schedule on
    AUTO_RELEASE_INTERVAL_MS: '0',
    ...opts.env,
  };
  const config = loadConfig(env);
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  config.publicUrl = baseUrl;
  if (ownEmulator) {
    emulator.addWebhookEndpoint({ url: `${baseUrl}/api/payments/webhook`, secret: webhookSecret, connect: false });
    emulator.addWebhookEndpoint({ url: `${baseUrl}/api/payments/webhook`, secret: connectSecret, connect: true });
  }
  const stripe = new Stripe(emulator.secretKey, { ...emulator.sdkOptions(), maxNetworkRetries: 0 });
  const http = new HttpClient(baseUrl);
  const db = app.get(DataSource);
  let n = 0;
  const ctx: TestContext = {
    app,
    config,
    baseUrl,
    http,
    db,
    databaseUrl,
    emulator,
    stripe,
    async user(role, name) {
      const email = `${role}-${++n}-${Math.random().toString(36).slice(2, 8)}@test.collabpay.dev`;
      const password = 'correct-horse-battery';
      if (role === 'admin') {
        const u = await app.get(AuthService).upsertUser({ email, password, name: name ?? 'Admin', role: 'admin' });
        const login = await http.post('/api/auth/login', { email, password });
        return { ...u, token: login.body.accessToken };
      }
      const res = await http.post('/api/auth/register', { email, password, name: name ?? `${role} ${n}`, role });
      if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { ...res.body.user, token: res.body.accessToken };
    },
    async close() {
      await app.close();
      if (ownEmulator) await emulator.close();
      await database?.drop();
    },
  };
  return ctx;
}

/** Polls until `check` returns a truthy value (or throws after `timeoutMs`). For async effects such as webhooks. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
