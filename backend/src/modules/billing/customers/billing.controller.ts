import { Body, Controller, Delete, Get, HttpCode, Injectable, Param, PipeTransform, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../../../common/auth/auth.types';
import { CurrentUser, Roles } from '../../../common/auth/decorators';
import { notFound } from '../../../common/errors/app-error';
import { UuidPipe } from '../../../common/http/uuid.pipe';
import { IdempotencyService } from '../../../common/idempotency/idempotency.service';
import { BillingDetailsDto, PayWithSavedCardDto } from '../dto/billing.dto';
import { CustomersService } from './customers.service';
import { SavedCardPaymentService } from './saved-card-payment.service';

const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', required: false, description: 'Same key + same body within 24 h returns the first response' };

/** A malformed payment method id can never name a saved card: 404. */
@Injectable()
export class PaymentMethodIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !/^pm_[A-Za-z0-9_]{1,200}$/.test(value)) throw notFound('PAYMENT_METHOD_NOT_FOUND', 'No such saved card');
    return value;
  }
}

@ApiTags('billing')
@ApiBearerAuth()
@Controller('billing')
export class BillingController {
  constructor(
    private readonly customers: CustomersService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Roles('company')
  @Get('customer')
  getCustomer(@CurrentUser() user: AuthUser) {
    return this.customers.getDetails(user);
  }

  @Roles('company')
  @Put('customer')
  putCustomer(@CurrentUser() user: AuthUser, @Body() dto: BillingDetailsDto) {
    return this.customers.updateDetails(user, dto);
  }

  @Roles('company')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @Post('setup-intent')
  setupIntent(@CurrentUser() user: AuthUser, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.idempotency.run(req, res, user.id, () => this.customers.createSetupIntent(user), 201);
  }

  @Roles('company')
  @Get('payment-methods')
  cards(@CurrentUser() user: AuthUser) {
    return this.customers.listCards(user);
  }

  @Roles('company')
  @Post('payment-methods/:pmId/default')
  @HttpCode(200)
  setDefault(@CurrentUser() user: AuthUser, @Param('pmId', PaymentMethodIdPipe) pmId: string) {
    return this.customers.setDefault(user, pmId);
  }

  @Roles('company')
  @Delete('payment-methods/:pmId')
  remove(@CurrentUser() user: AuthUser, @Param('pmId', PaymentMethodIdPipe) pmId: string) {
    return this.customers.removeCard(user, pmId);
  }
}

/** `POST /api/payments/:id/pay-with-saved-card` lives with billing (saved cards are a billing concern). */
@ApiTags('payments')
@ApiBearerAuth()
@Controller('payments')
export class SavedCardPaymentsController {
  constructor(
    private readonly service: SavedCardPaymentService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Roles('company')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @Post(':id/pay-with-saved-card')
  @HttpCode(200)
  pay(
    @CurrentUser() user: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() dto: PayWithSavedCardDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.idempotency.run(req, res, user.id, () => this.service.pay(user, id, dto.paymentMethodId), 200);
  }
}
