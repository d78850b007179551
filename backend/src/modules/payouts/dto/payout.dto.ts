import { PageQueryDto } from '../../../common/pagination/pagination';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { SUPPORTED_CURRENCIES } from '../../../common/money/currency';
import { PAYOUT_STATUSES } from '../domain/payout-status.machine';

export class RequestPayoutDto {
  /** Checked by the service (INVALID_AMOUNT, AMOUNT_BELOW_MINIMUM) so that every amount error has a stable code. */
  @ApiProperty({ description: 'minor units, at least PAYOUT_MIN_AMOUNT', example: 5000 })
  @IsDefined({ message: 'amount is required' })
  amount: number;

  @ApiProperty({ enum: SUPPORTED_CURRENCIES, example: 'usd' })
  @IsString({ message: 'currency must be a string' })
  @MaxLength(10, { message: 'currency must be an ISO 4217 code' })
  currency: string;
}

export class ListPayoutsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: PAYOUT_STATUSES })
  @IsOptional()
  @IsIn(PAYOUT_STATUSES as unknown as string[], { message: `status must be one of ${PAYOUT_STATUSES.join(', ')}` })
  status?: string;
}
