import { str, strArr } from '../core';
import { invalid } from '../errors';
import { listOf, route, Route } from '../http/router';

export function eventRoutes(): Route[] {
  return [
    route('GET', '/v1/events', (r) => {
      const type = str(r.params, 'type');
      const types = strArr(r.params, 'types');
      const match = (t: string, pat: string) => pat === t || (pat.endsWith('*') && t.startsWith(pat.slice(0, -1)));
      if (type && types) throw invalid('You may only specify one of these parameters: type, types.', 'types');
      return listOf(
        r.st.bus.events.list(r.ctx.account, (e) => (!type || match(e.type, type)) && (!types || types.some((t) => match(e.type, t)))),
        r.params,
        '/v1/events',
      );
    }),
    route('GET', '/v1/events/:id', (r) => r.st.bus.events.get(r.path.id, r.ctx.account)),
  ];
}
