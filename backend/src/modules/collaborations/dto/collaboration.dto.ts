import { PageQueryDto } from '../../../common/pagination/pagination';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';
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
  @ApiProperty()
  @IsUUID('all', { message: 'influencerId must be a UUID' })
  influencerId: string;

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
