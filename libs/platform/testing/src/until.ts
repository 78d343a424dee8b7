/**
 * Polls `probe` every `everyMs` until it answers something other than undefined or false, and
 * returns that; throws after `ms` (naming `what`). For tests that wait on a queue or a worker.
 */
export async function until<T>(probe: () => Promise<T | undefined | false>, ms = 20_000, what = 'condition', everyMs = 50): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
