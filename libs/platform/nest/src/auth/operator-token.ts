import type { Request } from 'express';
import { hashSecret, sameDigest } from './api-keys';

/**
 * Whether the request presents `token` (`Authorization: Bearer <token>`, or `?token=` when
 * `allowQuery`, for browsers opening /docs), compared in constant time.
 */
export function presentsToken(req: Pick<Request, 'headers' | 'query'>, token: string, allowQuery = false): boolean {
  const header = req.headers.authorization;
  const query = req.query?.['token'];
  const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : allowQuery && typeof query === 'string' ? query : undefined;
  return given !== undefined && sameDigest(hashSecret(given), hashSecret(token));
}
