import { PageQueryDto } from '../../../common/pagination/pagination';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { SUPPORTED_CURRENCIES } from '../../../common/money/currency';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class MilestoneInputDto {
  @ApiProperty()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'milestone title must not be empty' })
  @MaxLength(200)
  title: string;

  @ApiProperty({ description: 'minor units' })
  @IsInt({ message: 'milestone amount must be an integer number of minor units' })
  amount: number;
}

export class CreateCollaborationDto {
  @ApiPropertyOptional({ description: 'the influencer (exactly one of influencerId and influencerEmail)' })
  @IsOptional()
  @IsUUID('all', { message: 'influencerId must be a UUID' })
  influencerId?: string;

  @ApiPropertyOptional({
    example: 'creator@example.com',
    description: 'invite by email instead of influencerId: an unregistered email becomes the influencer when it signs up as one',
  })
  @IsOptional()
  @Transform(lower)
  @IsEmail({}, { message: 'influencerEmail must be a valid email address' })
  @MaxLength(254)
  influencerEmail?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 30, description: 'days the company has to review a submitted milestone (default REVIEW_PERIOD_DAYS)' })
  @IsOptional()
  @IsInt({ message: 'reviewPeriodDays must be an integer between 1 and 30' })
  @Min(1, { message: 'reviewPeriodDays must be an integer between 1 and 30' })
  @Max(30, { message: 'reviewPeriodDays must be an integer between 1 and 30' })
  reviewPeriodDays?: number;

  @ApiProperty()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'title must not be empty' })
  @MaxLength(200)
  title: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiProperty({ description: 'minor units, e.g. 150000 = $1,500.00' })
  @IsInt({ message: 'amount must be an integer number of minor units' })
  amount: number;

  @ApiProperty({ enum: SUPPORTED_CURRENCIES })
  @Transform(lower)
  @IsIn(SUPPORTED_CURRENCIES, { message: `currency must be one of ${SUPPORTED_CURRENCIES.join(', ')}` })
  currency: string;

  @ApiPropertyOptional({ enum: ['one_time', 'monthly'], default: 'one_time', description: 'monthly = a retainer: `amount` is charged every month' })
  @IsOptional()
  @IsIn(['one_time', 'monthly'], { message: 'billing must be one_time or monthly' })
  billing?: 'one_time' | 'monthly';

  @ApiPropertyOptional({ type: [MilestoneInputDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => MilestoneInputDto)
  milestones?: MilestoneInputDto[];
}

export class ListCollaborationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsIn(['PROPOSED', 'ACCEPTED', 'ACTIVE', 'COMPLETED', 'DECLINED', 'CANCELED'])
  status?: string;
}

export class SearchInfluencersQueryDto {
  @ApiProperty({ minLength: 2, maxLength: 50, description: 'start of the name or handle' })
  @IsString({ message: 'q must be 2 to 50 characters' })
  @Transform(trim)
  @MinLength(2, { message: 'q must be 2 to 50 characters' })
  @MaxLength(50, { message: 'q must be 2 to 50 characters' })
  q: string;
}

// ---------------------------------------------------------------- responses (for the OpenAPI document)

export class FeePreviewDto {
  @ApiProperty({ description: 'minor units' }) platformFee: number;
  @ApiProperty({ description: 'minor units: amount - platformFee' }) influencerAmount: number;
}

export class SubmissionDto {
  @ApiProperty() id: string;
  @ApiProperty() note: string;
  @ApiProperty({ type: [String] }) links: string[];
  @ApiProperty() createdAt: string;
}

export class ChangeRequestDto {
  @ApiProperty() note: string;
  @ApiProperty() createdAt: string;
}

export class MilestoneDto {
  @ApiProperty() id: string;
  @ApiProperty() position: number;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'minor units' }) amount: number;
  @ApiProperty() currency: string;
  @ApiProperty({ enum: ['PENDING', 'SUBMITTED', 'CHANGES_REQUESTED', 'RELEASED', 'DISPUTED', 'REFUNDED'] }) status: string;
  @ApiProperty({ nullable: true, type: String }) reviewDueAt: string | null;
  @ApiProperty({ nullable: true, type: String }) submittedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) releasedAt: string | null;
  @ApiProperty() changeRequestCount: number;
  @ApiProperty({ type: [SubmissionDto] }) submissions: SubmissionDto[];
  @ApiProperty({ type: [ChangeRequestDto] }) changeRequests: ChangeRequestDto[];
}

export class CollaborationDto {
  @ApiProperty() id: string;
  @ApiProperty() companyId: string;
  @ApiProperty({ nullable: true, type: String, description: 'null while an invitation by email waits for its influencer to sign up' })
  influencerId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) invitedEmail: string | null;
  @ApiPropertyOptional() companyName?: string;
  @ApiPropertyOptional() influencerName?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) influencerHandle?: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty() amount: number;
  @ApiProperty() currency: string;
  @ApiProperty() billing: string;
  @ApiProperty() status: string;
  @ApiProperty() reviewPeriodDays: number;
  @ApiProperty({ description: 'platform fee rate (basis points) fixed when the collaboration was proposed' }) platformFeeBps: number;
  @ApiProperty({ type: FeePreviewDto }) feePreview: FeePreviewDto;
  @ApiProperty({ type: [MilestoneDto] }) milestones: MilestoneDto[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ nullable: true, type: String }) acceptedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) completedAt: string | null;
}

export class InfluencerSummaryDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) handle: string | null;
}

export class InfluencerSearchResultDto {
  @ApiProperty({ type: [InfluencerSummaryDto] }) data: InfluencerSummaryDto[];
}
