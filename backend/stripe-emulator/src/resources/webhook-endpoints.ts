import { applyMetadata, bool, str, strArr } from '../core';
import { invalid } from '../errors';
import { deleted, listOf, route, Route } from '../http/router';

export function webhookEndpointRoutes(): Route[] {
  return [
    route('POST', '/v1/webhook_endpoints', (r) => {
      const url = str(r.params, 'url');
      if (!url) throw invalid('Missing required param: url.', 'url', 'parameter_missing');
      const events = strArr(r.params, 'enabled_events');
      if (!events?.length) throw invalid('Missing required param: enabled_events.', 'enabled_events', 'parameter_missing');
      return r.st.bus.addEndpoint({
        url,
        scope: bool(r.params, 'connect') ? 'connect' : 'platform',
        enabledEvents: events,
        description: str(r.params, 'description') ?? null,
        metadata: applyMetadata({}, r.params),
        apiVersion: str(r.params, 'api_version') ?? null,
      });
    }),
    route('GET', '/v1/webhook_endpoints', (r) => {
      const list = listOf(r.st.bus.endpoints.list(r.st.platform), r.params, '/v1/webhook_endpoints');
      return { ...list, data: list.data.map((e) => ({ ...e, secret: undefined })) };
    }),
    route('GET', '/v1/webhook_endpoints/:id', (r) => ({ ...r.st.bus.endpoints.get(r.path.id, r.st.platform), secret: undefined })),
    route('POST', '/v1/webhook_endpoints/:id', (r) => {
      const ep = r.st.bus.endpoints.get(r.path.id, r.st.platform);
      const url = str(r.params, 'url');
      if (url) ep.url = url;
      const events = strArr(r.params, 'enabled_events');
      if (events?.length) ep.enabled_events = events;
      const disabled = bool(r.params, 'disabled');
      if (disabled !== undefined) ep.status = disabled ? 'disabled' : 'enabled';
      if (disabled === false) r.st.bus.resetFailures(ep.id);
      if (r.params.description !== undefined) ep.description = str(r.params, 'description') || null;
      ep.metadata = applyMetadata(ep.metadata, r.params);
      return { ...ep, secret: undefined };
    }),
    route('DELETE', '/v1/webhook_endpoints/:id', (r) => {
      const ep = r.st.bus.endpoints.get(r.path.id, r.st.platform);
      r.st.bus.removeEndpoint(ep.id);
      return deleted(ep.id, 'webhook_endpoint');
    }),
  ];
}
