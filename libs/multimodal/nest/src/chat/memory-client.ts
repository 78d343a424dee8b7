/**
 * Memory in the loop: the gateway reads a user's `[User profile]` block from memory-api over its
 * public HTTP API (`POST /v1/memories/search`) and can post the finished exchange back as a session
 * (`POST /v1/sessions`). Off unless `MEMORY_API_URL` is set. A slow or failing memory-api never fails a
 * chat: the profile is skipped (and the response says so) after `timeoutMs`.
 */
export interface MemoryClientConfig {
  baseUrl: string;
  apiKey: string;
  /** Per call; the profile fetch sits on the path to the first token. Default 300. */
  timeoutMs?: number;
  /** Post each finished exchange back as a session. Default true. */
  writeBack?: boolean;
}

export interface MemoryClient {
  readonly writeBack: boolean;
  /** The `[User profile]` block for `userId`, or null when there is none or memory-api did not answer in time. */
  profile(userId: string, query: string): Promise<string | null>;
  /** Posts `turns` as session `sessionId` (memory-api decides if it is worth remembering). */
  postSession(userId: string, sessionId: string, turns: Array<{ role: 'user' | 'assistant'; content: string }>): Promise<void>;
}

export function createMemoryClient(config: MemoryClientConfig): MemoryClient {
  const base = config.baseUrl.replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? 300;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${config.apiKey}` };
  const post = (path: string, body: unknown, ms: number) => fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(ms) });
  return {
    writeBack: config.writeBack ?? true,
    async profile(userId, query) {
      try {
        const res = await post('/v1/memories/search', { user_id: userId, query: query.slice(0, 2000) || 'profile', limit: 8 }, timeoutMs);
        if (!res.ok) return null;
        const body = (await res.json()) as { profile?: unknown };
        if (typeof body.profile !== 'string') return null;
        // memory-api says "(nothing remembered yet)" under the header for a user it knows nothing about: no block then
        const content = body.profile.split('\n').slice(1).filter((l) => l.trim() !== '' && !l.includes('(nothing remembered yet)'));
        return content.length ? body.profile : null;
      } catch {
        return null;
      }
    },
    async postSession(userId, sessionId, turns) {
      const res = await post('/v1/sessions', { user_id: userId, session_id: sessionId, turns: turns.map((t) => ({ role: t.role, content: t.content.slice(0, 20_000) })) }, 5_000);
      if (!res.ok && res.status !== 409) throw new Error(`memory-api answered ${res.status} to the session post`);
    },
  };
}
