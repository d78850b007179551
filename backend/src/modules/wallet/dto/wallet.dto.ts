import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { SUPPORTED_CURRENCIES } from '../../../common/money/currency';

const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : typeof value === 'string' ? value.toLowerCase() : value);

export class TransactionFilterDto {
  @ApiPropertyOptional({ enum: SUPPORTED_CURRENCIES })
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(SUPPORTED_CURRENCIES, { message: `currency must be one of ${SUPPORTED_CURRENCIES.join(', ')}` })
  currency?: string;

  @ApiPropertyOptional({ enum: ['credit', 'debit'] })
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(['credit', 'debit'], { message: 'type must be credit or debit' })
  type?: 'credit' | 'debit';
}

export class ListTransactionsQueryDto extends TransactionFilterDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer between 1 and 100' })
  @Min(1, { message: 'limit must be an integer between 1 and 100' })
  @Max(100, { message: 'limit must be an integer between 1 and 100' })
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
