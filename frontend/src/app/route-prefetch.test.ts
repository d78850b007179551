import { hashKey, QueryClient } from '@tanstack/react-query';
import { setSession } from '../lib/auth-storage';
import { hintStripeOrigin, inNextTask, prefetchCheckout, prefetchDashboard } from './route-prefetch';

const user = (role: 'company' | 'influencer') => ({ id: 'u1', email: 'a@example.com', name: 'A', role });

describe('route prefetch', () => {
  let fetchMock: jest.Mock;
  beforeEach(() => {
    fetchMock = jest.fn(() => new Promise(() => undefined)); // requests stay in flight
    global.fetch = fetchMock as unknown as typeof fetch;
    document.head.innerHTML = '';
  });
  afterEach(() => setSession(null));

  it('starts the company overview requests under the keys its hooks read', () => {
    setSession({ accessToken: 't', user: user('company') });
    const qc = new QueryClient();
    prefetchDashboard(qc);
    const keys = qc
      .getQueryCache()
      .getAll()
      .map((q) => q.queryHash);
    // CompanyOverview: usePayments({ limit: 100 }), useCollaborations({ limit: 100 }), useInvoices();
    // CollaborationList: useCollaborations({ cursor: undefined, limit: 20 }) on its first page
    expect(keys.sort()).toEqual(
      [
        hashKey(['payments', 'list', { limit: 100 }]),
        hashKey(['collaborations', 'list', { limit: 100 }]),
        hashKey(['collaborations', 'list', { cursor: undefined, limit: 20 }]),
        hashKey(['payments', 'billing', 'invoices', {}]),
      ].sort(),
    );
    expect(fetchMock).toHaveBeenCalledTimes(4);
  });

  it('fetches nothing for another role or when signed out', () => {
    const qc = new QueryClient();
    prefetchDashboard(qc);
    setSession({ accessToken: 't', user: user('influencer') });
    prefetchDashboard(qc);
    expect(qc.getQueryCache().getAll()).toHaveLength(0);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('starts the checkout collaboration and config requests for a company only', () => {
    const qc = new QueryClient();
    setSession({ accessToken: 't', user: user('influencer') });
    prefetchCheckout(qc, 'c1');
    expect(qc.getQueryCache().getAll()).toHaveLength(0);
    setSession({ accessToken: 't', user: user('company') });
    prefetchCheckout(qc, 'c1');
    const keys = qc
      .getQueryCache()
      .getAll()
      .map((q) => q.queryHash);
    expect(keys.sort()).toEqual([hashKey(['collaborations', 'detail', 'c1']), hashKey(['config'])].sort());
  });

  it('hints the Stripe.js origin once: the emulator (preconnect and the script) or js.stripe.com', () => {
    const emulator = {
      stripeMode: 'emulator',
      publishableKey: 'pk',
      stripeJsUrl: 'http://127.0.0.1:12111/js/v3/stripe.js',
      stripeApiBase: 'http://127.0.0.1:12111',
    } as const;
    hintStripeOrigin(emulator);
    hintStripeOrigin(emulator);
    const links = () => [...document.head.querySelectorAll('link')].map((l) => `${l.rel} ${l.getAttribute('href')}`);
    expect(links()).toEqual(['preconnect http://127.0.0.1:12111', 'preload http://127.0.0.1:12111/js/v3/stripe.js']);
    document.head.innerHTML = '';
    hintStripeOrigin({ stripeMode: 'test', publishableKey: 'pk' });
    expect(links()).toEqual(['preconnect https://js.stripe.com']);
  });

  it("inNextTask: the loader returns at once and its requests start in the next task, not in the router's", () => {
    jest.useFakeTimers();
    try {
      setSession({ accessToken: 't', user: user('company') });
      const qc = new QueryClient();
      expect(inNextTask(() => prefetchDashboard(qc))).toBeNull();
      expect(fetchMock).not.toHaveBeenCalled();
      expect(qc.getQueryCache().getAll()).toHaveLength(0);
      jest.runOnlyPendingTimers();
      expect(fetchMock).toHaveBeenCalledTimes(4);
    } finally {
      jest.useRealTimers();
    }
  });
});
