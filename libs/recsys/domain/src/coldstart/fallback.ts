export interface CatalogItem {
  readonly id: string;
  /** Any popularity score (recent clicks, smoothed CTR × volume...): higher is more popular. */
  readonly popularity: number;
  readonly category: string;
  readonly creator?: string;
}

export interface FallbackOptions {
  /** Share of the list filled by global popularity first. Default 0.5. */
  readonly popularShare?: number;
  /** Per-category cap over the whole list. Default 2. */
  readonly maxPerCategory?: number;
}

/**
 * New-user fallback: "a mix of globally popular items (safe) and items with high diversity (to
 * gather signal across categories)". The first ⌈k · popularShare⌉ slots take the most popular items
 * (at most `maxPerCategory` per category); the rest go round-robin over categories not yet shown,
 * most popular category first, taking each category's most popular remaining item; if categories
 * run out, the round-robin continues over all categories under the cap, then over anything left.
 */
export function popularDiverseFallback(items: readonly CatalogItem[], k: number, options: FallbackOptions = {}): CatalogItem[] {
  const cap = options.maxPerCategory ?? 2;
  const nPopular = Math.ceil(k * (options.popularShare ?? 0.5));
  const byPop = [...items].sort((a, b) => b.popularity - a.popularity || (a.id < b.id ? -1 : 1));
  const out: CatalogItem[] = [];
  const used = new Set<string>();
  const perCat = new Map<string, number>();
  const take = (it: CatalogItem) => {
    out.push(it);
    used.add(it.id);
    perCat.set(it.category, (perCat.get(it.category) ?? 0) + 1);
  };
  for (const it of byPop) {
    if (out.length >= Math.min(k, nPopular)) break;
    if ((perCat.get(it.category) ?? 0) < cap) take(it);
  }
  // categories ordered by their best item; queues of remaining items per category
  const queues = new Map<string, CatalogItem[]>();
  for (const it of byPop) if (!used.has(it.id)) (queues.get(it.category) ?? queues.set(it.category, []).get(it.category))?.push(it);
  const unseenFirst = [...queues.keys()].sort((a, b) => Number(perCat.has(a)) - Number(perCat.has(b)));
  let progress = true;
  while (out.length < k && progress) {
    progress = false;
    for (const cat of unseenFirst) {
      if (out.length >= k) break;
      const q = queues.get(cat);
      if (q && q.length > 0 && (perCat.get(cat) ?? 0) < cap) {
        take(q.shift() as CatalogItem);
        progress = true;
      }
    }
  }
  for (const it of byPop) {
    if (out.length >= k) break;
    if (!used.has(it.id)) take(it);
  }
  return out;
}
