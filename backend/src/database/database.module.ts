import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { createDataSource } from './data-source';
import { migrate } from './migrate';

/** One TypeORM DataSource for the process (DATABASE_URL, may be a PgBouncer); migrations run at start-up (never `synchronize`). */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [APP_CONFIG],
      useFactory: async (cfg: AppConfig) => {
        // migrations first, over the direct connection (several instances may start at once: one migrates)
        if (process.env.SKIP_MIGRATIONS !== 'true') await migrate(cfg.databaseDirectUrl);
        const ds = createDataSource(cfg.databaseUrl);
        await ds.initialize();
        return ds;
      },
    },
  ],
  exports: [DataSource],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}
  async onApplicationShutdown() {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}
