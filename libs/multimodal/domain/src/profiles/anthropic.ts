import { defineProfile } from './profile';

export const ANTHROPIC_MAX_LONG_EDGE_PX = 1568;
/**
 * The area cap ("~1.15 megapixels", ~1,600 tokens): taken as the largest size Anthropic lists as
 * unscaled, 784×1568 (1:2), so every listed maximum (1092×1092, 951×1268, 896×1344, 819×1456)
 * passes unchanged. A large square then lands at 1108² (~1637 tokens) where Claude uses 1092²
 * (1590): a ≤ 3 % over-estimate, the safe side for a budget.
 */
export const ANTHROPIC_MAX_PIXELS = 784 * 1568;
export const ANTHROPIC_PIXELS_PER_TOKEN = 750;

/** The size Claude's preprocessing leaves: long edge ≤ 1568 px and area ≤ ~1.15 MP, aspect kept (floored). */
export function anthropicResize(width: number, height: number): { width: number; height: number } {
  const s = Math.min(1, ANTHROPIC_MAX_LONG_EDGE_PX / Math.max(width, height), Math.sqrt(ANTHROPIC_MAX_PIXELS / (width * height)));
  if (s >= 1) return { width, height };
  return { width: Math.max(1, Math.floor(width * s)), height: Math.max(1, Math.floor(height * s)) };
}

/** Anthropic vision docs: tokens = ⌈width × height / 750⌉ after {@link anthropicResize} (200² → 54, 1000² → 1334, 1092² → 1590). */
export function anthropicImageTokens(width: number, height: number): number {
  const r = anthropicResize(width, height);
  return Math.ceil((r.width * r.height) / ANTHROPIC_PIXELS_PER_TOKEN);
}

export const ANTHROPIC = defineProfile({
  id: 'anthropic',
  source: 'Anthropic vision docs: ⌈w·h/750⌉ tokens; long edge > 1568 px or > ~1.15 MP scaled down first',
  contextTokens: 200000,
  imageLadder: [1092, 768, 512, 336, 168],
  imageTokens: anthropicImageTokens,
});
