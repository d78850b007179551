import Stripe from 'stripe';
import { parseSignatureHeader, WebhookVerifier } from './webhook-signature';

/** The lean verification: stripe-node's rules, one HMAC on the usual path. */
describe('WebhookVerifier', () => {
  const stripe = new Stripe('sk_test_unit');
  const event = (account?: string) => JSON.stringify({ id: 'evt_1', object: 'event', type: 'test.effect', ...(account ? { account } : {}) });
  const sign = (payload: string, secret: string) => stripe.webhooks.generateTestHeaderString({ payload, secret });
  const verifier = new WebhookVerifier(stripe, 'whsec_p', 'whsec_c');
  afterEach(() => jest.restoreAllMocks());

  it('computes one HMAC for a correctly signed event of either kind, two only to explain a refusal', () => {
    // the module object itself (an `import * as` namespace is a copy under the test transform)
    const hmac = jest.spyOn(require('node:crypto') as typeof import('node:crypto'), 'createHmac');
    for (const [payload, secret] of [
      [event(), 'whsec_p'],
      [event('acct_1'), 'whsec_c'],
    ]) {
      const signature = sign(payload, secret); // stripe-node's signer uses createHmac too
      hmac.mockClear();
      expect(verifier.verify(Buffer.from(payload), signature, JSON.parse(payload)).id).toBe('evt_1');
      expect(hmac).toHaveBeenCalledTimes(1);
    }
    const wrongKind = sign(event('acct_1'), 'whsec_p');
    hmac.mockClear();
    expect(() => verifier.verify(Buffer.from(event('acct_1')), wrongKind)).toThrow(expect.objectContaining({ code: 'WEBHOOK_SECRET_MISMATCH' }));
    expect(hmac).toHaveBeenCalledTimes(2);
  });

  it('accepts any of several v1 signatures (a secret being rolled) and refuses a v1 of the wrong length', () => {
    const payload = event();
    const good = sign(payload, 'whsec_p');
    const other = sign(payload, 'whsec_old').replace(/^t=\d+,/, '');
    expect(verifier.verify(Buffer.from(payload), `${good},${other}`).id).toBe('evt_1');
    const t = good.split(',')[0];
    expect(() => verifier.verify(Buffer.from(payload), `${t},v1=abcd`)).toThrow(expect.objectContaining({ code: 'WEBHOOK_SIGNATURE_INVALID' }));
  });

  it('parses t= and every v1= of the header', () => {
    expect(parseSignatureHeader('t=12,v1=aa,v0=bb,v1=cc')).toEqual({ timestamp: 12, v1: ['aa', 'cc'] });
    expect(parseSignatureHeader('t=,v1=aa')).toEqual({ timestamp: null, v1: ['aa'] });
    expect(parseSignatureHeader('garbage')).toEqual({ timestamp: null, v1: [] });
  });
});
