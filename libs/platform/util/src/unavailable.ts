import { FrontierError } from './errors';

/** Which dependency a connection failure concerns, when the error says. */
export type Dependency = 'postgres' | 'redis' | 'dependency';

/** Seconds a client should wait before retrying after a dependency outage (the 503's Retry-After). */
export const OUTAGE_RETRY_AFTER_S = 2;

// Prisma: P1001 can't reach, P1002 timed out, P1008 operation timed out, P1017 server closed the
// connection, P2024 pool timeout, P2037 too many connections
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
// the pg driver adapter's error kinds that mean "no usable connection"
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// SQLSTATE: connection exceptions (08…), admin/crash shutdown and "cannot connect now" (57P01-03), too many connections
const SQLSTATES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53300']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);
const REDIS_MESSAGES =
  /Connection is closed|Stream isn't writeable|enableOfflineQueue|Reached the max retries per request limit|Command timed out|Redis connection is not ready|Socket closed unexpectedly|connect ETIMEDOUT/i;
const PG_MESSAGES = /Can't reach database server|Connection terminated|timeout exceeded when trying to connect|Server has closed the connection|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command|Cannot use a pool after calling end|Client has encountered a connection error and is not queryable|Client was closed and is not queryable/i;
const REDIS_NAMES = new Set(['MaxRetriesPerRequestError', 'ConnectionClosedError']);
const PRISMA_CONNECT_NAMES = new Set(['PrismaClientInitializationError']);

interface Shape {
  name?: unknown;
  code?: unknown;
  errorCode?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown; originalCode?: unknown } } };
  cause?: unknown;
  errors?: unknown;
}

function classifyOne(e: Shape): Dependency | undefined {
  const name = typeof e.name === 'string' ? e.name : e.constructor?.name;
  const message = typeof e.message === 'string' ? e.message : '';
  const code = typeof e.code === 'string' ? e.code : typeof e.errorCode === 'string' ? e.errorCode : undefined;
  const adapter = e.meta?.driverAdapterError?.cause;
  if (adapter && (ADAPTER_KINDS.has(String(adapter.kind)) || SQLSTATES.has(String(adapter.code ?? adapter.originalCode)))) return 'postgres';
  if (code && PRISMA_CODES.has(code)) return 'postgres';
  if (name && PRISMA_CONNECT_NAMES.has(name)) return 'postgres';
  if (code && SQLSTATES.has(code)) return 'postgres';
  if (PG_MESSAGES.test(message)) return 'postgres';
  if (name && REDIS_NAMES.has(name)) return 'redis';
  if (REDIS_MESSAGES.test(message)) return 'redis';
  if (code && SOCKET_CODES.has(code)) return 'dependency';
  return undefined;
}

/**
 * Whether `e` means a dependency is unreachable (connection refused, closed, timed out, pool
 * exhausted, offline queue off) rather than a bug or a bad request, and which one. Recognises
 * Prisma's codes and driver-adapter kinds, pg SQLSTATEs, Node socket codes, ioredis and BullMQ
 * errors, by shape only (no driver import), following `cause` and AggregateError's `errors`.
 */
export function dependencyFailure(e: unknown, depth = 0): Dependency | undefined {
  if (!e || typeof e !== 'object' || depth > 4) return undefined;
  if (e instanceof FrontierError) return e.category === 'unavailable' ? 'dependency' : undefined;
  const shape = e as Shape;
  const found = classifyOne(shape);
  if (found) return found;
  if (Array.isArray(shape.errors)) {
    for (const inner of shape.errors) {
      const d = dependencyFailure(inner, depth + 1);
      if (d) return d;
    }
  }
  return dependencyFailure(shape.cause, depth + 1);
}

/** True for a typed `unavailable` error and for any raw connection failure {@link dependencyFailure} recognises. */
export function isUnavailable(e: unknown): boolean {
  return dependencyFailure(e) !== undefined;
}

/**
 * The typed 503 for a connection failure (`postgres.unavailable`, `redis.unavailable`, …, with
 * Retry-After), or undefined when `e` is something else. An `unavailable` FrontierError is
 * returned as it is. `dependency` names the dependency when the caller knows it better.
 */
export function asUnavailable(e: unknown, dependency?: Exclude<Dependency, 'dependency'>): FrontierError | undefined {
  if (e instanceof FrontierError) return e.category === 'unavailable' ? e : undefined;
  const found = dependencyFailure(e);
  if (!found) return undefined;
  const which = dependency ?? found;
  const label = which === 'postgres' ? 'the database' : which === 'redis' ? 'Redis' : 'a dependency';
  return new FrontierError('unavailable', `${which}.unavailable`, `${label} is unreachable; retry shortly`, { retryAfterS: OUTAGE_RETRY_AFTER_S, cause: e });
}
