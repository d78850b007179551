import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { PAYMENT_STATUSES } from '../domain/payment-status.machine';

export class CreateIntentDto {
  @ApiProperty()
  @IsUUID('all', { message: 'collaborationId must be a UUID' })
  collaborationId: string;
}

export class ReleaseDto {
  @ApiPropertyOptional({ description: 'Release one milestone; omit to release everything still held' })
  @IsOptional()
  @IsUUID('all', { message: 'milestoneId must be a UUID' })
  milestoneId?: string;
}

export class RefundDto {
  @ApiPropertyOptional({ description: 'minor units; omit to refund everything still held' })
  @IsOptional()
  @IsInt({ message: 'amount must be an integer number of minor units' })
  @Min(1, { message: 'amount must be positive' })
  @Max(Number.MAX_SAFE_INTEGER)
  amount?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class ListPaymentsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100 })
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

  @ApiPropertyOptional({ enum: PAYMENT_STATUSES })
  @IsOptional()
  @IsIn(PAYMENT_STATUSES as unknown as string[], { message: `status must be one of ${PAYMENT_STATUSES.join(', ')}` })
  status?: string;
}
