import type { INestApplication } from '@nestjs/common';
import { AuthService, PublicUser } from '../modules/auth/auth.service';

export const DEMO_PASSWORD = 'collabpay-demo';

/** Demo users with known passwords so a newcomer can click through the whole flow. */
export async function seedDemo(app: INestApplication): Promise<{ password: string; users: PublicUser[] }> {
  const auth = app.get(AuthService);
  const users = [
    await auth.upsertUser({ email: 'company@demo.collabpay.dev', password: DEMO_PASSWORD, name: 'Acme Sneakers (demo company)', role: 'company' }),
    await auth.upsertUser({ email: 'influencer@demo.collabpay.dev', password: DEMO_PASSWORD, name: 'Ava Creator (demo influencer)', role: 'influencer' }),
    await auth.upsertUser({ email: 'admin@demo.collabpay.dev', password: DEMO_PASSWORD, name: 'CollabPay Admin (demo)', role: 'admin' }),
  ];
  return { password: DEMO_PASSWORD, users };
}
