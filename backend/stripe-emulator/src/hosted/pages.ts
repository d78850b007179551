import type Stripe from 'stripe';
import { formatMinimum } from '../cards';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;background:#f6f9fc;color:#1a1f36;margin:0}
main{max-width:480px;margin:48px auto;background:#fff;border-radius:8px;box-shadow:0 2px 8px rgba(0,0,0,.08);padding:32px}
h1{font-size:22px;margin:0 0 8px} p.muted{color:#697386;font-size:14px}
label{display:block;margin:14px 0 4px;font-size:14px;font-weight:600}
input,select{width:100%;box-sizing:border-box;padding:10px;border:1px solid #cfd7df;border-radius:6px;font-size:15px}
button{margin-top:20px;width:100%;padding:12px;border:0;border-radius:6px;background:#635bff;color:#fff;font-size:16px;cursor:pointer}
button.secondary{background:#fff;color:#c0123c;border:1px solid #c0123c}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;background:#e3e8ee;font-size:12px}
.error{color:#c0123c;margin-top:12px}
</style></head><body><main>${body}<p class="muted" style="margin-top:24px">Test mode · CollabPay Stripe emulator</p></main></body></html>`;
}

export function onboardingPage(token: string, acct: Stripe.Account): string {
  return layout(
    'Set up your payouts',
    `<h1>Set up payouts for your CollabPay account</h1>
<p class="muted">Stripe Express onboarding (simulated). Account <code>${esc(acct.id)}</code>.</p>
<form method="post" action="/connect/onboarding/${esc(token)}">
<label for="first_name">First name</label><input id="first_name" name="first_name" value="Jenny" required>
<label for="last_name">Last name</label><input id="last_name" name="last_name" value="Rosen" required>
<label for="email">Email</label><input id="email" name="email" type="email" value="${esc(acct.email ?? 'jenny.rosen@example.com')}">
<label for="routing_number">Routing number</label><input id="routing_number" name="routing_number" value="110000000">
<label for="account_number">Bank account (test numbers)</label>
<select id="account_number" name="account_number">
<option value="000123456789">000123456789 — payouts succeed</option>
<option value="000111111116">000111111116 — payouts fail (no_account)</option>
<option value="000111111113">000111111113 — payouts fail (account_closed)</option>
</select>
<button type="submit">Agree and submit</button>
</form>`,
  );
}

export function threeDsPage(id: string, clientSecret: string, amount: number | null, currency: string | null): string {
  const what = amount !== null && currency ? formatMinimum(currency, amount) : 'a new card';
  return layout(
    '3D Secure authentication',
    `<h1>3D Secure 2 Test Page</h1>
<p class="muted">Authenticating ${esc(what)}. Choose the outcome of the simulated challenge.</p>
<form method="post" action="/3ds/${esc(id)}">
<input type="hidden" name="client_secret" value="${esc(clientSecret)}">
<button type="submit" name="outcome" value="complete">Complete authentication</button>
<button type="submit" name="outcome" value="fail" class="secondary">Fail authentication</button>
</form>`,
  );
}

export function invoicePage(token: string, inv: Stripe.Invoice, error?: string): string {
  const amount = formatMinimum(inv.currency, inv.amount_due);
  const lines = inv.lines.data
    .map((l) => `<tr><td>${esc(l.description ?? 'Item')}</td><td style="text-align:right">${esc(formatMinimum(l.currency, l.amount))}</td></tr>`)
    .join('');
  const payForm =
    inv.status === 'open'
      ? `<form method="post" action="/invoice/${esc(token)}/pay">
<label for="card_number">Card number</label><input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242" required>
<label for="exp">Expiration date</label><input id="exp" name="exp" placeholder="MM / YY" value="12 / 34" required>
<label for="cvc">Security code</label><input id="cvc" name="cvc" placeholder="CVC" value="123" required>
<button type="submit">Pay ${esc(amount)}</button>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
</form>`
      : `<p><strong role="status">${inv.status === 'paid' ? 'Invoice paid' : `This invoice is ${esc(String(inv.status))}`}</strong></p>`;
  return layout(
    `Invoice ${inv.number ?? inv.id}`,
    `<h1>Invoice ${esc(inv.number ?? inv.id)} <span class="badge">${esc(String(inv.status))}</span></h1>
<p class="muted">${esc(inv.account_name ?? '')} · due ${inv.due_date ? new Date(inv.due_date * 1000).toISOString().slice(0, 10) : 'on receipt'}</p>
<table style="width:100%;border-collapse:collapse">${lines}<tr><td><strong>Amount due</strong></td><td style="text-align:right"><strong>${esc(amount)}</strong></td></tr></table>
<p><a href="/invoice/${esc(token)}/pdf">Download invoice PDF</a></p>
${payForm}`,
  );
}

export function messagePage(title: string, message: string): string {
  return layout(title, `<h1>${esc(title)}</h1><p>${esc(message)}</p>`);
}
