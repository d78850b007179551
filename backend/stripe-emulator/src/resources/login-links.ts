import type Stripe from 'stripe';
import { RequestContext } from '../core';
import { invalid } from '../errors';
import { route, Route } from '../http/router';
import { State } from '../state';
import { getAccount } from './accounts';

/** Stripe's Express login links are single use and short-lived. */
export const LOGIN_LINK_TTL_MS = 5 * 60_000;

/** `POST /v1/accounts/:id/login_links`: Express accounts that finished onboarding only. */
export function createLoginLink(st: State, ctx: RequestContext, id: string): Stripe.LoginLink {
  if (ctx.connect) throw invalid('Login links must be created by the platform (no Stripe-Account header).');
  const acct = getAccount(st, id);
  if (acct.type !== 'express') throw invalid('Login links can only be created for Express accounts.', 'account');
  if (!acct.details_submitted) throw invalid('Cannot create a login link for an account that has not completed onboarding.', 'account');
  const token = st.core.secret(24);
  st.loginLinks.set(token, { account: id, expiresAtMs: st.core.nowMs() + LOGIN_LINK_TTL_MS, used: false });
  return { object: 'login_link', created: st.core.now(), url: `${st.core.opts.publicUrl}/connect/express/${token}` };
}

export function loginLinkRoutes(): Route[] {
  return [route('POST', '/v1/accounts/:id/login_links', (r) => createLoginLink(r.st, r.ctx, r.path.id))];
}
