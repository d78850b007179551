import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../../common/auth/auth.types';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { ConnectService } from './connect.service';
import { AccountLinkDto } from './dto/connect.dto';

@ApiTags('connect')
@ApiBearerAuth()
@Roles('influencer')
@Controller('connect')
export class ConnectController {
  constructor(
    private readonly connect: ConnectService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @Post('account')
  createAccount(@CurrentUser() user: AuthUser, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.idempotency.run(req, res, user.id, () => this.connect.createAccount(user), 201);
  }

  @Post('account-link')
  accountLink(@CurrentUser() user: AuthUser, @Body() dto: AccountLinkDto) {
    return this.connect.createAccountLink(user, dto.returnUrl, dto.refreshUrl);
  }

  @Post('login-link')
  loginLink(@CurrentUser() user: AuthUser) {
    return this.connect.createLoginLink(user);
  }

  @Get('status')
  status(@CurrentUser() user: AuthUser) {
    return this.connect.status(user);
  }
}
