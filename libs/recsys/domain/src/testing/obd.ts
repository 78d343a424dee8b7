// Spec-only helper (excluded from the library build): reads the Open Bandit Dataset sample.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseObdCsv, type ObdRows } from '../ope/obd';

/** `../shared/data/obd` relative to the workspace root, or $OBD_DIR. */
export const OBD_DIR = process.env['OBD_DIR'] ?? resolve(__dirname, '../../../../../../shared/data/obd');

export function obdPath(policy: 'random' | 'bts', campaign = 'men'): string {
  return join(OBD_DIR, policy, campaign, `${campaign}.csv`);
}

/** The campaign's item features (one row per item): `{policy}/{campaign}/item_context.csv`. */
export function readObdItemContext(policy: 'random' | 'bts', campaign = 'men'): string {
  return readFileSync(join(OBD_DIR, policy, campaign, 'item_context.csv'), 'utf8');
}

export function obdAvailable(): boolean {
  return existsSync(obdPath('random')) && existsSync(obdPath('bts'));
}

export function readObd(policy: 'random' | 'bts', campaign = 'men'): ObdRows {
  return parseObdCsv(readFileSync(obdPath(policy, campaign), 'utf8'));
}
