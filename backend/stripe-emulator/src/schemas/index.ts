import type Stripe from 'stripe';
import { accountExtraSchemas } from './account-extras';
import { accountSchemas } from './accounts';
import { balanceSchemas } from './balance';
import { chargeSchemas } from './charges';
import { customerSchemas } from './customers';
import { eventSchemas } from './events';
import { invoiceSchemas } from './invoices';
import { paymentIntentSchemas } from './payment-intents';
import { paymentMethodSchemas } from './payment-methods';
import { productSchemas } from './products';
import { ParamSchema, S, SchemaTable } from './schema';
import { setupIntentSchemas } from './setup-intents';
import { subscriptionSchemas } from './subscriptions';
import { transferSchemas } from './transfers';

export { validateParams } from './validate';
export type { ParamSchema, SchemaTable, Spec } from './schema';

/** `GET /v1/charges/:id/refunds` (the SDK lists refunds by `charge` instead; Stripe still serves it) */
const chargeRefundList = {
  ending_before: S.id(),
  expand: S.expand(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.PaginationParams & { expand?: string[] }>;

/** Every emulated endpoint, keyed `'<METHOD> <route pattern>'` exactly as in routes.ts / subscriptions.ts. */
export const SCHEMAS: SchemaTable = {
  ...customerSchemas,
  ...paymentMethodSchemas,
  ...paymentIntentSchemas,
  ...setupIntentSchemas,
  ...chargeSchemas,
  'GET /v1/charges/:id/refunds': chargeRefundList,
  ...balanceSchemas,
  ...accountSchemas,
  ...accountExtraSchemas,
  ...transferSchemas,
  ...invoiceSchemas,
  ...eventSchemas,
  ...productSchemas,
  ...subscriptionSchemas,
};

export function schemaFor(method: string, pattern: string): SchemaTable[string] | undefined {
  return SCHEMAS[`${method} ${pattern}`];
}
