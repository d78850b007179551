import { LedgerInvariantsService } from '../../src/modules/ledger/ledger-invariants.service';
import { LedgerRepository } from '../../src/modules/ledger/ledger.repository';
import type { TestContext, TestUser } from './test-app';

/** Common steps of the money flow, through the real API and the real SDK against the emulator. */
export async function proposeAndAccept(
  ctx: TestContext,
  company: TestUser,
  influencer: TestUser,
  opts: { amount?: number; currency?: string; milestones?: Array<{ title: string; amount: number }>; title?: string } = {},
) {
  const amount = opts.amount ?? 150000;
  const res = await ctx.http.post(
    '/api/collaborations',
    {
      influencerId: influencer.id,
      title: opts.title ?? 'Spring campaign',
      amount,
      currency: opts.currency ?? 'usd',
      ...(opts.milestones ? { milestones: opts.milestones } : {}),
    },
    { token: company.token },
  );
  if (res.status !== 201) throw new Error(`propose failed: ${res.status} ${JSON.stringify(res.body)}`);
  const accept = await ctx.http.post(`/api/collaborations/${res.body.id}/accept`, {}, { token: influencer.token });
  if (accept.status !== 200) throw new Error(`accept failed: ${accept.status} ${JSON.stringify(accept.body)}`);
  return { collaboration: accept.body.collaboration, paymentId: accept.body.paymentInfo.paymentId as string };
}

/** Pays the intent as Stripe.js would (confirm with a payment method), then asks the server to re-read it. */
export async function payWith(ctx: TestContext, company: TestUser, collaborationId: string, paymentMethod = 'pm_card_visa') {
  const intent = await ctx.http.post('/api/payments/create-intent', { collaborationId }, { token: company.token });
  if (intent.status !== 201) throw new Error(`create-intent failed: ${intent.status} ${JSON.stringify(intent.body)}`);
  const piId = intent.body.payment.stripePaymentIntentId as string;
  let error: any = null;
  try {
    await ctx.stripe.paymentIntents.confirm(piId, { payment_method: paymentMethod, return_url: 'http://localhost/return' });
  } catch (e) {
    error = e;
  }
  const confirmed = await ctx.http.post(`/api/payments/${intent.body.payment.id}/confirm`, {}, { token: company.token });
  return { payment: confirmed.body, error, piId, status: confirmed.status };
}

export async function ledgerCheck(ctx: TestContext) {
  return ctx.app.get(LedgerInvariantsService).check();
}

export async function expectLedgerClean(ctx: TestContext) {
  const report = await ledgerCheck(ctx);
  const failed = report.checks.filter((c) => !c.ok);
  if (failed.length) throw new Error(`ledger invariants broken: ${JSON.stringify(failed, null, 2)}`);
  return report;
}

export async function balance(ctx: TestContext, account: string, currency = 'usd') {
  return ctx.app.get(LedgerRepository).balance(account, currency);
}
