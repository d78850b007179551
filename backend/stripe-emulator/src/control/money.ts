import { int } from '../core';
import { invalid } from '../errors';
import type { ParamObject } from '../params';
import { setRequirements } from '../resources/requirements';
import { State } from '../state';

/**
 * Control endpoints for the clock and accounts (`/_emulator/...`); returns undefined when the path is not one of them.
 * `GET clock` → `{ now }`; `POST clock/advance` with `ms` or `to` (unix seconds) → runs what became due, `{ now }`;
 * `POST accounts/:id/requirements` → see requirements.ts.
 */
export function moneyControl(st: State, method: string, path: string, p: ParamObject): unknown {
  if (path === 'clock' && method === 'GET') return { now: st.core.now() };
  if (path === 'clock/advance' && method === 'POST') {
    const ms = int(p, 'ms');
    const to = int(p, 'to');
    if ((ms === undefined) === (to === undefined)) throw invalid('Give exactly one of ms or to.', 'ms', 'parameter_missing');
    if (ms !== undefined) {
      if (ms < 0) throw invalid('The clock only moves forward: ms must be >= 0.', 'ms', 'parameter_invalid_integer');
      st.core.clock.advance(ms);
    } else {
      if (to! * 1000 < st.core.nowMs() - 1000) throw invalid('The clock only moves forward: to is in the past.', 'to', 'parameter_invalid_integer');
      st.core.clock.advanceTo(to! * 1000);
    }
    return { now: st.core.now() };
  }
  const m = /^accounts\/([^/]+)\/requirements$/.exec(path);
  if (m && method === 'POST') return setRequirements(st, m[1], p);
  return undefined;
}
