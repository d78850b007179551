import { QueryFailedError } from 'typeorm';
import { toErrorBody } from './http-exception.filter';
import { isDatabaseUnavailable, isDependencyUnavailable, isRedisUnavailable } from './dependency-errors';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('dependency errors → 503 SERVICE_UNAVAILABLE', () => {
  const database = [
    withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
    withCode('terminating connection due to administrator command', '57P01'),
    withCode('the database system is starting up', '57P03'),
    withCode('the database system is shutting down', '57P03'),
    withCode('connection failure', '08006'),
    new QueryFailedError('SELECT 1', [], withCode('terminating connection due to administrator command', '57P01')),
    Object.assign(new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'connect failed')),
  ];
  const redis = [
    Object.assign(new Error('Reached the max retries per request limit (which is 2).'), { name: 'MaxRetriesPerRequestError' }),
    new Error('Connection is closed.'),
    new Error("Stream isn't writeable and enableOfflineQueue options is false"),
  ];
  const bugs = [
    new TypeError("Cannot read properties of undefined (reading 'id')"),
    withCode('duplicate key value violates unique constraint', '23505'),
    new QueryFailedError('SELECT x', [], withCode('column "x" does not exist', '42703')),
    new Error('something else'),
    'a string',
    undefined,
  ];

  it.each(database.map((e) => [String((e as Error).message), e]))('database unavailable: %s', (_m, e) => {
    expect(isDatabaseUnavailable(e)).toBe(true);
    expect(toErrorBody(e)).toMatchObject({
      statusCode: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: expect.stringMatching(/database is temporarily unavailable/),
    });
  });

  it.each(redis.map((e) => [e.message, e]))('redis unavailable: %s', (_m, e) => {
    expect(isRedisUnavailable(e)).toBe(true);
    expect(toErrorBody(e)).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
  });

  it.each(bugs.map((e) => [String((e as Error | undefined)?.message ?? e), e]))('a bug stays a 500: %s', (_m, e) => {
    expect(isDependencyUnavailable(e)).toBe(false);
    expect(toErrorBody(e)).toMatchObject({ statusCode: 500, code: 'INTERNAL_ERROR' });
  });
});
