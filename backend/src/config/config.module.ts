import { Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from './env.schema';

export const APP_CONFIG = Symbol('APP_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config?: AppConfig) {
    const value = config ?? loadConfig();
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: value }],
      exports: [APP_CONFIG],
    };
  }
}
