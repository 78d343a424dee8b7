/**
 * Custom categories (Mem0's `custom_categories`: `[{"<name>": "<description>"}]`) matched
 * against a memory's text without a model: a category applies when a word of its name, or a
 * content word of its description, appears in the text (case-insensitive, with plural / -ing /
 * -ed endings folded). Deterministic and explainable; an LLM extractor may do better.
 */
export type CustomCategories = Array<Record<string, string>>;

const STOP = new Set(
  'about above after again also among and any are because been before being below between both but can could does doing down during each few for from further had has have having her here hers him his how into its itself just like more most much must not now off once only other our ours out over own same she should some such than that the their theirs them then there these they this those through too under until very was were what when where which while who whom why will with would you your yours user users information related things thing details detail memories memory mentions mentioned etc'.split(
    ' ',
  ),
);

/** A word folded to a rough stem (lowercase, common English endings removed). */
export function stem(word: string): string {
  let w = word.toLowerCase();
  for (const suffix of ['ies', 'ing', 'ed', 'es', 's']) {
    if (w.length > suffix.length + 2 && w.endsWith(suffix)) {
      w = suffix === 'ies' ? `${w.slice(0, -3)}y` : w.slice(0, -suffix.length);
      break;
    }
  }
  return w;
}

const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Names of the categories that apply to `text`, in the order given. */
export function matchCategories(text: string, categories: CustomCategories): string[] {
  const seen = new Set(words(text).map(stem));
  const out: string[] = [];
  for (const entry of categories) {
    for (const [name, description] of Object.entries(entry)) {
      const cues = [...words(name.replace(/_/g, ' ')), ...words(String(description ?? '')).filter((w) => w.length >= 4 && !STOP.has(w))];
      if (cues.some((w) => seen.has(stem(w))) && !out.includes(name)) out.push(name);
    }
  }
  return out;
}

/** True for Mem0's custom categories shape: an array of objects mapping names to descriptions. */
export function isCustomCategories(v: unknown): v is CustomCategories {
  return Array.isArray(v) && v.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e) && Object.values(e).every((d) => typeof d === 'string'));
}
