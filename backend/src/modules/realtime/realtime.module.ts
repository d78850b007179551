import { Module } from '@nestjs/common';
import { OutboxEventRepository } from './outbox-event.repository';
import { OutboxRelay } from './outbox-relay.service';
import { RealtimeGateway } from './realtime.gateway';

/** Socket.io `/payments`: authenticated per-user rooms fed by the transactional outbox (see DESIGN.md, realtime). */
@Module({ providers: [RealtimeGateway, OutboxRelay, OutboxEventRepository], exports: [OutboxRelay] })
export class RealtimeModule {}
