import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { createDataSource } from './data-source';

/** One TypeORM DataSource for the process; migrations run at start-up (never `synchronize`). */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [APP_CONFIG],
      useFactory: async (cfg: AppConfig) => {
        const ds = createDataSource(cfg.databaseUrl);
        await ds.initialize();
        if (process.env.SKIP_MIGRATIONS !== 'true') {
          // several instances may start at once: one migrates, the others wait
          const qr = ds.createQueryRunner();
          await qr.connect();
          await qr.query(`SELECT pg_advisory_lock(727001)`);
          try {
            await ds.runMigrations({ transaction: 'each' });
          } finally {
            await qr.query(`SELECT pg_advisory_unlock(727001)`);
            await qr.release();
          }
        }
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
