import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../../common/auth/auth.types';
import { inTransaction } from '../../../common/database/transaction';
import { AppError, conflict, notFound } from '../../../common/errors/app-error';
import { OutboxService } from '../../outbox/outbox.service';
import { PRE_FUNDING } from '../../payments/domain/payment-status.machine';
import { PaymentRecord, PaymentRepository } from '../../payments/payment.repository';
import { PaymentView, toPaymentView } from '../../payments/payment.view';
import { PaymentsService, stripeErrorToApp } from '../../payments/payments.service';
import { STRIPE } from '../../stripe/stripe.module';
import { CustomersService } from './customers.service';

/** PaymentIntent states in which the card has been charged (or is being): never confirm again. */
const SETTLED: string[] = ['succeeded', 'processing', 'requires_capture'];
const idOf = (x: string | { id: string } | null): string | null => (typeof x === 'string' ? x : (x?.id ?? null));

/**
 * One-click payment of a collaboration with a saved card: the payment's own PaymentIntent is confirmed off-session
 * with the card. When the bank wants the card holder (3-D Secure), the answer is 402 AUTHENTICATION_REQUIRED with
 * the client secret, so the browser can confirm on-session with the same card.
 */
@Injectable()
export class SavedCardPaymentService {
  constructor(
    private readonly ds: DataSource,
    private readonly payments: PaymentsService,
    private readonly paymentRepo: PaymentRepository,
    private readonly customers: CustomersService,
    private readonly outbox: OutboxService,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  async pay(user: AuthUser, paymentId: string, paymentMethodId: string): Promise<PaymentView> {
    const first = await this.paymentRepo.findById(paymentId);
    if (!first || first.companyId !== user.id) throw notFound('PAYMENT_NOT_FOUND', 'Payment not found');
    this.assertPayable(first);
    const customer = await this.customers.ownCard(user, paymentMethodId);
    const withIntent = await this.payments.ensureIntent(first.id);
    const piId = withIntent.stripePaymentIntentId!;
    // No row lock across the Stripe calls: a short transaction checks (under the payment's lock) that it is still
    // payable, the Stripe calls run outside any transaction, and applying the intent is the finish. The card is never
    // charged twice for one collaboration because the payment has one PaymentIntent (a PaymentIntent succeeds once)
    // and concurrent clicks send the same confirmation under the same key (Stripe runs it once, replays it to the rest).
    const p = await inTransaction(this.ds, async (em) => {
      const locked = (await this.paymentRepo.findById(paymentId, em, true))!;
      this.assertPayable(locked);
      return locked;
    });
    let error: unknown = null;
    try {
      // An earlier attempt whose answer was lost may have charged the card already: ask before confirming. Each
      // attempt that reached the card left a charge, so the key names the last one: a retry after a lost answer
      // replays that attempt, a new attempt after a decline gets a new key.
      const before = await this.stripe.paymentIntents.retrieve(piId);
      if (!SETTLED.includes(before.status)) {
        const attempt = idOf(before.latest_charge) ?? 'first';
        await this.stripe.paymentIntents.update(
          piId,
          { customer: customer.stripeCustomerId },
          { idempotencyKey: `collabpay-pi-customer-${piId}-${customer.stripeCustomerId}` },
        );
        await this.stripe.paymentIntents.confirm(
          piId,
          { payment_method: paymentMethodId, off_session: true },
          { idempotencyKey: `collabpay-pi-confirm-${piId}-${attempt}-${paymentMethodId}` },
        );
      }
    } catch (e) {
      error = e;
    }
    let pi: Stripe.PaymentIntent;
    try {
      pi = await this.stripe.paymentIntents.retrieve(piId, { expand: ['latest_charge.balance_transaction'] });
    } catch (e) {
      throw stripeErrorToApp(error ?? e);
    }
    // the confirmation went through although its answer was lost, or another click's confirmation did
    const unknownOutcome = ['StripeConnectionError', 'StripeAPIError', 'StripeIdempotencyError'].includes((error as { type?: string } | null)?.type ?? '');
    if (unknownOutcome && SETTLED.includes(pi.status)) error = null;
    await inTransaction(this.ds, (em) => this.payments.applyIntent(em, pi));
    this.outbox.notifyCommitted();
    if (error) {
      const err = error as { code?: string; decline_code?: string; type?: string; message?: string };
      if (err.code === 'authentication_required' || err.decline_code === 'authentication_required' || pi.status === 'requires_action') {
        throw new AppError(
          HttpStatus.PAYMENT_REQUIRED,
          'AUTHENTICATION_REQUIRED',
          'The bank asks the card holder to authenticate this payment: confirm it in the browser',
          {
            paymentId: p.id,
            paymentMethodId,
            clientSecret: pi.client_secret,
          },
        );
      }
      if (err.type === 'StripeCardError') {
        throw new AppError(HttpStatus.PAYMENT_REQUIRED, 'CARD_DECLINED', err.message ?? 'The card was declined', {
          paymentId: p.id,
          declineCode: err.decline_code ?? err.code ?? null,
        });
      }
      if (err.type === 'StripeIdempotencyError') throw conflict('PAYMENT_PROCESSING', 'A payment for this collaboration is being processed');
      throw stripeErrorToApp(error);
    }
    return toPaymentView((await this.paymentRepo.findById(p.id))!);
  }

  private assertPayable(p: PaymentRecord): void {
    if (p.method === 'invoice' && p.status !== 'FAILED') throw conflict('PAYMENT_BY_INVOICE', 'This collaboration is being paid by invoice');
    if (p.method === 'subscription') throw conflict('PAYMENT_BY_SUBSCRIPTION', 'This collaboration is a monthly retainer, paid by its subscription');
    if (p.status === 'PROCESSING') throw conflict('PAYMENT_PROCESSING', 'A payment for this collaboration is being processed');
    if (!PRE_FUNDING.includes(p.status)) throw conflict('PAYMENT_ALREADY_COMPLETED', `This collaboration is already paid (payment is ${p.status})`);
  }
}
