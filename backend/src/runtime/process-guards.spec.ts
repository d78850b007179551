import { installProcessGuards } from './process-guards';

const emit = process.emit.bind(process) as unknown as (event: string, ...args: unknown[]) => boolean;

describe('process guards', () => {
  const logger = { warn: jest.fn(), error: jest.fn() };
  const onFatal = jest.fn();
  let uninstall: () => void;
  beforeEach(() => {
    jest.clearAllMocks();
    uninstall = installProcessGuards({ logger, onFatal });
  });
  afterEach(() => uninstall());

  it('survives an unhandled rejection or uncaught exception from a dependency outage, logging it once per 10 s', () => {
    const e = Object.assign(new Error('Reached the max retries per request limit (which is 2).'), { name: 'MaxRetriesPerRequestError' });
    emit('unhandledRejection', e, Promise.resolve());
    emit('unhandledRejection', e, Promise.resolve());
    emit('uncaughtException', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }), 'uncaughtException');
    expect(onFatal).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.warn.mock.calls[0][0]).toMatch(/unhandledRejection from a dependency outage \(survived\): MaxRetriesPerRequestError/);
  });

  it('treats anything else as a bug: fatal (the default exits 1 for the supervisor to restart)', () => {
    const bug = new TypeError('x is not a function');
    emit('uncaughtException', bug, 'uncaughtException');
    emit('unhandledRejection', new RangeError('bad'), Promise.resolve());
    expect(onFatal.mock.calls.map((c) => c[1])).toEqual(['uncaughtException', 'unhandledRejection']);
    expect(onFatal.mock.calls[0][0]).toBe(bug);
  });
});
