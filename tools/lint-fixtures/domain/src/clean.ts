// Fixture: what a domain library may import. Must pass lint.
import { createHash } from 'node:crypto';

export const digest = (s: string) => createHash('sha256').update(s).digest('hex');
