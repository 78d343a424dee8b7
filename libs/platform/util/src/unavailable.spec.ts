import { FrontierError, InvalidInputError } from './errors';
import { asUnavailable, dependencyFailure, isUnavailable, OUTAGE_RETRY_AFTER_S } from './unavailable';

const err = (props: Record<string, unknown>, message = 'x') => Object.assign(new Error(message), props);

describe('dependencyFailure: connection failures by shape', () => {
  it('recognises Prisma connection codes, adapter kinds and SQLSTATEs as postgres', () => {
    for (const code of ['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']) expect(dependencyFailure(err({ code }))).toBe('postgres');
    // a raw query on a stopped server: P2010 carrying the adapter's kind (as measured on Prisma 7 + adapter-pg)
    expect(dependencyFailure(err({ code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } } }))).toBe('postgres');
    expect(dependencyFailure(err({ code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'postgres', code: '57P01' } } } }))).toBe('postgres');
    expect(dependencyFailure(err({ name: 'PrismaClientInitializationError' }))).toBe('postgres');
    expect(dependencyFailure(err({ code: '57P03' }, 'the database system is starting up'))).toBe('postgres');
    expect(dependencyFailure(new Error('timeout exceeded when trying to connect'))).toBe('postgres');
    expect(dependencyFailure(new Error('Connection terminated unexpectedly'))).toBe('postgres');
    // pg's client inside an interactive transaction when the server goes away (no code on the error)
    expect(dependencyFailure(new Error('Client has encountered a connection error and is not queryable'))).toBe('postgres');
    expect(dependencyFailure(new Error('Client was closed and is not queryable'))).toBe('postgres');
  });

  it('recognises ioredis and BullMQ errors as redis', () => {
    expect(dependencyFailure(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe('redis');
    expect(dependencyFailure(new Error('Connection is closed.'))).toBe('redis');
    expect(dependencyFailure(new Error('Command timed out'))).toBe('redis');
    expect(dependencyFailure(err({ name: 'MaxRetriesPerRequestError' }, 'Reached the max retries per request limit (which is 1).'))).toBe('redis');
    expect(dependencyFailure(err({ name: 'ConnectionClosedError' }))).toBe('redis');
  });

  it('recognises socket codes, causes and aggregate errors', () => {
    expect(dependencyFailure(err({ code: 'ECONNREFUSED', syscall: 'connect' }))).toBe('dependency');
    expect(dependencyFailure(new Error('wrapped', { cause: new Error('Connection is closed.') }))).toBe('redis');
    expect(dependencyFailure(new AggregateError([new Error('nope'), err({ code: 'P1001' })]))).toBe('postgres');
  });

  it('leaves bugs, constraint errors and input errors alone', () => {
    expect(dependencyFailure(err({ code: 'P2002' }, 'Unique constraint failed'))).toBeUndefined();
    expect(dependencyFailure(err({ code: 'P2003' }, 'Foreign key constraint violated'))).toBeUndefined();
    expect(dependencyFailure(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBeUndefined();
    expect(dependencyFailure(new InvalidInputError('user_id', 'bad'))).toBeUndefined();
    expect(dependencyFailure('Connection is closed')).toBeUndefined();
    expect(isUnavailable(null)).toBe(false);
  });
});

describe('asUnavailable', () => {
  it('turns a connection failure into a typed 503 with Retry-After, keeping the cause', () => {
    const cause = err({ code: 'P1001' }, "Can't reach database server at 127.0.0.1:5432");
    const e = asUnavailable(cause);
    expect(e).toBeInstanceOf(FrontierError);
    expect(e).toMatchObject({ category: 'unavailable', code: 'postgres.unavailable', retryAfterS: OUTAGE_RETRY_AFTER_S, cause });
    expect(asUnavailable(err({ code: 'ECONNREFUSED' }), 'redis')?.code).toBe('redis.unavailable');
  });

  it('passes typed unavailable errors through and refuses the rest', () => {
    const typed = new FrontierError('unavailable', 'queue.unavailable', 'down', { retryAfterS: 5 });
    expect(asUnavailable(typed)).toBe(typed);
    expect(asUnavailable(new InvalidInputError('f', 'bad'))).toBeUndefined();
    expect(asUnavailable(new Error('boom'))).toBeUndefined();
  });
});
