import { IntersectionType } from '@nestjs/swagger';
import { PageQueryDto } from '../../../common/pagination/pagination';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
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

export class ListTransactionsQueryDto extends IntersectionType(TransactionFilterDto, PageQueryDto) {}
