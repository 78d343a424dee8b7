import { MODALITIES, type Modality, type UsageLine, type UsageUnit } from '@frontier/multimodal-contracts';
import { InvalidInputError } from '@frontier/platform-util';

export const USAGE_UNITS: readonly UsageUnit[] = ['tokens', 'seconds', 'frames', 'images'];
export const DIRECTIONS: readonly UsageLine['direction'][] = ['input', 'output'];

/** Largest token count of one line (a Postgres integer). */
const MAX_TOKENS = 2_147_483_647;
/** Largest count of units of one line (numeric(20,6)). */
const MAX_UNITS = 1e13;
/** Largest price of one line, in US dollars (numeric(18,9)). */
const MAX_COST_USD = 1e8;

/** A price in whole nano-dollars (1e-9 USD), the precision billing stores. */
export const toNanoUsd = (usd: number): number => Math.round(usd * 1e9);
export const fromNanoUsd = (nano: number): number => nano / 1e9;

/**
 * A bill's lines checked and merged: one line per modality and direction (two lines of the same
 * modality, direction and unit are summed), prices rounded to 1e-9 USD. Refuses (400 naming
 * `lines.<i>.<field>`) an unknown modality, direction or unit, a negative or non-finite count or
 * price, fractional tokens, and one modality and direction counted in two units.
 */
export function mergeUsageLines(lines: readonly UsageLine[]): UsageLine[] {
  if (!Array.isArray(lines)) throw new InvalidInputError('lines', 'lines must be an array of usage lines');
  const merged = new Map<string, UsageLine & { nano: number }>();
  lines.forEach((line, i) => {
    const at = (field: string) => `lines.${i}.${field}`;
    if (!line || typeof line !== 'object') throw new InvalidInputError(`lines.${i}`, `lines.${i} must be a usage line`);
    if (!MODALITIES.includes(line.modality)) throw new InvalidInputError(at('modality'), `${at('modality')} must be one of ${MODALITIES.join(', ')}`);
    if (!DIRECTIONS.includes(line.direction)) throw new InvalidInputError(at('direction'), `${at('direction')} must be input or output`);
    if (!USAGE_UNITS.includes(line.unit)) throw new InvalidInputError(at('unit'), `${at('unit')} must be one of ${USAGE_UNITS.join(', ')}`);
    if (typeof line.units !== 'number' || !Number.isFinite(line.units) || line.units < 0 || line.units > MAX_UNITS) {
      throw new InvalidInputError(at('units'), `${at('units')} must be a number from 0 to ${MAX_UNITS}`);
    }
    if (!Number.isSafeInteger(line.tokens) || line.tokens < 0 || line.tokens > MAX_TOKENS) throw new InvalidInputError(at('tokens'), `${at('tokens')} must be an integer from 0 to ${MAX_TOKENS}`);
    if (typeof line.costUsd !== 'number' || !Number.isFinite(line.costUsd) || line.costUsd < 0 || line.costUsd > MAX_COST_USD) {
      throw new InvalidInputError(at('costUsd'), `${at('costUsd')} must be a number of US dollars from 0 to ${MAX_COST_USD}`);
    }
    const key = `${line.modality}/${line.direction}`;
    const prev = merged.get(key);
    if (!prev) {
      merged.set(key, { modality: line.modality, direction: line.direction, unit: line.unit, units: line.units, tokens: line.tokens, costUsd: 0, nano: toNanoUsd(line.costUsd) });
      return;
    }
    if (prev.unit !== line.unit) {
      throw new InvalidInputError(at('unit'), `${at('unit')}: ${line.modality} ${line.direction} is already counted in ${prev.unit} (one unit per modality and direction)`);
    }
    prev.units += line.units;
    prev.tokens += line.tokens;
    prev.nano += toNanoUsd(line.costUsd);
    if (prev.tokens > MAX_TOKENS) throw new InvalidInputError(at('tokens'), `${at('tokens')}: ${key} sums to more than ${MAX_TOKENS} tokens`);
  });
  const order = (m: Modality) => MODALITIES.indexOf(m);
  return [...merged.values()]
    .sort((a, b) => order(a.modality) - order(b.modality) || DIRECTIONS.indexOf(a.direction) - DIRECTIONS.indexOf(b.direction))
    .map(({ nano, ...l }) => ({ ...l, units: Math.round(l.units * 1e6) / 1e6, costUsd: fromNanoUsd(nano) }));
}
