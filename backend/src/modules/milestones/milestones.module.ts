import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { AutoReleaseService } from './auto-release.service';
import { AdminJobsController, MilestonesController } from './milestones.controller';
import { MilestonesService } from './milestones.service';

/** Deliverables, approval, change requests and the auto-release job. */
@Module({
  imports: [PaymentsModule],
  controllers: [MilestonesController, AdminJobsController],
  providers: [MilestonesService, AutoReleaseService],
  exports: [MilestonesService],
})
export class MilestonesModule {}
