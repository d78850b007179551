import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { AdminClawbackController } from './clawback.controller';
import { ClawbackService } from './clawback.service';

/** Clawback after release and the influencer's debt. */
@Module({ imports: [PaymentsModule], controllers: [AdminClawbackController], providers: [ClawbackService], exports: [ClawbackService] })
export class ClawbackModule {}
