import http from 'node:http';
import { Core, str } from '../core';
import { invalid, StripeApiError } from '../errors';
import { EndpointScope, EventBus } from '../events';
import { sendJson } from '../http/respond';
import { ParamObject } from '../params';
import { completeOnboarding, getAccount } from '../resources/accounts';
import { closeDispute, createDispute } from '../resources/disputes';
import { authenticateIntent } from '../resources/intent-authentication';
import { advanceSubscription } from '../resources/subscriptions/renewal';
import { State } from '../state';
import { moneyControl } from './money';

export interface ControlDeps {
  core: Core;
  bus: EventBus;
  st: State;
}

/** `/_emulator/*`: the control endpoints (clock, chaos, delivery, disputes, 3-D Secure outcomes, onboarding, ...). */
export async function handleControl(d: ControlDeps, res: http.ServerResponse, method: string, path: string, p: ParamObject): Promise<void> {
  const ok = (body: unknown = { ok: true }) => sendJson(res, 200, body);
  try {
    const money = moneyControl(d.st, method, path, p);
    if (money !== undefined) return ok(money);
    if (method === 'GET' && path === 'health') return ok({ ok: true, url: d.core.opts.publicUrl });
    if (method !== 'POST')
      return sendJson(res, 404, { error: { type: 'invalid_request_error', message: `Unknown control endpoint ${method} /_emulator/${path}` } });
    if (path === 'advance') {
      const ms = p.ms !== undefined && p.ms !== '' ? Number(str(p, 'ms')) : undefined;
      d.core.advance(ms);
      return ok({ ok: true, clock: d.core.now() });
    }
    if (path === 'chaos') {
      if (p.duplicate !== undefined) d.bus.chaos.duplicate = str(p, 'duplicate') === 'true';
      if (p.reorder !== undefined) d.bus.chaos.reorder = str(p, 'reorder') === 'true';
      return ok({ ok: true, chaos: d.bus.chaos });
    }
    if (path === 'pause-delivery') {
      d.bus.paused = str(p, 'paused') !== 'false';
      return ok({ ok: true, paused: d.bus.paused });
    }
    if (path === 'flush') {
      await d.bus.flush();
      return ok();
    }
    if (path === 'webhook_endpoints') {
      const url = str(p, 'url');
      if (!url) throw invalid('Missing required param: url.', 'url');
      const c = str(p, 'connect');
      const scope: EndpointScope = c === 'true' ? 'connect' : c === 'false' ? 'platform' : 'both';
      return ok(d.bus.addEndpoint({ url, secret: str(p, 'secret'), scope }));
    }
    let m: RegExpExecArray | null;
    if ((m = /^charges\/([^/]+)\/dispute$/.exec(path))) {
      const account = d.st.charges.accountOf(m[1]);
      const ch = account ? d.st.charges.get(m[1], account) : undefined;
      if (!ch || !account) throw invalid(`No such charge: '${m[1]}'`, 'charge', 'resource_missing');
      return ok(createDispute(d.st, account, ch, str(p, 'reason') ?? 'fraudulent', null));
    }
    if ((m = /^disputes\/([^/]+)\/close$/.exec(path))) {
      const account = d.st.disputes.accountOf(m[1]);
      if (!account) throw invalid(`No such dispute: '${m[1]}'`, 'dispute', 'resource_missing');
      const status = str(p, 'status') === 'won' ? 'won' : 'lost';
      return ok(closeDispute(d.st, account, d.st.disputes.get(m[1], account), status, null));
    }
    if ((m = /^(payment_intents|setup_intents)\/([^/]+)\/authenticate$/.exec(path))) {
      return ok(authenticateIntent(d.st, m[2], str(p, 'outcome') !== 'fail', str(p, 'client_secret')));
    }
    if ((m = /^accounts\/([^/]+)\/complete_onboarding$/.exec(path))) {
      const acct = getAccount(d.st, m[1]);
      return ok(completeOnboarding(d.st, acct, { accountNumber: str(p, 'account_number') }, null));
    }
    if ((m = /^subscriptions\/([^/]+)\/advance_period$/.exec(path))) {
      const account = d.st.subscriptions.accountOf(m[1]);
      if (!account) throw invalid(`No such subscription: '${m[1]}'`, 'subscription', 'resource_missing');
      return ok(advanceSubscription(d.st, account, d.st.subscriptions.get(m[1], account)));
    }
    if ((m = /^balance\/([^/]+)\/add$/.exec(path))) {
      // test helper: fund an account's available balance (like the 4000000000000077 card)
      const account = m[1] === 'platform' ? d.core.platform : m[1];
      const amount = Number(str(p, 'amount'));
      if (!Number.isSafeInteger(amount)) throw invalid('amount must be an integer', 'amount');
      return ok(
        d.st.addBalanceTransaction(account, {
          amount,
          currency: str(p, 'currency') ?? 'usd',
          type: 'adjustment',
          reportingCategory: 'other_adjustment',
          source: 'emulator_topup',
        }),
      );
    }
    return sendJson(res, 404, { error: { type: 'invalid_request_error', message: `Unknown control endpoint POST /_emulator/${path}` } });
  } catch (e) {
    if (e instanceof StripeApiError) return sendJson(res, e.status, { error: e.body });
    throw e;
  }
}
