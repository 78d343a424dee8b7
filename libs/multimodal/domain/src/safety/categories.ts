/**
 * Llama Guard 3's hazard taxonomy (MLCommons): the categories every text check answers in, whichever
 * classifier ran. An answer names the category, never the classifier's internals.
 */
export const SAFETY_CATEGORIES = {
  S1: 'Violent Crimes',
  S2: 'Non-Violent Crimes',
  S3: 'Sex-Related Crimes',
  S4: 'Child Sexual Exploitation',
  S5: 'Defamation',
  S6: 'Specialized Advice',
  S7: 'Privacy',
  S8: 'Intellectual Property',
  S9: 'Indiscriminate Weapons',
  S10: 'Hate',
  S11: 'Suicide & Self-Harm',
  S12: 'Sexual Content',
  S13: 'Elections',
  S14: 'Code Interpreter Abuse',
} as const;

export type SafetyCategory = keyof typeof SAFETY_CATEGORIES;

export const isSafetyCategory = (c: string): c is SafetyCategory => Object.prototype.hasOwnProperty.call(SAFETY_CATEGORIES, c);

/** `S10 (Hate)`. */
export const describeCategory = (c: SafetyCategory): string => `${c} (${SAFETY_CATEGORIES[c]})`;

export interface TextVerdict {
  flagged: boolean;
  /** The categories that tripped, in S-number order. */
  categories: SafetyCategory[];
}

/**
 * Llama Guard 3's completion: `safe`, or `unsafe` then a line of comma-separated categories. Anything
 * else is not a verdict (null): the caller treats the check as failed to run, not as passed.
 */
export function parseLlamaGuard(output: string): TextVerdict | null {
  const lines = output.trim().split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines[0] === 'safe') return { flagged: false, categories: [] };
  if (lines[0] !== 'unsafe') return null;
  const cats = (lines[1] ?? '').split(',').map((c) => c.trim().toUpperCase()).filter(isSafetyCategory);
  const ordered = [...new Set(cats)].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  return { flagged: true, categories: ordered.length ? ordered : ['S1'] };
}
