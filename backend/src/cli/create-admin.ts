/** Creates (or resets the password of) an admin: npm run create-admin -- --email a@b.c --password '...' [--name 'Ops'] */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/env.schema';
import { AuthService } from '../modules/auth/auth.service';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const email = arg('email') ?? process.env.ADMIN_EMAIL;
  const password = arg('password') ?? process.env.ADMIN_PASSWORD;
  if (!email || !password) {
    console.error('usage: npm run create-admin -- --email admin@example.com --password <at least 8 chars> [--name "Ops"]');
    process.exit(2);
  }
  const cfg = loadConfig({ ...process.env, RUN_WORKER: 'false', RUN_SCHEDULERS: 'false' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(cfg), { logger: ['error'] });
  try {
    const user = await app.get(AuthService).upsertUser({ email, password, name: arg('name') ?? 'Administrator', role: 'admin' });
    console.log(`admin ready: ${user.email} (${user.id})`);
  } finally {
    await app.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
