import { ConsoleLogger, LogLevel } from '@nestjs/common';
import type { AppConfig } from '../../config/env.schema';

const LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  info: ['fatal', 'error', 'warn', 'log'],
  warn: ['fatal', 'error', 'warn'],
  error: ['fatal', 'error'],
};

// Anything that looks like a secret, a token or a card number is masked before it is written.
const PATTERNS: Array<[RegExp, string]> = [
  [/\b(sk|rk|pk)_(test|live)_[A-Za-z0-9]+/g, '$1_$2_***'],
  [/\bwhsec_[A-Za-z0-9]+/g, 'whsec_***'],
  [/\bpi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+/g, 'pi_***_secret_***'],
  [/\b(seti_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+/g, '$1_secret_***'],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, '<jwt>'],
  [/\b(?:\d[ -]?){13,19}\b/g, '<card-number>'],
  [/("?(password|passwordHash|password_hash|authorization|client_secret|clientSecret|cvc|secret)"?\s*[:=]\s*)"[^"]*"/gi, '$1"***"'],
  [/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/g, '$1***@'],
];

export function redact(message: string): string {
  let out = message;
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
  return out;
}

// Nest's start-up chatter (every module and route) is only shown at debug level.
const NOISY_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'WebSocketsController']);

class RedactingLogger extends ConsoleLogger {
  constructor(
    options: ConstructorParameters<typeof ConsoleLogger>[1],
    private readonly quiet: boolean,
  ) {
    super('', options ?? {});
  }
  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (this.quiet && typeof context === 'string' && NOISY_CONTEXTS.has(context)) return;
    super.log(message, ...(rest as [string]));
  }
  protected override formatMessage(...args: Parameters<ConsoleLogger['formatMessage']>): string {
    return redact(super.formatMessage(...args));
  }
  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel, writeStreamType?: 'stdout' | 'stderr'): void {
    super.printMessages(
      messages.map((m) => (typeof m === 'string' ? redact(m) : m)),
      context,
      logLevel,
      writeStreamType,
    );
  }
}

export function createLogger(cfg: Pick<AppConfig, 'logLevel' | 'logFormat'>): ConsoleLogger {
  return new RedactingLogger(
    { logLevels: LEVELS[cfg.logLevel], json: cfg.logFormat === 'json', colors: cfg.logFormat === 'pretty' && process.stdout.isTTY, timestamp: true },
    cfg.logLevel !== 'debug',
  );
}
