import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { Roles } from '../../common/auth/decorators';
import { decodeCursor, PageQueryDto, toPage } from '../../common/pagination/pagination';
import { AuditRepository } from './audit.repository';

export class AuditLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'disputes.resolve' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[a-z0-9_.-]+$/, { message: 'action must be an action name such as disputes.resolve' })
  action?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID('all', { message: 'actorId must be a UUID' })
  actorId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  targetId?: string;
}

export class AuditEntryDto {
  @ApiProperty() id: string;
  @ApiProperty() actorId: string;
  @ApiProperty({ example: 'disputes.resolve' }) action: string;
  @ApiProperty({ example: 'disputes' }) targetType: string;
  @ApiProperty({ nullable: true, type: String }) targetId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'method, path, status, error code, the request body' }) details: Record<
    string,
    unknown
  >;
  @ApiProperty() createdAt: string;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] }) data: AuditEntryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/audit-log')
export class AuditController {
  constructor(private readonly repo: AuditRepository) {}

  @Get()
  @ApiOperation({ summary: 'Every admin action, newest first (?action=, ?actorId=, ?targetId=)' })
  @ApiOkResponse({ type: AuditPageDto })
  async list(@Query() q: AuditLogQueryDto): Promise<AuditPageDto> {
    const limit = q.limit ?? 20;
    const rows = await this.repo.list(limit, decodeCursor(q.cursor), q);
    const page = toPage(rows, limit, (r) => ({ createdAt: new Date(r.createdAt), id: r.id }));
    return { data: page.data.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() })), nextCursor: page.nextCursor };
  }
}
