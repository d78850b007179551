import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { WEBHOOK_EVENT_STATUSES, WebhookEventStatus } from '../webhook-event.repository';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);

export class ListWebhookEventsQuery {
  @ApiPropertyOptional({ enum: ['received', 'processed', 'failed', 'ignored'], description: 'case-insensitive' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsIn(WEBHOOK_EVENT_STATUSES, { message: 'status must be one of received, processed, failed, ignored' })
  status?: WebhookEventStatus;

  @ApiPropertyOptional({ example: 'payment_intent.succeeded' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  type?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export class ReconcileDto {
  @ApiPropertyOptional({ description: 'Unix seconds: list events created at or after this time (default: since the last run)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(4_102_444_800, { message: 'since must be a Unix timestamp in seconds' })
  since?: number;

  @ApiPropertyOptional({ default: true, description: "Also list each connected account's events" })
  @IsOptional()
  @IsIn([true, false])
  connectedAccounts?: boolean;
}

export class SweepDto {
  @ApiPropertyOptional({ description: 'Only rows received more than this many ms ago (default WEBHOOK_STALE_MS)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(366 * 24 * 3600 * 1000, { message: 'olderThanMs must be at most one year' })
  olderThanMs?: number;
}
