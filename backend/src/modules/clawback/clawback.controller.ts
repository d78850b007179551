import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { Request, Response } from 'express';
import type { AuthUser } from '../../common/auth/auth.types';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { UuidPipe } from '../../common/http/uuid.pipe';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { ClawbackService } from './clawback.service';
import { requestKeyOf } from '../payments/payments.controller';
import { Audited } from '../audit/audit';

export class ClawbackDto {
  @ApiProperty({ description: 'minor units, at most what was released and not yet clawed back' })
  @IsInt({ message: 'amount must be an integer number of minor units' })
  @Min(1, { message: 'amount must be positive' })
  @Max(Number.MAX_SAFE_INTEGER)
  amount: number;

  @ApiProperty({ minLength: 1, maxLength: 500 })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'reason must be 1 to 500 characters' })
  @MinLength(1, { message: 'reason must be 1 to 500 characters' })
  @MaxLength(500, { message: 'reason must be 1 to 500 characters' })
  reason: string;
}

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/payments')
export class AdminClawbackController {
  constructor(
    private readonly clawbacks: ClawbackService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post(':id/clawback')
  @Audited('payment.clawback', 'payment')
  @HttpCode(200)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key + same body within 24 h returns the first response' })
  @ApiOperation({ summary: "Refund released money to the company and recover it from the influencer's wallet (available first, the rest owed)" })
  clawback(
    @CurrentUser() user: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() dto: ClawbackDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.idempotency.run(req, res, user.id, () => this.clawbacks.clawback(user, id, dto.amount, dto.reason, requestKeyOf(req)), 200);
  }
}
