import { getAccount } from '../resources/accounts';
import { State } from '../state';
import { esc } from './pages';

const money = (amount: number, currency: string) => `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;

/** `GET /connect/express/:token`: a tiny stand-in for the Express Dashboard. */
export function expressPage(st: State, token: string): { status: number; html: string } {
  const link = st.loginLinks.get(token);
  const page = (title: string, body: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body style="font-family:system-ui,sans-serif;max-width:560px;margin:40px auto"><h1>${esc(title)}</h1>${body}<p style="color:#697386">Test mode · CollabPay Stripe emulator</p></body></html>`;
  if (!link || link.used || link.expiresAtMs < st.core.nowMs())
    return { status: 410, html: page('Link expired', '<p>This login link was already used or has expired. Ask the platform for a new one.</p>') };
  link.used = true;
  const acct = getAccount(st, link.account);
  const bal = st.balanceOf(acct.id);
  const schedule = acct.settings?.payouts?.schedule;
  const payouts = st.payouts.list(acct.id).slice(0, 10);
  const req = acct.requirements;
  const rows = payouts
    .map((p) => `<li>${esc(p.id)} · ${esc(money(p.amount, p.currency))} · ${esc(p.status)}${p.automatic ? ' · automatic' : ''}</li>`)
    .join('');
  return {
    status: 200,
    html: page(
      'Express Dashboard',
      `<p>Account <code>${esc(acct.id)}</code>${acct.email ? ` (${esc(acct.email)})` : ''}</p>
<p>Payouts: <strong>${acct.payouts_enabled ? 'enabled' : `paused (${esc(req?.disabled_reason ?? 'requirements')})`}</strong> · schedule ${esc(schedule?.interval ?? 'daily')}</p>
${(req?.currently_due ?? []).length ? `<p>Information needed: ${esc((req?.currently_due ?? []).join(', '))}</p>` : ''}
<p>Available: ${bal.available.map((b) => esc(money(b.amount, b.currency))).join(', ')} · Pending: ${bal.pending.map((b) => esc(money(b.amount, b.currency))).join(', ')}</p>
<h2>Recent payouts</h2><ul>${rows || '<li>none yet</li>'}</ul>`,
    ),
  };
}
