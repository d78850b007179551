import { ApiError, apiClient, buildUrl } from './api-client';
import { getSession, setSession } from './auth-storage';
import { mockFetch } from '../test/test-utils';

describe('api-client', () => {
  afterEach(() => localStorage.clear());

  it('builds /api URLs and drops empty params', () => {
    expect(buildUrl('/payments', { status: 'HELD', cursor: undefined, limit: 20, type: '' })).toBe('/api/payments?status=HELD&limit=20');
  });

  it('sends the Bearer token and the Idempotency-Key', async () => {
    setSession({ accessToken: 'tok', user: { id: 'u', email: 'e@x.io', name: 'E', role: 'company' } });
    const fetchMock = mockFetch({ body: { ok: true } });
    await apiClient.post('/wallet/payout', { amount: 1, currency: 'usd' }, { idempotencyKey: 'k1' });
    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    const headers = init.headers as Record<string, string>;
    expect(headers.Authorization).toBe('Bearer tok');
    expect(headers['Idempotency-Key']).toBe('k1');
    expect(headers['Content-Type']).toBe('application/json');
    expect(init.method).toBe('POST');
  });

  it('throws a typed ApiError from the contract error JSON', async () => {
    mockFetch({ status: 409, body: { statusCode: 409, error: 'Conflict', code: 'INSUFFICIENT_FUNDS', message: 'Not enough money' } });
    const err = await apiClient.get('/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409, code: 'INSUFFICIENT_FUNDS', message: 'Not enough money' });
  });

  it('joins validation message arrays and falls back to a status code', async () => {
    mockFetch({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: ['amount must be an integer', 'currency is required'] } });
    await expect(apiClient.get('/x')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'amount must be an integer; currency is required' });
  });

  it('forgets the session when the token is rejected', async () => {
    setSession({ accessToken: 'expired', user: { id: 'u', email: 'e@x.io', name: 'E', role: 'company' } });
    mockFetch({ status: 401, body: { statusCode: 401, message: 'Unauthorized' } });
    await expect(apiClient.get('/auth/me')).rejects.toMatchObject({ status: 401 });
    expect(getSession()).toBeNull();
  });

  it('turns network failures into NETWORK_ERROR', async () => {
    (globalThis as { fetch: unknown }).fetch = jest.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(apiClient.get('/x')).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });
});
