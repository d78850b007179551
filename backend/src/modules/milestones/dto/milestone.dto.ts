import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsISO8601, IsOptional, IsString, IsUrl, MaxLength, MinLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const URL_OPTS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class SubmitMilestoneDto {
  @ApiProperty({ minLength: 1, maxLength: 5000, description: 'what was delivered' })
  @Transform(trim)
  @IsString({ message: 'note must be 1 to 5000 characters' })
  @MinLength(1, { message: 'note must be 1 to 5000 characters' })
  @MaxLength(5000, { message: 'note must be 1 to 5000 characters' })
  note: string;

  @ApiPropertyOptional({ type: [String], maxItems: 10, description: 'http(s) links to the deliverables' })
  @IsOptional()
  @IsArray({ message: 'links must be an array of at most 10 http(s) URLs' })
  @ArrayMaxSize(10, { message: 'links must be an array of at most 10 http(s) URLs' })
  @IsString({ each: true, message: 'links must be http(s) URLs' })
  @MaxLength(2000, { each: true, message: 'a link must be at most 2000 characters' })
  @IsUrl(URL_OPTS, { each: true, message: 'links must be http(s) URLs' })
  links?: string[];
}

export class RequestChangesDto {
  @ApiProperty({ minLength: 1, maxLength: 5000, description: 'what should change' })
  @Transform(trim)
  @IsString({ message: 'note must be 1 to 5000 characters' })
  @MinLength(1, { message: 'note must be 1 to 5000 characters' })
  @MaxLength(5000, { message: 'note must be 1 to 5000 characters' })
  note: string;
}

export class AutoReleaseRunDto {
  @ApiPropertyOptional({ description: 'an instant to treat as now (ISO 8601); refused in production', example: '2030-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'asOf must be an ISO 8601 timestamp' })
  asOf?: string;
}

export class AutoReleaseResultDto {
  @ApiProperty({ type: [String], description: 'ids of the milestones this run released' })
  released: string[];
}

export { URL_OPTS };
