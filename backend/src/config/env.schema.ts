/**
 * Every environment variable the server reads, validated once at boot.
 * A missing or malformed variable stops start-up with a message naming it.
 * Keep `.env.example` in step with this file.
 */
export type StripeMode = 'emulator' | 'test' | 'live';

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  databaseUrl: string;
  /**
   * A direct PostgreSQL connection (not through a transaction-pooling PgBouncer), for what needs a session:
   * LISTEN (the outbox relay's wake-up) and migrations. Defaults to DATABASE_URL. DATABASE_DIRECT_URL
   */
  databaseDirectUrl: string;
  redisUrl: string;
  realtime: RealtimeConfig;
  queuePrefix: string;
  jwtSecret: string;
  jwtExpiresIn: number; // seconds
  authRateLimit: { points: number; windowSeconds: number };
  /** How long an instance trusts its last look at a token's user (role, existence) and revocation, in ms. AUTH_SESSION_CACHE_MS */
  authSessionCacheMs: number;
  /** Weakest accepted password on the zxcvbn-ts 0..4 scale. PASSWORD_MIN_SCORE */
  passwordMinScore: number;
  stripe: {
    mode: StripeMode;
    secretKey: string;
    publishableKey: string;
    webhookSecret: string;
    connectWebhookSecret: string;
    apiBase?: string; // emulator base URL
    stripeJsUrl?: string;
  };
  platformFeeBps: number;
  payoutMinAmount: number;
  /** Resolve unfinished payouts (ask Stripe) every this many ms where RUN_SCHEDULERS=true (0 = off). PAYOUT_RECONCILE_INTERVAL_MS */
  payoutReconcileIntervalMs: number;
  /** Refund reservations whose request died are resolved (ask Stripe) every this many ms (0 = off). REFUND_RECONCILE_INTERVAL_MS */
  refundReconcileIntervalMs: number;
  /** A refund reservation this old has no request still waiting on Stripe: reconciliation may resolve it. REFUND_RESERVATION_STALE_MS */
  refundReservationStaleMs: number;
  maxPaymentAmount: number;
  /** The collaboration workflow (deliverables, review, auto-release). */
  workflow: WorkflowConfig;
  /** Consume the queues in this process. RUN_WORKER; default false in production (workers run as `npm run worker`), true otherwise. */
  runWorker: boolean;
  runSchedulers: boolean;
  webhooks: WebhookConfig;
  retention: RetentionConfig;
  serveSpa: boolean;
  spaDir?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  logFormat: 'json' | 'pretty';
  mail: MailConfig;
}

/** Email notifications (nodemailer over SMTP). Without SMTP_URL they are off. */
export interface MailConfig {
  /** smtp:// or smtps:// URL with credentials; `npm start` sets it to its local mail catcher when unset. SMTP_URL */
  smtpUrl?: string;
  /** The From header. MAIL_FROM */
  from: string;
  /** How often the dispatcher looks for unsent email besides being woken by commits (0 = only when woken). MAIL_POLL_MS */
  pollMs: number;
  /** First retry delay of a failed send; doubles each attempt. MAIL_BACKOFF_MS */
  backoffMs: number;
  /** A send claimed this long ago by a process that never finished it is claimed again. MAIL_CLAIM_TIMEOUT_MS */
  claimTimeoutMs: number;
}

export interface WorkflowConfig {
  /** Default review period of a submitted milestone, in days (a proposal may set 1..30). REVIEW_PERIOD_DAYS */
  reviewPeriodDays: number;
  /** Change requests allowed per milestone. MAX_CHANGE_REQUESTS */
  maxChangeRequests: number;
  /** Run the auto-release pass every this many ms where RUN_SCHEDULERS=true (0 = off). AUTO_RELEASE_INTERVAL_MS */
  autoReleaseIntervalMs: number;
  /** The company is emailed this many hours before a submitted milestone is released automatically. AUTO_RELEASE_REMINDER_HOURS */
  autoReleaseReminderHours: number;
}

/** Scale-out of the realtime side (see README "Scaling out"). */
export interface RealtimeConfig {
  /** Users are split into this many relay partitions by a hash of their id; every instance must use the same value. RELAY_PARTITIONS */
  relayPartitions: number;
  /** Socket.io adapter: `sharded` (Redis 7 sharded pub/sub, an emit only reaches instances with the room) or `classic`. SOCKET_ADAPTER */
  socketAdapter: 'sharded' | 'classic';
}

