import type { ReactElement, ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderOptions } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { ToastProvider } from '../components/toast/ToastProvider';

export function renderWithProviders(ui: ReactElement, options?: RenderOptions) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const Wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <MemoryRouter>{children}</MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>
  );
  return { queryClient, ...render(ui, { wrapper: Wrapper, ...options }) };
}

export interface MockResponse {
  status?: number;
  body?: unknown;
}

/** Replaces global.fetch with a jest mock answering the given responses in order (the last one repeats). */
export function mockFetch(...responses: MockResponse[]): jest.Mock {
  let i = 0;
  const fn = jest.fn(async () => {
    const r = responses[Math.min(i++, responses.length - 1)] ?? {};
    const status = r.status ?? 200;
    const text = r.body === undefined ? '' : JSON.stringify(r.body);
    return {
      ok: status >= 200 && status < 300,
      status,
      statusText: '',
      text: async () => text,
      blob: async () => new Blob([text]),
    } as unknown as Response;
  });
  (globalThis as { fetch: unknown }).fetch = fn;
  return fn;
}

export function lastFetchBody(fn: jest.Mock): unknown {
  const call = fn.mock.calls[fn.mock.calls.length - 1] as unknown as [string, RequestInit];
  return call[1].body ? JSON.parse(call[1].body as string) : undefined;
}

/**
 * Replaces global.fetch with a jest mock answering by path (the URL without its query string):
 * `mockFetchRoutes({ 'GET /api/config': {body: {...}}, 'POST /api/collaborations': {status: 201, body} })`.
 * A route may be a function of the URL and request. Unknown routes answer 404.
 */
export function mockFetchRoutes(routes: Record<string, MockResponse | ((url: string, init: RequestInit) => MockResponse)>): jest.Mock {
  const fn = jest.fn(async (url: string, init: RequestInit = {}) => {
    const path = url.split('?')[0];
    const route = routes[`${init.method ?? 'GET'} ${path}`];
    const r = (typeof route === 'function' ? route(url, init) : route) ?? { status: 404, body: { statusCode: 404, code: 'NOT_FOUND', message: 'not found' } };
    const status = r.status ?? 200;
    const text = r.body === undefined ? '' : JSON.stringify(r.body);
    return { ok: status >= 200 && status < 300, status, statusText: '', text: async () => text, blob: async () => new Blob([text]) } as unknown as Response;
  });
  (globalThis as { fetch: unknown }).fetch = fn;
  return fn;
}

/** The JSON bodies sent to `METHOD path`, in order. */
export function sentBodies(fn: jest.Mock, route: string): unknown[] {
  return (fn.mock.calls as unknown as [string, RequestInit][])
    .filter(([url, init]) => `${init?.method ?? 'GET'} ${url.split('?')[0]}` === route)
    .map(([, init]) => (init.body ? JSON.parse(init.body as string) : undefined));
}
