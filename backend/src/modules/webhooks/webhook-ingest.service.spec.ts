import Stripe from 'stripe';
import type { AppConfig } from '../../config/env.schema';
import type { WebhookEventRepository } from './webhook-event.repository';
import type { WebhookQueueService } from './webhook-queue.service';
import { signatureTimestamp, WebhookIngestService } from './webhook-ingest.service';

/** verify() alone (the real stripe-node signature code; storage is not reached). */
describe('WebhookIngestService.verify', () => {
  const stripe = new Stripe('sk_test_unit');
  const make = (webhookSecret: string, connectWebhookSecret: string) =>
    new WebhookIngestService(stripe, { stripe: { webhookSecret, connectWebhookSecret } } as AppConfig, {} as WebhookEventRepository, {} as WebhookQueueService);
  const event = (account?: string) =>
    JSON.stringify({ id: 'evt_1', object: 'event', type: 'test.effect', data: { object: {} }, ...(account ? { account } : {}) });
  const sign = (payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)) =>
    stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
  const code = (f: () => unknown) => {
    try {
      f();
      return 'accepted';
    } catch (e) {
      return (e as { code?: string }).code;
    }
  };

  it('with two secrets, each verifies only its own kind of event', () => {
    const s = make('whsec_p', 'whsec_c');
    expect(code(() => s.verify(Buffer.from(event()), sign(event(), 'whsec_p')))).toBe('accepted');
    expect(code(() => s.verify(Buffer.from(event('acct_1')), sign(event('acct_1'), 'whsec_c')))).toBe('accepted');
    expect(code(() => s.verify(Buffer.from(event('acct_1')), sign(event('acct_1'), 'whsec_p')))).toBe('WEBHOOK_SECRET_MISMATCH');
    expect(code(() => s.verify(Buffer.from(event()), sign(event(), 'whsec_c')))).toBe('WEBHOOK_SECRET_MISMATCH');
  });

  it('with one secret for both (development), both kinds pass', () => {
    for (const s of [make('whsec_same', 'whsec_same'), make('whsec_same', '')]) {
      expect(code(() => s.verify(Buffer.from(event()), sign(event(), 'whsec_same')))).toBe('accepted');
      expect(code(() => s.verify(Buffer.from(event('acct_1')), sign(event('acct_1'), 'whsec_same')))).toBe('accepted');
    }
  });

  it('refuses timestamps beyond the tolerance in the past and in the future; accepts skew within it', () => {
    const s = make('whsec_p', 'whsec_c');
    const now = Math.floor(Date.now() / 1000);
    for (const [dt, expected] of [
      [-301, 'WEBHOOK_SIGNATURE_INVALID'],
      [-290, 'accepted'],
      [290, 'accepted'],
      [301, 'WEBHOOK_SIGNATURE_INVALID'],
      [10 * 365 * 86400, 'WEBHOOK_SIGNATURE_INVALID'],
    ] as const) {
      expect({ dt, r: code(() => s.verify(Buffer.from(event()), sign(event(), 'whsec_p', now + dt))) }).toEqual({ dt, r: expected });
    }
  });

  it('reads t= from the header', () => {
    expect(signatureTimestamp('t=1700000000,v1=abc,v0=def')).toBe(1700000000);
    expect(signatureTimestamp('v1=abc, t=12')).toBe(12);
    expect(signatureTimestamp('v1=abc')).toBeNull();
    expect(signatureTimestamp('t=soon,v1=abc')).toBeNull();
  });
});
