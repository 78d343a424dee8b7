import type { LoggerService } from '@nestjs/common';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How long a draining server keeps its listener open at most (lame duck), and the quiet that ends it sooner. */
export interface LameDuck {
  /** Default 1,000 ms (never more than half the drain bound). */
  maxMs?: number;
  /** No new request for this long ends the lame-duck phase early. Default 250 ms. */
  quietMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Tracks an HTTP server's requests so it can be drained: {@link drain} first sends
 * `Connection: close` on every answer (so busy sockets close after their response) while the
 * listener stays open for a short lame-duck phase — connections the kernel accepted before the
 * signal but the busy event loop had not read yet sit in the listen backlog, and closing the
 * listener would reset them — then stops accepting, closes idle keep-alive sockets and waits for
 * the in-flight requests, at most `timeoutMs` in all, before cutting what is left.
 */
export class HttpDrain {
  private draining = false;
  private lastRequestAt = 0;
  private readonly inFlight = new Set<ServerResponse>();

  constructor(private readonly server: Server) {
    // first listener: the header goes on before any handler can answer
    server.prependListener('request', (_req, res: ServerResponse) => {
      this.lastRequestAt = performance.now();
      this.inFlight.add(res);
      res.once('close', () => this.inFlight.delete(res));
      if (this.draining) res.setHeader('Connection', 'close');
    });
  }

  get active(): number {
    return this.inFlight.size;
  }

  async drain(timeoutMs: number, lameDuck: LameDuck = {}): Promise<{ inFlight: number; forced: boolean; ms: number; lameDuckMs: number }> {
    const t0 = performance.now();
    const inFlight = this.inFlight.size;
    this.draining = true;
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    // lame duck: answer what the backlog still holds (readiness already says 503) until quiet or the cap
    const maxMs = Math.min(lameDuck.maxMs ?? 1_000, timeoutMs / 2);
    const quietMs = lameDuck.quietMs ?? 250;
    while (this.server.listening) {
      const now = performance.now();
      if (now - t0 >= maxMs || now - Math.max(this.lastRequestAt, t0) >= quietMs) break;
      await sleep(Math.min(25, quietMs));
    }
    const lameDuckMs = Math.round(performance.now() - t0);
    const closed = new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      // stops accepting; Node closes the idle keep-alive connections here (closeIdleConnections)
      this.server.close(() => resolve());
    });
    this.server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), Math.max(0, timeoutMs - lameDuckMs))));
    const forced = await Promise.race([closed.then(() => false), late]);
    clearTimeout(timer);
    if (forced) this.server.closeAllConnections();
    return { inFlight, forced, ms: Math.round(performance.now() - t0), lameDuckMs };
  }
}

/** `127.0.0.1:3000`, `[::1]:3000`, `0.0.0.0:3000 (all IPv4 interfaces)`: what the socket is really bound to. */
export function describeAddress(address: string | AddressInfo | null): string {
  if (!address) return '(not listening)';
  if (typeof address === 'string') return address; // a unix socket or pipe
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  const all = address.address === '0.0.0.0' ? ' (all IPv4 interfaces)' : address.address === '::' ? ' (all interfaces)' : '';
  return `http://${host}:${address.port}${all}`;
}

export interface ShutdownPlan {
  service: string;
  logger: LoggerService | false;
  /** Bound of the drain step; the whole shutdown may take this plus 10 s before the process exits 1. */
  timeoutMs: number;
  /** Marks the process as draining (readiness 503). */
  begin?: () => void;
  /** Stop taking work and let the work in progress finish (HTTP requests, or jobs); returns a summary. */
  drain: (timeoutMs: number) => Promise<string>;
  /** Close the rest (Nest's hooks: queues, Prisma, Redis). */
  close: () => Promise<void>;
  /** Test hook; default process.exit. */
  exit?: (code: number) => void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * On SIGTERM or SIGINT: drain (HTTP first: stop accepting, answer what is in flight, close idle
 * keep-alive sockets; or the workers' running jobs), then close everything else in Nest's order
 * (queues, Prisma, Redis), then exit 0. A second signal, or a shutdown that overruns its bound by
 * 10 s, exits 1 at once. Returns a function that removes the handlers.
 */
export function installShutdown(plan: ShutdownPlan): () => void {
  const exit = plan.exit ?? ((code: number) => process.exit(code));
  const log = (m: string) => plan.logger && plan.logger.log(m, 'shutdown');
  const fail = (m: string) => plan.logger && plan.logger.error(m, undefined, 'shutdown');
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) {
      fail(`${signal} again during shutdown: exiting now`);
      return exit(1);
    }
    started = true;
    const t0 = performance.now();
    const hard = setTimeout(() => {
      fail(`shutdown overran ${plan.timeoutMs + 10_000} ms: exiting`);
      exit(1);
    }, plan.timeoutMs + 10_000);
    hard.unref();
    log(`${plan.service}: ${signal} received, draining (bound ${plan.timeoutMs} ms)`);
    void (async () => {
      plan.begin?.();
      log(await plan.drain(plan.timeoutMs));
      await plan.close();
      log(`${plan.service} stopped in ${Math.round(performance.now() - t0)} ms`);
      clearTimeout(hard);
      exit(0);
    })().catch((e: unknown) => {
      fail(`shutdown failed: ${e instanceof Error ? e.message : String(e)}`);
      exit(1);
    });
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return () => SIGNALS.forEach((s) => process.off(s, onSignal));
}
