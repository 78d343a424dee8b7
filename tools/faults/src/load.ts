/**
 * A steady stream of `POST /v1/sessions` at a fixed rate, every response recorded. A few users,
 * each with a small pool of facts, so the same fact arrives in many sessions (dedup must hold);
 * one session in ten is small talk (skipped); a 503 or 429 is posted again after its Retry-After
 * (twice at most, backing off), as a well-behaved client does, and a few accepted sessions are
 * posted again (idempotent re-posts).
 */
import { performance } from 'node:perf_hooks';
import { Rng } from '@frontier/platform-util';

export interface Shot {
  session: string;
  user: string;
  /** ms since the stream's clock started, when the request was sent. */
  at: number;
  /** ms until the response (or the error). */
  ms: number;
  /** HTTP status; 0 when no answer came (refused, reset, timed out). */
  status: number;
  retryAfter: string | null;
  error?: string;
  repost: boolean;
}

const HOBBIES = ['hiking in the mountains', 'baking sourdough bread', 'playing chess', 'swimming in the sea', 'reading science fiction', 'growing tomatoes', 'painting with watercolours', 'cycling along the river', 'watching old films', 'playing the guitar', 'birdwatching at dawn', 'making pottery'];
const FAVOURITES: Array<[string, string[]]> = [
  ['food', ['sushi', 'lasagna', 'ramen', 'paella', 'dumplings']],
  ['colour', ['teal', 'orange', 'purple', 'forest green', 'navy blue']],
  ['band', ['Radiohead', 'ABBA', 'Daft Punk', 'The Beatles', 'Portishead']],
];
const RELATIONS = ['dog', 'cat', 'sister', 'brother'];
const NAMES = ['Rex', 'Luna', 'Milo', 'Nora', 'Otto', 'Clara', 'Pablo', 'Ines', 'Bruno', 'Tess'];

/** Users of a stream (`<label>-user-0` …). */
export const USERS = 6;

/** Eight facts of one user, the same for every run (seeded by the user's number). */
export function factsOf(userIndex: number): string[] {
  const rng = new Rng(1000 + userIndex);
  const pick = <T>(xs: readonly T[]): T => xs[rng.nextInt(xs.length)] as T;
  const hobbies = new Set<string>();
  while (hobbies.size < 4) hobbies.add(pick(HOBBIES));
  const favourites = FAVOURITES.slice(0, 2).map(([thing, values]) => `My favourite ${thing} is ${pick(values)}`);
  const relations = [...new Set([pick(RELATIONS), pick(RELATIONS)])].map((rel) => `My ${rel} is named ${pick(NAMES)}`);
  return [...[...hobbies].map((h) => `I love ${h}`), ...favourites, ...relations];
}

export interface SessionBody {
  user_id: string;
  session_id: string;
  started_at: string;
  turns: Array<{ id: string; role: 'user' | 'assistant'; content: string }>;
}

/** The n-th session of a stream: two facts of one user (one said as "remember that"), or small talk. */
export function sessionOf(label: string, n: number, users: number, rng: Rng): SessionBody {
  const u = rng.nextInt(users);
  const base = { user_id: `${label}-user-${u}`, session_id: `${label}-s${n}`, started_at: new Date(Date.now() - 60_000).toISOString() };
  if (rng.next() < 0.1) {
    return { ...base, turns: [{ id: 't0', role: 'user', content: 'Hi there, how is your day going?' }, { id: 't1', role: 'assistant', content: 'Pretty good, thanks for asking!' }] };
  }
  const facts = factsOf(u);
  const a = facts[rng.nextInt(facts.length)] as string;
  const b = facts[rng.nextInt(facts.length)] as string;
  return {
    ...base,
    turns: [
      { id: 't0', role: 'user', content: `Remember that ${a.replace(/^My /, 'my ')}.` },
      { id: 't1', role: 'assistant', content: 'Noted, I will keep that in mind.' },
      { id: 't2', role: 'user', content: `${b}. What should I do this weekend?` },
    ],
  };
}

export interface StreamOptions {
  /** Where requests go now (an API restarted on another port is picked up). */
  base: () => string;
  key: string;
  /** Session posts per second. */
  rate: number;
  /** Prefix of user and session ids (one per scenario). */
  label: string;
  users?: number;
  seed?: number;
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A session answered 503 or 429 is posted again at most this many times. */
const MAX_RETRIES = 2;

export class SessionStream {
  readonly shots: Shot[] = [];
  private readonly t0 = performance.now();
  private readonly rng: Rng;
  private readonly inflight = new Set<Promise<void>>();
  private readonly accepted: SessionBody[] = [];
  private readonly retries = new Map<string, number>();
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private n = 0;

  constructor(private readonly o: StreamOptions) {
    this.rng = new Rng(o.seed ?? 7);
  }

  /** ms on the stream's clock (the one shots are stamped with). */
  now(): number {
    return performance.now() - this.t0;
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** `count` posts at once (a batch arriving together), on top of the steady stream. */
  burst(count: number): void {
    for (let i = 0; i < count; i++) this.fire(sessionOf(this.o.label, this.n++, this.o.users ?? USERS, this.rng), false);
  }

  /** Stops sending and waits for every answer (re-posts already scheduled are dropped). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  private async run(): Promise<void> {
    const interval = 1000 / this.o.rate;
    const start = this.now();
    for (let k = 0; this.running; k++) {
      const wait = start + k * interval - this.now();
      if (wait > 0) await sleep(wait);
      if (!this.running) break;
      // one post in twenty repeats an accepted session (a client retrying): idempotent, 202
      const again = this.accepted.length > 0 && this.rng.next() < 0.05 ? this.accepted[this.rng.nextInt(this.accepted.length)] : undefined;
      this.fire(again ?? sessionOf(this.o.label, this.n++, this.o.users ?? USERS, this.rng), again !== undefined);
    }
  }

  private fire(body: SessionBody, repost: boolean): void {
    const p = this.post(body, repost).finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  private async post(body: SessionBody, repost: boolean): Promise<void> {
    const at = this.now();
    const shot: Shot = { session: body.session_id, user: body.user_id, at, ms: 0, status: 0, retryAfter: null, repost };
    try {
      const res = await fetch(`${this.o.base()}/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.o.key}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000),
      });
      await res.arrayBuffer();
      shot.status = res.status;
      shot.retryAfter = res.headers.get('retry-after');
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      shot.error = err.cause?.code ?? err.name;
    }
    shot.ms = this.now() - at;
    this.shots.push(shot);
    if (shot.status >= 200 && shot.status < 300 && !repost) this.accepted.push(body);
    const tries = this.retries.get(body.session_id) ?? 0;
    if ((shot.status === 503 || shot.status === 429) && tries < MAX_RETRIES && this.running) {
      // honour Retry-After, backing off on each try (a storm of retries would be a fault of its own)
      this.retries.set(body.session_id, tries + 1);
      await sleep(Math.min(Number(shot.retryAfter ?? 1) || 1, 5) * 1000 * (tries + 1));
      if (this.running) this.fire(body, true);
    }
  }
}
