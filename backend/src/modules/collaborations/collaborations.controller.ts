import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../common/auth/auth.types';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { UuidPipe } from '../../common/http/uuid.pipe';
import { CollaborationsService } from './collaborations.service';
import { CollaborationDto, CreateCollaborationDto, ListCollaborationsQueryDto } from './dto/collaboration.dto';

@ApiTags('collaborations')
@ApiBearerAuth()
@Controller('collaborations')
export class CollaborationsController {
  constructor(private readonly service: CollaborationsService) {}

  @Roles('company')
  @Post()
  @ApiCreatedResponse({ type: CollaborationDto })
  propose(@CurrentUser() user: AuthUser, @Body() dto: CreateCollaborationDto) {
    return this.service.propose(user, dto);
  }

  @Roles('company', 'influencer')
  @Get()
  list(@CurrentUser() user: AuthUser, @Query() q: ListCollaborationsQueryDto) {
    return this.service.list(user, q.limit ?? 20, q.cursor, q.status);
  }

  @Get(':id')
  @ApiOkResponse({ type: CollaborationDto })
  get(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.service.get(user, id);
  }

  @Roles('influencer')
  @Post(':id/accept')
  @HttpCode(200)
  accept(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.service.accept(user, id);
  }

  @Roles('influencer')
  @Post(':id/decline')
  @HttpCode(200)
  @ApiOkResponse({ type: CollaborationDto })
  decline(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.service.decline(user, id);
  }
}
