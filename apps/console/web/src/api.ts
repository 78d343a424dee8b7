/** The three public APIs, reached through the console's same-origin proxy. */
export type Service = 'memory' | 'gateway' | 'recsys';

export interface Credentials {
  apiKey: string;
  userId: string;
}

const STORE = 'frontier.console';

/** The key lives in sessionStorage: gone when the tab closes, never sent anywhere but the proxy. */
export function loadCredentials(): Credentials | null {
  try {
    const raw = sessionStorage.getItem(STORE);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<Credentials>;
    return typeof v.apiKey === 'string' && v.apiKey ? { apiKey: v.apiKey, userId: typeof v.userId === 'string' ? v.userId : '' } : null;
  } catch {
    return null;
  }
}

export function saveCredentials(c: Credentials | null): void {
  if (c) sessionStorage.setItem(STORE, JSON.stringify(c));
  else sessionStorage.removeItem(STORE);
}

/** An API's refusal, with its message (and the fields it names, for 400s). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function describe(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as { message?: unknown; error?: { message?: unknown } };
    if (typeof b.error?.message === 'string') return b.error.message;
    if (Array.isArray(b.message)) return b.message.join('; ');
    if (typeof b.message === 'string') return b.message;
  }
  return `HTTP ${status}`;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function qs(q: Query): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export async function raw(creds: Credentials, service: Service, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${creds.apiKey}`);
  if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const res = await fetch(`api/${service}${path}`, { ...init, headers });
  if (!res.ok) {
    let body: unknown = null;
    try {
      body = await res.json();
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, describe(res.status, body));
  }
  return res;
}

export async function json<T>(creds: Credentials, service: Service, path: string, init: RequestInit = {}): Promise<T> {
  return (await (await raw(creds, service, path, init)).json()) as T;
}
