import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditController } from './audit.controller';
import { AdminAuditInterceptor } from './audit.interceptor';
import { AuditRepository } from './audit.repository';

/** The admin audit log: written by a global interceptor, read by GET /api/admin/audit-log. */
@Module({
  controllers: [AuditController],
  providers: [AuditRepository, { provide: APP_INTERCEPTOR, useClass: AdminAuditInterceptor }],
})
export class AuditModule {}
