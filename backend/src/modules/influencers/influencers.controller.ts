import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/decorators';
import { InfluencerSearchResultDto, SearchInfluencersQueryDto } from '../collaborations/dto/collaboration.dto';
import { UserRepository } from '../users/user.repository';

/** Finding an influencer to propose to: by the start of the name or handle, nothing else about a user. */
@ApiTags('collaborations')
@ApiBearerAuth()
@Roles('company')
@Controller('influencers')
export class InfluencersController {
  constructor(private readonly users: UserRepository) {}

  @Get()
  @ApiOperation({ summary: 'At most 20 influencers whose name or handle starts with q (2..50 characters)' })
  @ApiOkResponse({ type: InfluencerSearchResultDto })
  async search(@Query() q: SearchInfluencersQueryDto): Promise<InfluencerSearchResultDto> {
    return { data: await this.users.searchInfluencers(q.q) };
  }
}
