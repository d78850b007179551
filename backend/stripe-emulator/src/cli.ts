/**
 * Run the emulator as a process: `node dist/stripe-emulator/cli.js`.
 * Env: STRIPE_EMULATOR_PORT (12111), STRIPE_EMULATOR_HOST (127.0.0.1), STRIPE_EMULATOR_PUBLIC_URL,
 * STRIPE_EMULATOR_WEBHOOK_URL + STRIPE_WEBHOOK_SECRET (platform events),
 * STRIPE_EMULATOR_CONNECT_WEBHOOK_URL + STRIPE_CONNECT_WEBHOOK_SECRET (Connect events; defaults to the platform URL),
 * STRIPE_EMULATOR_QUIET=1 to silence the request log.
 */
import { startStripeEmulator } from './index';

async function main(): Promise<void> {
  const env = process.env;
  const endpoints: Array<{ url: string; secret: string; connect?: boolean }> = [];
  if (env.STRIPE_EMULATOR_WEBHOOK_URL && env.STRIPE_WEBHOOK_SECRET)
    endpoints.push({ url: env.STRIPE_EMULATOR_WEBHOOK_URL, secret: env.STRIPE_WEBHOOK_SECRET, connect: false });
  const connectUrl = env.STRIPE_EMULATOR_CONNECT_WEBHOOK_URL ?? env.STRIPE_EMULATOR_WEBHOOK_URL;
  const connectSecret = env.STRIPE_CONNECT_WEBHOOK_SECRET ?? env.STRIPE_WEBHOOK_SECRET;
  if (connectUrl && connectSecret) endpoints.push({ url: connectUrl, secret: connectSecret, connect: true });
  const emu = await startStripeEmulator({
    port: env.STRIPE_EMULATOR_PORT ? Number(env.STRIPE_EMULATOR_PORT) : 12111,
    host: env.STRIPE_EMULATOR_HOST,
    publicUrl: env.STRIPE_EMULATOR_PUBLIC_URL,
    webhookEndpoints: endpoints,
    logger: env.STRIPE_EMULATOR_QUIET ? undefined : (m) => console.log(`[stripe-emulator] ${m}`),
  });
  console.log(`[stripe-emulator] ready on ${emu.url} (secret key ${emu.secretKey}, publishable key ${emu.publishableKey}, Stripe.js ${emu.stripeJsUrl})`);
  const stop = () => {
    void emu.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
