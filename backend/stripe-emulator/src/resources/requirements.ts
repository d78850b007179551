import type Stripe from 'stripe';
import { int, previousAttributes, snapshot, strArr } from '../core';
import { invalid } from '../errors';
import type { ParamObject } from '../params';
import { State } from '../state';
import { getAccount } from './accounts';

const uniq = (xs: string[]) => [...new Set(xs)];

/**
 * `POST /_emulator/accounts/:id/requirements` — what Stripe does when it needs more information from an account:
 * `currently_due[]` (due by `current_deadline`, unix seconds), `eventually_due[]`, `past_due[]` (disables payouts at
 * once). With `future=true` they go to `future_requirements` (informational). `account.updated` fires; when the clock
 * passes the deadline with fields still due they move to `past_due`, `payouts_enabled` turns false with
 * `disabled_reason: 'requirements.past_due'` and `account.updated` fires again. Completing onboarding clears them.
 */
export function setRequirements(st: State, id: string, p: ParamObject): Stripe.Account {
  const acct = getAccount(st, id);
  const before = snapshot(acct);
  const currentlyDue = strArr(p, 'currently_due') ?? [];
  const pastDue = strArr(p, 'past_due') ?? [];
  const eventuallyDue = strArr(p, 'eventually_due') ?? [];
  const deadline = int(p, 'current_deadline') ?? null;
  if (deadline !== null && currentlyDue.length === 0) throw invalid('current_deadline needs currently_due fields.', 'current_deadline');
  const future = p.future === 'true';
  const target = future ? acct.future_requirements : acct.requirements;
  if (!target) throw invalid(`Account ${id} has no requirements hash.`);
  target.currently_due = uniq([...pastDue, ...currentlyDue]);
  target.past_due = future ? [] : pastDue;
  target.eventually_due = uniq([...target.currently_due, ...eventuallyDue]);
  target.current_deadline = deadline;
  if (!future) {
    if (pastDue.length) disable(acct);
    if (deadline !== null) {
      st.core.clock.at(deadline * 1000, () => passDeadline(st, acct.id, deadline), { background: true });
      if (deadline * 1000 <= st.core.nowMs()) passDeadline(st, acct.id, deadline, false);
    }
  }
  const prev = previousAttributes(before, acct);
  if (Object.keys(prev).length) st.emit('account.updated', acct, { account: acct.id, previous: prev });
  return acct;
}

function disable(acct: Stripe.Account): void {
  acct.payouts_enabled = false;
  if (acct.requirements) acct.requirements.disabled_reason = 'requirements.past_due';
}

/** The deadline passed: what is still currently due becomes past due and payouts stop. */
function passDeadline(st: State, id: string, deadline: number, emit = true): void {
  const acct = st.accounts.find(id);
  const req = acct?.requirements;
  if (!acct || !req || req.current_deadline !== deadline || (req.currently_due ?? []).length === 0) return;
  const before = snapshot(acct);
  req.past_due = uniq([...(req.past_due ?? []), ...(req.currently_due ?? [])]);
  req.current_deadline = null;
  disable(acct);
  if (emit) st.emit('account.updated', acct, { account: acct.id, previous: previousAttributes(before, acct) });
}
