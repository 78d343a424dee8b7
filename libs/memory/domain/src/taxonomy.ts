/**
 * Memory types and what each implies: how long it stays true (durability → decay curve and how
 * hard it is to supersede), how sensitive it is (special categories under GDPR art. 9 are never
 * volunteered into prompts unless asked), and where it sits in eviction order.
 */
export const MEMORY_TYPES = ['biography', 'relationship', 'health', 'preference', 'work', 'location', 'plan', 'context', 'mood', 'politics', 'religion', 'sexuality', 'episode'] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];

export type Durability = 'durable' | 'stable' | 'volatile';
export type Sensitivity = 'normal' | 'personal' | 'special-category';

export interface TypePolicy {
  durability: Durability;
  sensitivity: Sensitivity;
  /** Recency decay: score halves at `halfLifeDays` and falls to 0.1 at `tenthLifeDays`. */
  halfLifeDays: number;
  tenthLifeDays: number;
  /** Confidence a new fact needs to supersede an existing fact of this type. */
  supersedeMinConfidence: number;
  /** Heading in "what do you know about me?". */
  label: string;
}

const d = (durability: Durability, sensitivity: Sensitivity, halfLifeDays: number, tenthLifeDays: number, supersedeMinConfidence: number, label: string): TypePolicy => ({
  durability,
  sensitivity,
  halfLifeDays,
  tenthLifeDays,
  supersedeMinConfidence,
  label,
});

/** Defaults: the design's 180-day half-life / 2-year tenth-life for everyday facts. */
export const DEFAULT_TYPE_POLICIES: Record<MemoryType, TypePolicy> = {
  biography: d('durable', 'personal', 3 * 365, 10 * 365, 0.9, 'About you'),
  relationship: d('durable', 'personal', 2 * 365, 6 * 365, 0.9, 'People in your life'),
  health: d('durable', 'special-category', 2 * 365, 6 * 365, 0.95, 'Health'),
  preference: d('stable', 'normal', 180, 730, 0.75, 'Preferences'),
  work: d('stable', 'personal', 180, 730, 0.75, 'Work'),
  location: d('stable', 'personal', 180, 730, 0.75, 'Places'),
  plan: d('volatile', 'normal', 30, 120, 0.7, 'Plans'),
  // the design's everyday curve (0.5 at 180 days, 0.1 at two years); 60 days cost LoCoMo 25 points of recall@10
  context: d('volatile', 'normal', 180, 730, 0.7, 'Other things you mentioned'),
  mood: d('volatile', 'personal', 7, 30, 0.7, 'How you have been feeling'),
  // special categories beside health (issue 13, item 4): stored only when stated explicitly (see sensitive.ts)
  politics: d('stable', 'special-category', 2 * 365, 6 * 365, 0.9, 'Politics'),
  religion: d('durable', 'special-category', 3 * 365, 10 * 365, 0.9, 'Religion and beliefs'),
  sexuality: d('durable', 'special-category', 3 * 365, 10 * 365, 0.95, 'Sexuality'),
  // the episodic tier (issue 14, episodic.ts): a turn as said, never superseded by a fact, first out on eviction
  episode: d('volatile', 'normal', 180, 730, 1.01, 'Things you said'),
};

export function isMemoryType(x: unknown): x is MemoryType {
  return typeof x === 'string' && (MEMORY_TYPES as readonly string[]).includes(x);
}

const DURABILITY_RANK: Record<Durability, number> = { volatile: 0, stable: 1, durable: 2 };
export const durabilityRank = (d: Durability) => DURABILITY_RANK[d];
