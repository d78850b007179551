import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUrl, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/pagination';
import { URL_OPTS } from '../../milestones/dto/milestone.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
export const DISPUTE_REASONS = ['not_delivered', 'quality', 'scope', 'other'] as const;
export const DISPUTE_STATUSES = ['OPEN', 'WITHDRAWN', 'RESOLVED'] as const;

export class OpenDisputeDto {
  @ApiPropertyOptional({ description: 'dispute one milestone; omit to dispute everything still held' })
  @IsOptional()
  @IsUUID('all', { message: 'milestoneId must be a UUID' })
  milestoneId?: string;

  @ApiProperty({ enum: DISPUTE_REASONS })
  @IsIn(DISPUTE_REASONS, { message: `reason must be one of ${DISPUTE_REASONS.join(', ')}` })
  reason: (typeof DISPUTE_REASONS)[number];

  @ApiProperty({ minLength: 1, maxLength: 5000 })
  @Transform(trim)
  @IsString({ message: 'details must be 1 to 5000 characters' })
  @MinLength(1, { message: 'details must be 1 to 5000 characters' })
  @MaxLength(5000, { message: 'details must be 1 to 5000 characters' })
  details: string;
}

export class DisputeMessageDto {
  @ApiProperty({ minLength: 1, maxLength: 5000 })
  @Transform(trim)
  @IsString({ message: 'body must be 1 to 5000 characters' })
  @MinLength(1, { message: 'body must be 1 to 5000 characters' })
  @MaxLength(5000, { message: 'body must be 1 to 5000 characters' })
  body: string;

  @ApiPropertyOptional({ type: [String], maxItems: 10 })
  @IsOptional()
  @IsArray({ message: 'links must be an array of at most 10 http(s) URLs' })
  @ArrayMaxSize(10, { message: 'links must be an array of at most 10 http(s) URLs' })
  @IsString({ each: true, message: 'links must be http(s) URLs' })
  @MaxLength(2000, { each: true, message: 'a link must be at most 2000 characters' })
  @IsUrl(URL_OPTS, { each: true, message: 'links must be http(s) URLs' })
  links?: string[];
}

export class ResolveDisputeDto {
  @ApiProperty({ description: "minor units released to the influencer's wallet (less its share of the platform fee)" })
  @IsInt({ message: 'releaseAmount must be an integer number of minor units' })
  @Min(0, { message: 'releaseAmount must not be negative' })
  @Max(Number.MAX_SAFE_INTEGER)
  releaseAmount: number;

  @ApiProperty({ description: 'minor units refunded to the company through Stripe' })
  @IsInt({ message: 'refundAmount must be an integer number of minor units' })
  @Min(0, { message: 'refundAmount must not be negative' })
  @Max(Number.MAX_SAFE_INTEGER)
  refundAmount: number;

  @ApiProperty({ minLength: 1, maxLength: 5000 })
  @Transform(trim)
  @IsString({ message: 'note must be 1 to 5000 characters' })
  @MinLength(1, { message: 'note must be 1 to 5000 characters' })
  @MaxLength(5000, { message: 'note must be 1 to 5000 characters' })
  note: string;
}

export class ListDisputesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DISPUTE_STATUSES })
  @IsOptional()
  @IsIn(DISPUTE_STATUSES, { message: `status must be one of ${DISPUTE_STATUSES.join(', ')}` })
  status?: string;
}

// ---------------------------------------------------------------- responses

export class DisputeMessageViewDto {
  @ApiProperty() id: string;
  @ApiProperty() authorId: string;
  @ApiProperty({ enum: ['company', 'influencer', 'admin'] }) authorRole: string;
  @ApiProperty() body: string;
  @ApiProperty({ type: [String] }) links: string[];
  @ApiProperty() createdAt: string;
}

export class ResolutionDto {
  @ApiProperty() releaseAmount: number;
  @ApiProperty() refundAmount: number;
  @ApiProperty({ description: "the platform fee's share of releaseAmount" }) platformFee: number;
  @ApiProperty({ description: 'releaseAmount - platformFee: what reached the wallet' }) influencerAmount: number;
  @ApiProperty() note: string;
  @ApiProperty() resolvedBy: string;
  @ApiProperty() resolvedAt: string;
  @ApiProperty({ nullable: true, type: String }) stripeRefundId: string | null;
}

export class DisputeDto {
  @ApiProperty() id: string;
  @ApiProperty() collaborationId: string;
  @ApiProperty({ nullable: true, type: String }) milestoneId: string | null;
  @ApiProperty() openedBy: string;
  @ApiProperty({ enum: DISPUTE_REASONS }) reason: string;
  @ApiProperty() details: string;
  @ApiProperty({ enum: DISPUTE_STATUSES }) status: string;
  @ApiProperty({ description: 'the frozen amount, minor units' }) amount: number;
  @ApiProperty() currency: string;
  @ApiProperty({ type: [DisputeMessageViewDto] }) messages: DisputeMessageViewDto[];
  @ApiProperty({ type: ResolutionDto, nullable: true }) resolution: ResolutionDto | null;
  @ApiProperty() companyId: string;
  @ApiProperty() influencerId: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ nullable: true, type: String }) closedAt: string | null;
}

export class DisputePageDto {
  @ApiProperty({ type: [DisputeDto] }) data: DisputeDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