/** The Stripe webhook pipeline (inbox, queue processor, sweeper, reconciliation). */
export interface WebhookConfig {
  /** Re-enqueue inbox rows still RECEIVED after `staleMs` every this many ms (0 = off). WEBHOOK_SWEEP_INTERVAL_MS */
  sweepIntervalMs: number;
  /** Pull recent events from Stripe's Events API into the inbox every this many ms (0 = off). WEBHOOK_RECONCILE_INTERVAL_MS */
  reconcileIntervalMs: number;
  /** How far back the first reconciliation after start looks, in seconds. WEBHOOK_RECONCILE_LOOKBACK_S */
  reconcileLookbackS: number;
  /** A RECEIVED row younger than this is left to the queue. WEBHOOK_STALE_MS */
  staleMs: number;
  /** Processing attempts per event before it is FAILED. WEBHOOK_MAX_ATTEMPTS */
  maxAttempts: number;
  /** First retry delay; doubles with every attempt. WEBHOOK_BACKOFF_MS */
  backoffMs: number;
  /** Events processed at once per process. WEBHOOK_CONCURRENCY */
  concurrency: number;
  /** Bull job lock; a dead worker's job is retried after it expires. WEBHOOK_JOB_LOCK_MS */
  jobLockMs: number;
  /** Run a catch-up reconciliation at start (events sent while the server was down). WEBHOOK_RECONCILE_ON_START */
  reconcileOnStart: boolean;
  /** A job also applies up to this many other waiting events in its transaction: set-based for types with a batch applier (payment_intent.succeeded), savepoints otherwise (1 = one event per transaction). WEBHOOK_BATCH_SIZE (default 250) */
  batchSize: number;
  /** Ingest enqueues ONE Bull job per flush carrying the flush's event ids (false = one job per event). WEBHOOK_FLUSH_JOBS */
  flushJobs: boolean;
}

/** What the `retention` job deletes (idempotency keys go once past their 24 h lifetime). */
export interface RetentionConfig {
  /** Run the retention job every this many ms (0 = off). RETENTION_INTERVAL_MS */
  intervalMs: number;
  /** Delete sent outbox rows written this many hours ago (clients `sync` within this window). OUTBOX_RETENTION_HOURS */
  outboxSentHours: number;
  /** Delete inbox rows PROCESSED/IGNORED this many hours ago (longer than Stripe's retries and the reconciliation look-back). WEBHOOK_INBOX_RETENTION_HOURS */
  inboxProcessedHours: number;
  /**
   * Delete clawback request records (the Idempotency-Key digests of finished clawbacks) this many hours ago. At
   * least 48: a key answers for 24 h and its record is written after its first request, so every retry within the
   * key's life still finds it. CLAWBACK_REQUEST_RETENTION_HOURS
   */
  clawbackRequestHours: number;
}

export class ConfigError extends Error {}

const DEFAULT_DEV_JWT_SECRET = 'collabpay-dev-secret-change-me-please-0123456789';

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, def?: string): string {
  const v = env[name];
  if (v === undefined || v === '') {
    if (def === undefined) throw new ConfigError(`${name} is required`);
    return def;
  }
  return v;
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${raw}`);
  return n;
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], def: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  return raw as T;
}

function url(env: Env, name: string, protocols: string[], def?: string): string {
  const v = str(env, name, def);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${redactUrl(v)}"`);
  }
  if (!protocols.includes(u.protocol)) throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${u.protocol}"`);
  return v;
}

