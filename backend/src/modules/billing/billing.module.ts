import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { BillingWebhooksHandler } from './billing-webhooks.handler';
import { BillingCustomerRepository } from './customers/billing-customer.repository';
import { BillingController, SavedCardPaymentsController } from './customers/billing.controller';
import { CustomersService } from './customers/customers.service';
import { SavedCardPaymentService } from './customers/saved-card-payment.service';
import { InvoiceRepository } from './invoices/invoice.repository';
import { InvoicesController } from './invoices/invoices.controller';
import { InvoicesService } from './invoices/invoices.service';
import { RetainerRepository } from './retainers/retainer.repository';
import { RetainersController } from './retainers/retainers.controller';
import { RetainersService } from './retainers/retainers.service';

/** Billing: companies as Stripe customers, saved cards, pay by invoice and monthly retainers. */
@Module({
  imports: [PaymentsModule],
  controllers: [BillingController, SavedCardPaymentsController, InvoicesController, RetainersController],
  providers: [
    BillingCustomerRepository,
    CustomersService,
    SavedCardPaymentService,
    InvoiceRepository,
    InvoicesService,
    RetainerRepository,
    RetainersService,
    BillingWebhooksHandler,
  ],
  exports: [CustomersService, InvoicesService, RetainersService],
})
export class BillingModule {}
