import { PageQueryDto } from '../../../common/pagination/pagination';
import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
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

export class ListPaymentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: PAYMENT_STATUSES })
  @IsOptional()
  @IsIn(PAYMENT_STATUSES as unknown as string[], { message: `status must be one of ${PAYMENT_STATUSES.join(', ')}` })
  status?: string;
}
