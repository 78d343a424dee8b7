/**
 * Job webhooks, signed like Stripe's: `x-frontier-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">`. A receiver recomputes the HMAC with the shared secret and rejects old timestamps.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signWebhook(secret: string, body: string, nowS = Math.floor(Date.now() / 1000)): string {
  return `t=${nowS},v1=${createHmac('sha256', secret).update(`${nowS}.${body}`).digest('hex')}`;
}

/** Checks a signature header against the body; `toleranceS` bounds the timestamp's age. */
export function verifyWebhook(secret: string, body: string, header: string, toleranceS = 300, nowS = Math.floor(Date.now() / 1000)): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const t = Number(parts['t']);
  if (!Number.isInteger(t) || Math.abs(nowS - t) > toleranceS || !parts['v1']) return false;
  const want = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const got = Buffer.from(parts['v1']);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Why a webhook URL is refused (null: allowed): https/http only, an allow-listed host, and a secret to sign with. */
export function webhookProblem(url: string, allowHosts: readonly string[], hasSecret: boolean): string | null {
  if (!hasSecret) return 'is not accepted: this gateway has no webhook secret (JOB_WEBHOOK_SECRET)';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'must be an http(s) URL';
  if (u.username || u.password) return 'must not carry credentials';
  if (!allowHosts.includes(u.hostname)) return `host ${u.hostname} is not allowed (JOB_WEBHOOK_HOSTS)`;
  return null;
}
