import http from 'node:http';
import { API_VERSION, Core, RequestContext, str } from '../core';
import { StripeApiError } from '../errors';
import { html, redirect, send, sendJson, withParams } from '../http/respond';
import { ParamObject } from '../params';
import { completeOnboarding, getAccount } from '../resources/accounts';
import { authenticateIntent } from '../resources/intent-authentication';
import { payInvoice } from '../resources/invoices/collection';
import { createPaymentMethodFromParams } from '../resources/payment-methods';
import { State } from '../state';
import { expressPage } from './express-dashboard';
import { invoicePdf } from './invoice-pdf';
import { invoicePage, messagePage, onboardingPage, threeDsPage } from './pages';

/** The hosted pages a browser opens: Connect onboarding, the Express dashboard, 3-D Secure, invoices, receipts. */
export function handleHostedPage(d: { core: Core; st: State }, res: http.ServerResponse, method: string, path: string, p: ParamObject): void {
  let m: RegExpExecArray | null;
  if ((m = /^\/connect\/onboarding\/([^/]+)$/.exec(path))) {
    const link = d.st.accountLinks.get(m[1]);
    if (!link) return html(res, 404, messagePage('Link not found', 'This onboarding link does not exist.'));
    const expired = link.link.expires_at < d.core.now();
    if (method === 'GET') {
      if (expired || link.visited) return redirect(res, link.refreshUrl);
      link.visited = true;
      return html(res, 200, onboardingPage(m[1], getAccount(d.st, link.account)));
    }
    if (link.used || expired) return redirect(res, link.refreshUrl);
    link.used = true;
    const acct = getAccount(d.st, link.account);
    const email = str(p, 'email');
    if (email) acct.email = email;
    const name = [str(p, 'first_name'), str(p, 'last_name')].filter(Boolean).join(' ');
    completeOnboarding(d.st, acct, { accountNumber: str(p, 'account_number') ?? '000123456789', name: name || undefined }, null);
    return redirect(res, link.returnUrl);
  }
  if ((m = /^\/connect\/express\/([^/]+)$/.exec(path))) {
    const page = expressPage(d.st, m[1]);
    return html(res, page.status, page.html);
  }
  if ((m = /^\/3ds\/([^/]+)$/.exec(path))) {
    const id = m[1];
    const isSetup = id.startsWith('seti_');
    const account = isSetup ? d.st.setupIntents.accountOf(id) : d.st.paymentIntents.accountOf(id);
    if (!account) return html(res, 404, messagePage('Not found', 'Unknown payment.'));
    const intent = isSetup ? d.st.setupIntents.get(id, account) : d.st.paymentIntents.get(id, account);
    const secret = str(p, 'client_secret') ?? '';
    if (secret !== intent.client_secret) return html(res, 403, messagePage('Forbidden', 'Bad client secret.'));
    const returnUrl = intent.next_action?.redirect_to_url?.return_url ?? (isSetup ? null : (d.st.piPrivate.get(id)?.returnUrl ?? null));
    if (method === 'GET') {
      const pi = intent.object === 'payment_intent' ? intent : null;
      return html(res, 200, threeDsPage(id, secret, pi?.amount ?? null, pi?.currency ?? null));
    }
    try {
      authenticateIntent(d.st, id, str(p, 'outcome') === 'complete', secret);
    } catch (e) {
      if (!(e instanceof StripeApiError)) throw e;
    }
    const after = isSetup ? d.st.setupIntents.get(id, account) : d.st.paymentIntents.get(id, account);
    const ok = after.status === 'succeeded' || after.status === 'processing' || after.status === 'requires_capture';
    if (returnUrl) {
      const key = isSetup ? 'setup_intent' : 'payment_intent';
      return redirect(res, withParams(returnUrl, { [key]: id, [`${key}_client_secret`]: secret, redirect_status: ok ? 'succeeded' : 'failed' }));
    }
    return html(res, 200, messagePage(ok ? 'Authentication complete' : 'Authentication failed', `Status: ${after.status}. You can close this window.`));
  }
  if ((m = /^\/invoice\/([^/]+)(\/pdf|\/pay)?$/.exec(path))) {
    const invId = d.st.invoiceTokens.get(m[1]);
    const account = invId ? d.st.invoices.accountOf(invId) : undefined;
    if (!invId || !account) return html(res, 404, messagePage('Invoice not found', 'This invoice link is not valid.'));
    const inv = d.st.invoices.get(invId, account);
    if (m[2] === '/pdf')
      return send(res, 200, invoicePdf(inv), { 'Content-Type': 'application/pdf', 'Content-Disposition': `inline; filename="Invoice-${inv.number}.pdf"` });
    if (m[2] === '/pay' && method === 'POST') {
      const ctx: RequestContext = { account, connect: account !== d.core.platform, requestId: null, idempotencyKey: null, publishable: false };
      try {
        const [mm, yy] = (str(p, 'exp') ?? '').split('/').map((s) => s.trim());
        const pm = createPaymentMethodFromParams(d.st, ctx, {
          type: 'card',
          card: { number: str(p, 'card_number') ?? '', exp_month: mm ?? '', exp_year: yy ?? '', cvc: str(p, 'cvc') ?? '' },
        });
        payInvoice(d.st, ctx, account, inv, { payment_method: pm.id, off_session: 'false' });
        const pi = inv.payments?.data[0]?.payment.payment_intent;
        const intent = typeof pi === 'string' ? d.st.paymentIntents.find(pi) : undefined;
        if (intent?.status === 'requires_action') {
          const priv = d.st.piPrivate.get(intent.id);
          if (priv) priv.returnUrl = inv.hosted_invoice_url ?? null;
          return redirect(res, `/3ds/${intent.id}?client_secret=${encodeURIComponent(intent.client_secret ?? '')}`);
        }
      } catch (e) {
        if (!(e instanceof StripeApiError)) throw e;
        return html(res, 402, invoicePage(m[1], inv, e.body.message));
      }
      return redirect(res, `/invoice/${m[1]}`);
    }
    return html(res, 200, invoicePage(m[1], inv));
  }
  if ((m = /^\/receipts\/([^/]+)$/.exec(path))) return html(res, 200, messagePage('Receipt', `Receipt for ${m[1]} (test mode).`));
  if (path === '/' || path === '/health') return sendJson(res, 200, { ok: true, emulator: 'stripe', api_version: API_VERSION });
  return sendJson(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` } });
}
