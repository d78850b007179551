/**
 * Ledger under contention (a script, not a test).
 *
 *   node scripts/bench.mjs ledger          (from the repository root; compiles backend/bench first)
 *
 * Setup through the real API, the real SDK and the Stripe emulator (the helpers of backend/test/wallet):
 * BENCH_WALLETS influencers onboard their Connect account on the emulator's hosted page; each earns a funding
 * collaboration (paid by card, released), and has BENCH_RELEASE_COLLABS more paid collaborations of 20 milestones
 * each still HELD, waiting to be released one milestone at a time.
 *
 * Then, for BENCH_SECONDS, BENCH_CONCURRENCY clients fire at those few wallets at once: milestone releases
 * (POST /api/payments/collaboration/:id/release, crediting the wallet and platform fee revenue) and payout
 * requests (POST /api/wallet/payout, debiting the wallet; amounts drawn so that many do not fit and must be
 * refused with 409 INSUFFICIENT_FUNDS). Prints ops/s and latency per kind, then verifies there was no overdraft:
 * no wallet posting ever below zero, no negative account, every accepted payout in transit, the wallet equal to
 * credits - accepted payouts, and LedgerInvariantsService.check() clean.
 *
 * Knobs: BENCH_WALLETS (4), BENCH_RELEASE_COLLABS (12 per wallet), BENCH_CONCURRENCY (16), BENCH_SECONDS (15),
 *   BENCH_RELEASE_SHARE (0.5), BENCH_PG_URL, BENCH_REDIS_URL, BENCH_SEED.
 */
import 'reflect-metadata';
import Stripe from 'stripe';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/database/data-source';
import { Accounts } from '../src/modules/ledger/domain/accounts';
import { LedgerInvariantsService } from '../src/modules/ledger/ledger-invariants.service';
import { LedgerRepository } from '../src/modules/ledger/ledger.repository';
import { startStripeEmulator, StripeEmulator } from '@collabpay/stripe-emulator';
import { payWith, proposeAndAccept } from '../test/support/flows';
import { HttpClient } from '../test/support/http';
import type { TestContext, TestUser } from '../test/support/test-app';
import { onboard } from '../test/wallet/support';
import {
  BenchDatabase,
  cpuMsOf,
  createBenchDatabase,
  dropQueueKeys,
  env,
  KeepAliveClient,
  logger,
  machineBusyMs,
  machineLine,
  ms,
  num,
  percentile,
  pool,
  REDIS_URL,
  rng,
  runMain,
  sampleWaits,
  secret,
  ServerChild,
  sleep,
  startServer,
  waitReport,
} from './support/bench-kit';

const TAG = 'ledger-bench';
const log = logger(TAG);
const WALLETS = num('BENCH_WALLETS', 4, 50);
const RELEASE_COLLABS = num('BENCH_RELEASE_COLLABS', 12, 200, 0);
const CONCURRENCY = num('BENCH_CONCURRENCY', 16, 256);
const SECONDS = num('BENCH_SECONDS', 15, 120);
const RELEASE_SHARE = Math.min(1, Math.max(0, Number(env.BENCH_RELEASE_SHARE ?? 0.5)));
const SEED = num('BENCH_SEED', 4242, 2 ** 31);
const MILESTONES = 20;
const MILESTONE_AMOUNT = 5_000;
const MILESTONE_NET = 4_500; // less the default 10% platform fee (PLATFORM_FEE_BPS 1000)
const FUNDING_AMOUNT = 200_000; // $2,000 per wallet, $1,800 after the 10% platform fee

interface Wallet {
  influencer: TestUser;
  company: TestUser;
  /** milestones still to release: [collaborationId, milestoneId] */
  pending: Array<[string, string]>;
}

async function register(http: HttpClient, role: 'company' | 'influencer', n: number): Promise<TestUser> {
  const email = `bench-${role}-${n}-${Math.random().toString(36).slice(2, 8)}@bench.collabpay.dev`;
  const res = await http.post('/api/auth/register', { email, password: 'correct-horse-battery', name: `Bench ${role} ${n}`, role });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body.user, token: res.body.accessToken };
}

interface Op {
  kind: 'release' | 'payout';
  status: number;
  code?: string;
  ms: number;
  amount?: number;
  wallet: number;
  payoutId?: string;
}

