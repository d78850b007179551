import { Module } from '@nestjs/common';
import { InfluencersController } from './influencers.controller';

@Module({ controllers: [InfluencersController] })
export class InfluencersModule {}
