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

/** Billing: companies as Stripe customers, saved cards, pay by invoice and monthly retainers. */
@Module({
  imports: [PaymentsModule],
  controllers: [BillingController, SavedCardPaymentsController, InvoicesController],
  providers: [BillingCustomerRepository, CustomersService, SavedCardPaymentService, InvoiceRepository, InvoicesService, BillingWebhooksHandler],
  exports: [CustomersService, InvoicesService],
})
export class BillingModule {}