async function main(): Promise<void> {
  log(`machine: ${machineLine()}`);
  log(
    `config: ${WALLETS} wallets, ${RELEASE_COLLABS} × ${MILESTONES} milestones to release per wallet, ${CONCURRENCY} concurrent clients for ${SECONDS} s, ${Math.round(RELEASE_SHARE * 100)}% releases`,
  );
  let db: BenchDatabase | undefined;
  let emulator: StripeEmulator | undefined;
  let ds: DataSource | undefined;
  let server: ServerChild | undefined;
  let client: KeepAliveClient | undefined;
  const queuePrefix = `cpbench:ledger:${Date.now().toString(36)}${process.pid.toString(36)}`;
  const failures: string[] = [];
  let summary: string;
  try {
    db = await createBenchDatabase('cp_bench_ledger');
    // payouts stay IN_TRANSIT (their arrival is not what is measured); funds are available at once
    emulator = await startStripeEmulator({ port: 0, delays: { payoutMs: 3_600_000, processingMs: 200, availableMs: 0 } });
    const webhookSecret = secret('whsec_bench_');
    const connectSecret = secret('whsec_bench_connect_');
    server = await startServer({
      label: 'api',
      config: {
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        DATABASE_URL: db.url,
        REDIS_URL,
        QUEUE_PREFIX: queuePrefix,
        JWT_SECRET: secret('jwt-'),
        STRIPE_SECRET_KEY: emulator.secretKey,
        STRIPE_PUBLISHABLE_KEY: emulator.publishableKey,
        STRIPE_WEBHOOK_SECRET: webhookSecret,
        STRIPE_CONNECT_WEBHOOK_SECRET: connectSecret,
        STRIPE_API_BASE: emulator.url,
        AUTH_RATE_LIMIT: '100000',
        WEBHOOK_SWEEP_INTERVAL_MS: '0',
        WEBHOOK_RECONCILE_INTERVAL_MS: '0',
        PAYOUT_RECONCILE_INTERVAL_MS: '0',
        LOG_LEVEL: 'error',
        SERVE_SPA: 'false',
      },
    });
    emulator.addWebhookEndpoint({ url: `${server.url}/api/payments/webhook`, secret: webhookSecret, connect: false });
    emulator.addWebhookEndpoint({ url: `${server.url}/api/payments/webhook`, secret: connectSecret, connect: true });
    ds = createDataSource(db.url);
    await ds.initialize();
    const http = new HttpClient(server.url);
    const stripe = new Stripe(emulator.secretKey, { ...emulator.sdkOptions(), maxNetworkRetries: 0 });
    // what the test helpers use of a TestContext
    const ctx = { http, stripe, db: ds, emulator, baseUrl: server.url } as unknown as TestContext;

    // ---- setup: onboarded influencers with funded wallets and HELD milestones waiting for release
    let t = performance.now();
    const wallets: Wallet[] = await pool(
      Array.from({ length: WALLETS }, (_, i) => i),
      4,
      async (i): Promise<Wallet> => {
        const company = await register(http, 'company', i);
        const influencer = await register(http, 'influencer', i);
        await onboard(ctx, influencer);
        const funding = await proposeAndAccept(ctx, company, influencer, { amount: FUNDING_AMOUNT, title: `Funding ${i}` });
        const paid = await payWith(ctx, company, funding.collaboration.id);
        if (paid.payment?.status !== 'HELD') throw new Error(`funding payment not held: ${JSON.stringify(paid.payment)}`);
        const r = await http.post(`/api/payments/collaboration/${funding.collaboration.id}/release`, {}, { token: company.token });
        if (r.status !== 200) throw new Error(`funding release: ${r.status} ${JSON.stringify(r.body)}`);
        const series: Array<Array<[string, string]>> = [];
        for (let k = 0; k < RELEASE_COLLABS; k++) {
          const milestones = Array.from({ length: MILESTONES }, (_, m) => ({ title: `Deliverable ${m + 1}`, amount: MILESTONE_AMOUNT }));
          const { collaboration } = await proposeAndAccept(ctx, company, influencer, {
            amount: MILESTONE_AMOUNT * MILESTONES,
            milestones,
            title: `Series ${i}.${k}`,
          });
          const p = await payWith(ctx, company, collaboration.id);
          if (p.payment?.status !== 'HELD') throw new Error(`payment not held: ${JSON.stringify(p.payment)}`);
          series.push((collaboration.milestones as Array<{ id: string }>).map((m): [string, string] => [collaboration.id, m.id]));
        }
        // round-robin over the collaborations: concurrent releases meet on the wallet (and the platform's fee
        // account), not on one payment row, as when a company releases deliverables of several campaigns
        const pending: Array<[string, string]> = [];
        for (let m = 0; m < MILESTONES; m++) for (const s of series) pending.push(s[m]);
        return { influencer, company, pending };
      },
    );
    const startBalance = new Map<string, number>();
    const ledgerRepo = new LedgerRepository(ds);
    for (const w of wallets) startBalance.set(w.influencer.id, await ledgerRepo.balance(Accounts.walletAvailable(w.influencer.id), 'usd'));
    const milestonesTotal = wallets.reduce((s, w) => s + w.pending.length, 0);
    log(
      `setup in ${((performance.now() - t) / 1000).toFixed(1)} s: ${WALLETS} onboarded wallets of ${[...startBalance.values()].map((b) => (b / 100).toFixed(2)).join(', ')} usd, ` +
        `${milestonesTotal} held milestones of ${(MILESTONE_AMOUNT / 100).toFixed(2)} usd to release`,
    );

    // ---- contention: releases and payouts at once against the same few wallets
    client = new KeepAliveClient(server.url, CONCURRENCY);
    const random = rng(SEED);
    const ops: Op[] = [];
    let seq = 0;
    let exhausted = 0;
    const cpu0 = { machine: machineBusyMs(), server: cpuMsOf(server.pid) };
    t = performance.now();
    const deadline = t + SECONDS * 1000;
    const waits = new Map<string, number>();
    const sampling = (async () => {
      while (performance.now() < deadline) {
        await sampleWaits(ds!, db!.name, waits).catch(() => undefined);
        await sleep(50);
      }
    })();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < deadline) {
          const wi = Math.floor(random() * WALLETS);
          const w = wallets[wi];
          if (random() < RELEASE_SHARE && w.pending.length) {
            const [collaborationId, milestoneId] = w.pending.shift()!;
            const r = await client!.json('POST', `/api/payments/collaboration/${collaborationId}/release`, { milestoneId }, w.company.token);
            ops.push({ kind: 'release', status: r.status, code: r.body?.code, ms: r.ms, wallet: wi });
          } else {
            if (RELEASE_SHARE > 0 && !w.pending.length) exhausted++;
            // from $1 to $400: the wallets hold $1,800 at the start and gain $45 per release, so many requests do not fit
            const amount = 100 + Math.floor(random() * 39_901);
            const r = await client!.json('POST', '/api/wallet/payout', { amount, currency: 'usd' }, w.influencer.token, {
              'idempotency-key': `bench-${++seq}`,
            });
            ops.push({ kind: 'payout', status: r.status, code: r.body?.code, ms: r.ms, amount, wallet: wi, payoutId: r.body?.id });
          }
        }
      }),
    );
    const seconds = (performance.now() - t) / 1000;
    await sampling;
    const busy = { machine: (machineBusyMs() - cpu0.machine) / 1000 / seconds, server: (cpuMsOf(server.pid) - cpu0.server) / 1000 / seconds };

    const releases = ops.filter((o) => o.kind === 'release');
    const released = releases.filter((o) => o.status === 200);
    const payouts = ops.filter((o) => o.kind === 'payout');
    const accepted = payouts.filter((o) => o.status === 201);
    const refused = payouts.filter((o) => o.status === 409 && o.code === 'INSUFFICIENT_FUNDS');
    const unexpected = ops.filter(
      (o) =>
        !(o.status === 200 && o.kind === 'release') &&
        !(o.status === 201 && o.kind === 'payout') &&
        !(o.kind === 'payout' && o.status === 409 && o.code === 'INSUFFICIENT_FUNDS'),
    );
    if (unexpected.length)
      failures.push(
        `${unexpected.length} unexpected answers, e.g. ${unexpected
          .slice(0, 3)
          .map((o) => `${o.kind} ${o.status} ${o.code}`)
          .join('; ')}`,
      );
    const lat = (xs: Op[]) => {
      const s = xs.map((o) => o.ms).sort((a, b) => a - b);
      return `p50 ${ms(percentile(s, 50))} p99 ${ms(percentile(s, 99))}`;
    };
    const opsPerS = ops.length / seconds;
    log(
      `${ops.length} operations in ${seconds.toFixed(1)} s = ${opsPerS.toFixed(0)} ops/s (CPU: machine ${busy.machine.toFixed(2)} of 2 cores busy, server ${busy.server.toFixed(2)})`,
    );
    log(
      `  releases: ${released.length} = ${(released.length / seconds).toFixed(0)}/s, ${lat(releases)}${exhausted ? ` (a wallet ran out of milestones ${exhausted} times; those turns became payouts)` : ''}`,
    );
    log(
      `  payouts: ${payouts.length} = ${(payouts.length / seconds).toFixed(0)}/s (${accepted.length} accepted, ${refused.length} refused INSUFFICIENT_FUNDS), ${lat(payouts)}; ` +
        `accepted ${lat(accepted)}, refused ${lat(refused)}`,
    );

    log(`  app sessions busy in PostgreSQL meanwhile (average count over the samples, by what they wait on):`);
    for (const l of waitReport(waits, 8)) log(`    ${l}`);

    // ---- no overdraft, and every cent accounted for
    const [neg] = await ds.query(
      `SELECT (SELECT count(*)::int FROM ledger_accounts WHERE non_negative AND balance < 0) AS negative_accounts,
              (SELECT coalesce(min(balance_after), 0)::bigint FROM postings WHERE account_code LIKE 'wallet:%') AS min_wallet_posting,
              (SELECT count(*)::int FROM postings WHERE account_code LIKE 'wallet:%') AS wallet_postings`,
    );
    if (neg.negative_accounts !== 0) failures.push(`${neg.negative_accounts} non-negative accounts below zero`);
    if (Number(neg.min_wallet_posting) < 0) failures.push(`a wallet posting left the balance at ${neg.min_wallet_posting}`);
    for (const [i, w] of wallets.entries()) {
      const uid = w.influencer.id;
      const mine = accepted.filter((o) => o.wallet === i);
      const paidOut = mine.reduce((s, o) => s + o.amount!, 0);
      const [row] = await ds.query(`SELECT count(*)::int AS n, coalesce(sum(amount), 0)::bigint AS total FROM payouts WHERE user_id = $1`, [uid]);
      if (row.n !== mine.length || Number(row.total) !== paidOut)
        failures.push(`wallet ${i}: ${row.n} payouts worth ${row.total} stored, ${mine.length} worth ${paidOut} accepted`);
      const available = await ledgerRepo.balance(Accounts.walletAvailable(uid), 'usd');
      const inTransit = await ledgerRepo.balance(Accounts.payoutsInTransit(uid), 'usd');
      // each milestone is $50.00 less the 10% platform fee
      const credited = released.filter((o) => o.wallet === i).length * MILESTONE_NET;
      const expected = startBalance.get(uid)! + credited - paidOut;
      if (available !== expected)
        failures.push(
          `wallet ${i}: available ${available}, expected start ${startBalance.get(uid)} + released ${credited} - paid out ${paidOut} = ${expected}`,
        );
      if (inTransit !== paidOut) failures.push(`wallet ${i}: in transit ${inTransit}, expected ${paidOut}`);
    }
    const statuses: { status: string; n: number }[] = await ds.query(`SELECT status, count(*)::int AS n FROM payouts GROUP BY status ORDER BY status`);
    const notInTransit = statuses.filter((s) => s.status !== 'IN_TRANSIT');
    if (notInTransit.length) failures.push(`payouts not IN_TRANSIT: ${JSON.stringify(notInTransit)}`);
    const [ms_] = await ds.query(`SELECT count(*)::int AS n FROM milestones WHERE status = 'RELEASED'`);
    if (ms_.n !== released.length) failures.push(`${ms_.n} milestones RELEASED, ${released.length} releases answered 200`);
    const report = await new LedgerInvariantsService(ledgerRepo).check();
    for (const c of report.checks.filter((x) => !x.ok)) failures.push(`ledger invariant broken: ${c.name}: ${JSON.stringify(c.details).slice(0, 300)}`);
    log(
      `verify: ${neg.wallet_postings} wallet postings, lowest balance after any of them ${(Number(neg.min_wallet_posting) / 100).toFixed(2)} usd, ` +
        `${neg.negative_accounts} negative accounts, payouts ${statuses.map((s) => `${s.status} ${s.n}`).join(', ')}, ` +
        `wallets = start + releases - payouts to the cent, ledger invariants ${report.ok ? 'clean' : 'BROKEN'} → ${failures.length ? 'FAILED' : 'OK'}`,
    );
    for (const f of failures) log(`  ✗ ${f}`);
    summary =
      `${opsPerS.toFixed(0)} ops/s over ${WALLETS} wallets with ${CONCURRENCY} clients (${(released.length / seconds).toFixed(0)} releases/s, ` +
      `${(payouts.length / seconds).toFixed(0)} payouts/s: ${accepted.length} accepted, ${refused.length} refused); ` +
      `${failures.length ? 'OVERDRAFT OR MISMATCH FOUND' : '0 overdrafts, ledger clean'}`;
  } finally {
    client?.close();
    await ds?.destroy().catch(() => undefined);
    await server?.stop();
    await emulator?.close();
    await db?.drop().catch((e) => log(`could not drop ${db?.name}: ${(e as Error).message}`));
    await dropQueueKeys(queuePrefix).catch(() => undefined);
  }
  log(`SUMMARY: ${summary}`);
  if (failures.length) throw new Error(`verification failed (${failures.length} problem(s))`);
}

runMain(TAG, main);
