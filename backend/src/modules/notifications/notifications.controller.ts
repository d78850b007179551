import { Body, Controller, Get, HttpCode, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../../common/auth/auth.types';
import { CurrentUser, Public } from '../../common/auth/decorators';
import { NotificationsService } from './notifications.service';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:480px;margin:48px auto;padding:0 16px;color:#1a1f36"><h1 style="font-size:22px">${title}</h1>${body}</body></html>`;
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @ApiBearerAuth()
  @Get('preferences')
  preferences(@CurrentUser() user: AuthUser) {
    return this.notifications.preferences(user);
  }

  @ApiBearerAuth()
  @ApiBody({ schema: { type: 'object', properties: { email: { type: 'object', additionalProperties: { type: 'boolean' } } }, required: ['email'] } })
  @Put('preferences')
  update(@CurrentUser() user: AuthUser, @Body() body: unknown) {
    return this.notifications.update(user, body);
  }

  /**
   * The link in an email opens a confirmation page (mail scanners follow GET links: a GET must not unsubscribe);
   * its button — and a mail client's one-click unsubscribe (RFC 8058) — POST here.
   */
  @Public()
  @ApiExcludeEndpoint()
  @Get('unsubscribe')
  confirmPage(@Query('u') u: string, @Query('k') k: string, @Query('s') s: string, @Res() res: Response) {
    const action = `/api/notifications/unsubscribe?u=${encodeURIComponent(String(u ?? ''))}&k=${encodeURIComponent(String(k ?? ''))}&s=${encodeURIComponent(String(s ?? ''))}`;
    res
      .type('html')
      .setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
      .send(
        page(
          'Unsubscribe from CollabPay emails',
          `<p>Stop getting this kind of email?</p><form method="post" action="${esc(action)}"><button type="submit">Unsubscribe</button></form>`,
        ),
      );
  }

  @Public()
  @ApiExcludeEndpoint()
  @HttpCode(200)
  @Post('unsubscribe')
  async unsubscribe(@Query('u') u: string, @Query('k') k: string, @Query('s') s: string, @Res() res: Response) {
    const label = await this.notifications.unsubscribe(u, k, s);
    res
      .type('html')
      .setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
      .send(
        page(
          'You are unsubscribed',
          `<p>You will no longer get emails for: ${esc(label)}.</p><p>You can switch them back on in the app's notification settings.</p>`,
        ),
      );
  }
}