export function redactUrl(v: string): string {
  return v.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

export function loadConfig(env: Env = process.env): AppConfig {
  const errors: string[] = [];
  const attempt = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof ConfigError) {
        errors.push(e.message);
        return fallback;
      }
      throw e;
    }
  };
  const nodeEnv = attempt(() => oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development'), 'development');
  const port = attempt(() => int(env, 'PORT', 3000, 0, 65535), 3000);
  const host = attempt(() => str(env, 'HOST', '0.0.0.0'), '0.0.0.0');
  const publicUrl = attempt(() => url(env, 'PUBLIC_URL', ['http:', 'https:'], `http://localhost:${port}`), '');
  const databaseUrl = attempt(() => url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']), '');
  const redisUrl = attempt(() => url(env, 'REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379'), '');
  const jwtSecret = attempt(() => {
    const s = str(env, 'JWT_SECRET', nodeEnv === 'production' ? undefined : DEFAULT_DEV_JWT_SECRET);
    if (nodeEnv === 'production' && (s === DEFAULT_DEV_JWT_SECRET || s.length < 32)) {
      throw new ConfigError('JWT_SECRET must be set to a random value of at least 32 characters in production');
    }
    return s;
  }, '');
  const secretKey = env.STRIPE_SECRET_KEY ?? '';
  const apiBase = env.STRIPE_API_BASE || undefined;
  const mode: StripeMode = apiBase ? 'emulator' : secretKey.startsWith('sk_live_') ? 'live' : 'test';
  attempt(() => {
    if (!secretKey) throw new ConfigError('STRIPE_SECRET_KEY is required (leave it unset with `npm start` to use the built-in Stripe emulator)');
    if (!/^(sk|rk)_(test|live)_\w+$/.test(secretKey)) throw new ConfigError('STRIPE_SECRET_KEY must look like sk_test_... or sk_live_...');
    if (apiBase) url(env, 'STRIPE_API_BASE', ['http:', 'https:']);
    if (nodeEnv === 'production' && mode === 'emulator') throw new ConfigError('STRIPE_API_BASE (the emulator) cannot be used in production');
  }, undefined);
  const publishableKey = attempt(() => {
    const k = str(env, 'STRIPE_PUBLISHABLE_KEY');
    if (!/^pk_(test|live)_\w+$/.test(k)) throw new ConfigError('STRIPE_PUBLISHABLE_KEY must look like pk_test_... or pk_live_...');
    return k;
  }, '');
  const webhookSecret = attempt(() => str(env, 'STRIPE_WEBHOOK_SECRET'), '');
  const connectWebhookSecret = attempt(() => str(env, 'STRIPE_CONNECT_WEBHOOK_SECRET', webhookSecret || undefined), '');
  const cfg: AppConfig = {
    nodeEnv,
    host,
    port,
    publicUrl,
    databaseUrl,
    databaseDirectUrl: attempt(() => (env.DATABASE_DIRECT_URL ? url(env, 'DATABASE_DIRECT_URL', ['postgres:', 'postgresql:']) : databaseUrl), ''),
    redisUrl,
    realtime: {
      relayPartitions: attempt(() => int(env, 'RELAY_PARTITIONS', 16, 1, 1024), 16),
      socketAdapter: attempt(() => oneOf(env, 'SOCKET_ADAPTER', ['sharded', 'classic'] as const, 'sharded'), 'sharded'),
    },
    queuePrefix: attempt(() => str(env, 'QUEUE_PREFIX', 'collabpay'), 'collabpay'),
    jwtSecret,
    jwtExpiresIn: attempt(() => int(env, 'JWT_EXPIRES_IN', 3600 * 12, 60, 3600 * 24 * 30), 3600),
    authSessionCacheMs: attempt(() => int(env, 'AUTH_SESSION_CACHE_MS', 5000, 0, 60_000), 5000),
    passwordMinScore: attempt(() => int(env, 'PASSWORD_MIN_SCORE', 3, 1, 4), 3),
    authRateLimit: {
      points: attempt(() => int(env, 'AUTH_RATE_LIMIT', 20, 1, 100000), 20),
      windowSeconds: attempt(() => int(env, 'AUTH_RATE_LIMIT_WINDOW', 60, 1, 86400), 60),
    },
    stripe: {
      mode,
      secretKey,
      publishableKey,
      webhookSecret,
      connectWebhookSecret,
      apiBase,
      stripeJsUrl: apiBase ? `${(env.STRIPE_PUBLIC_API_BASE || apiBase).replace(/\/$/, '')}/js/v3/stripe.js` : undefined,
    },
    platformFeeBps: attempt(() => int(env, 'PLATFORM_FEE_BPS', 1000, 0, 5000), 1000),
    payoutMinAmount: attempt(() => int(env, 'PAYOUT_MIN_AMOUNT', 100, 1, 1_000_000_00), 100),
    payoutReconcileIntervalMs: attempt(() => int(env, 'PAYOUT_RECONCILE_INTERVAL_MS', 60_000, 0, 86_400_000), 60_000),
    refundReconcileIntervalMs: attempt(() => int(env, 'REFUND_RECONCILE_INTERVAL_MS', 60_000, 0, 86_400_000), 60_000),
    // the Stripe client gives up after 3 attempts of 20 s: a request older than this is not waiting on Stripe any more
    refundReservationStaleMs: attempt(() => int(env, 'REFUND_RESERVATION_STALE_MS', 120_000, 0, 86_400_000), 120_000),
    maxPaymentAmount: attempt(() => int(env, 'MAX_PAYMENT_AMOUNT', 10_000_000_00, 1, Number.MAX_SAFE_INTEGER), 0),
    workflow: {
      reviewPeriodDays: attempt(() => int(env, 'REVIEW_PERIOD_DAYS', 7, 1, 30), 7),
      maxChangeRequests: attempt(() => int(env, 'MAX_CHANGE_REQUESTS', 3, 0, 100), 3),
      autoReleaseIntervalMs: attempt(() => int(env, 'AUTO_RELEASE_INTERVAL_MS', 60_000, 0, 86_400_000), 60_000),
      autoReleaseReminderHours: attempt(() => int(env, 'AUTO_RELEASE_REMINDER_HOURS', 48, 1, 720), 48),
    },
    // production runs the queue workers as their own processes (npm run worker); elsewhere the API applies events too
    runWorker: attempt(() => bool(env, 'RUN_WORKER', nodeEnv !== 'production'), true),
    runSchedulers: attempt(() => bool(env, 'RUN_SCHEDULERS', true), true),
    webhooks: {
      sweepIntervalMs: attempt(() => int(env, 'WEBHOOK_SWEEP_INTERVAL_MS', 30_000, 0, 86_400_000), 30_000),
      reconcileIntervalMs: attempt(() => int(env, 'WEBHOOK_RECONCILE_INTERVAL_MS', 300_000, 0, 86_400_000), 300_000),
      reconcileLookbackS: attempt(() => int(env, 'WEBHOOK_RECONCILE_LOOKBACK_S', 3 * 86_400, 60, 30 * 86_400), 3 * 86_400),
      staleMs: attempt(() => int(env, 'WEBHOOK_STALE_MS', 10_000, 0, 86_400_000), 10_000),
      maxAttempts: attempt(() => int(env, 'WEBHOOK_MAX_ATTEMPTS', 8, 1, 100), 8),
      backoffMs: attempt(() => int(env, 'WEBHOOK_BACKOFF_MS', 1000, 1, 3_600_000), 1000),
      concurrency: attempt(() => int(env, 'WEBHOOK_CONCURRENCY', 8, 1, 100), 8),
      jobLockMs: attempt(() => int(env, 'WEBHOOK_JOB_LOCK_MS', 30_000, 1000, 600_000), 30_000),
      batchSize: attempt(() => int(env, 'WEBHOOK_BATCH_SIZE', 250, 1, 500), 250),
      flushJobs: attempt(() => bool(env, 'WEBHOOK_FLUSH_JOBS', true), true),
      reconcileOnStart: attempt(() => bool(env, 'WEBHOOK_RECONCILE_ON_START', nodeEnv !== 'test'), true),
    },
    retention: {
      intervalMs: attempt(() => int(env, 'RETENTION_INTERVAL_MS', 3_600_000, 0, 86_400_000), 3_600_000),
      outboxSentHours: attempt(() => int(env, 'OUTBOX_RETENTION_HOURS', 24 * 7, 1, 24 * 3650), 24 * 7),
      inboxProcessedHours: attempt(() => int(env, 'WEBHOOK_INBOX_RETENTION_HOURS', 24 * 30, 24 * 4, 24 * 3650), 24 * 30),
      clawbackRequestHours: attempt(() => int(env, 'CLAWBACK_REQUEST_RETENTION_HOURS', 24 * 30, 48, 24 * 3650), 24 * 30),
    },
    serveSpa: attempt(() => bool(env, 'SERVE_SPA', true), true),
    spaDir: env.SPA_DIR || undefined,
    logLevel: attempt(() => oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'), 'info'),
    logFormat: attempt(() => oneOf(env, 'LOG_FORMAT', ['json', 'pretty'] as const, nodeEnv === 'production' ? 'json' : 'pretty'), 'pretty'),
    mail: {
      smtpUrl: attempt(() => (env.SMTP_URL ? url(env, 'SMTP_URL', ['smtp:', 'smtps:']) : undefined), undefined),
      from: attempt(() => str(env, 'MAIL_FROM', 'CollabPay <no-reply@collabpay.local>'), ''),
      pollMs: attempt(() => int(env, 'MAIL_POLL_MS', 5000, 0, 3_600_000), 5000),
      backoffMs: attempt(() => int(env, 'MAIL_BACKOFF_MS', 30_000, 1, 3_600_000), 30_000),
      claimTimeoutMs: attempt(() => int(env, 'MAIL_CLAIM_TIMEOUT_MS', 300_000, 1000, 86_400_000), 300_000),
    },
  };
  // a redelivered or reconciled event whose inbox row is gone would be applied again
  if (cfg.retention.inboxProcessedHours * 3600 < cfg.webhooks.reconcileLookbackS + 86_400) {
    errors.push(
      `WEBHOOK_INBOX_RETENTION_HOURS (${cfg.retention.inboxProcessedHours}) must exceed WEBHOOK_RECONCILE_LOOKBACK_S by at least 24 hours (${Math.ceil((cfg.webhooks.reconcileLookbackS + 86_400) / 3600)} h)`,
    );
  }
  if (errors.length) {
    throw new ConfigError(`Invalid configuration:\n  - ${errors.join('\n  - ')}`);
  }
  return cfg;
}
