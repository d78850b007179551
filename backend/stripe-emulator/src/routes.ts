import { Route } from './http/router';
import { accountRoutes } from './resources/accounts';
import { balanceRoutes } from './resources/balance';
import { chargeRoutes } from './resources/charges';
import { customerRoutes } from './resources/customers';
import { disputeRoutes } from './resources/disputes';
import { eventRoutes } from './resources/events';
import { invoiceItemRoutes } from './resources/invoice-items';
import { invoiceRoutes } from './resources/invoices/invoices';
import { loginLinkRoutes } from './resources/login-links';
import { paymentIntentRoutes } from './resources/payment-intents';
import { paymentMethodRoutes } from './resources/payment-methods';
import { payoutRoutes } from './resources/payouts';
import { priceRoutes } from './resources/products/prices';
import { productRoutes } from './resources/products/products';
import { refundRoutes } from './resources/refunds';
import { setupIntentRoutes } from './resources/setup-intents';
import { subscriptionRoutes } from './resources/subscriptions/routes';
import { transferRoutes } from './resources/transfers';
import { webhookEndpointRoutes } from './resources/webhook-endpoints';

/** Every /v1 route the emulator serves, resource by resource (the server matches them in this order). */
export function buildRoutes(): Route[] {
  const routes: Route[] = [
    ...customerRoutes(),
    ...paymentMethodRoutes(),
    ...paymentIntentRoutes(),
    ...setupIntentRoutes(),
    ...chargeRoutes(),
    ...refundRoutes(),
    ...disputeRoutes(),
    ...balanceRoutes(),
    ...accountRoutes(),
    ...loginLinkRoutes(),
    ...transferRoutes(),
    ...payoutRoutes(),
    ...invoiceRoutes(),
    ...invoiceItemRoutes(),
    ...eventRoutes(),
    ...webhookEndpointRoutes(),
    ...productRoutes(),
    ...priceRoutes(),
    ...subscriptionRoutes(),
  ];
  return routes;
}
