import type { ImageDetail } from '../parts';
import { defineProfile } from './profile';

export const OPENAI_BASE_TOKENS = 85;
export const OPENAI_TILE_TOKENS = 170;
export const OPENAI_TILE_PX = 512;
export const OPENAI_FIT_PX = 2048;
export const OPENAI_SHORT_SIDE_PX = 768;

/**
 * GPT-4o / GPT-4.1 image tokens (OpenAI vision guide): `low` is 85; `high` (and `auto`) fits the
 * image in 2048×2048, scales the short side down to 768, then costs 85 + 170 per 512-px tile
 * (1024×1024 → 768×768 → 4 tiles → 765; 2048×4096 → 768×1536 → 6 tiles → 1105). Images are only
 * scaled down, never up (512×512 is one tile, 255). gpt-4o-mini bills other constants: not this profile.
 */
export function openAiImageTokens(width: number, height: number, detail: ImageDetail = 'auto'): number {
  if (detail === 'low') return OPENAI_BASE_TOKENS;
  let w = width;
  let h = height;
  if (Math.max(w, h) > OPENAI_FIT_PX) {
    const s = OPENAI_FIT_PX / Math.max(w, h);
    w = Math.max(1, Math.round(w * s));
    h = Math.max(1, Math.round(h * s));
  }
  if (Math.min(w, h) > OPENAI_SHORT_SIDE_PX) {
    const s = OPENAI_SHORT_SIDE_PX / Math.min(w, h);
    w = Math.round(w * s);
    h = Math.round(h * s);
  }
  const tiles = Math.ceil(w / OPENAI_TILE_PX) * Math.ceil(h / OPENAI_TILE_PX);
  return OPENAI_BASE_TOKENS + OPENAI_TILE_TOKENS * tiles;
}

export const OPENAI_TILES = defineProfile({
  id: 'openai-tiles',
  source: 'OpenAI vision guide (GPT-4o): high = 85 + 170 × 512-px tiles after fitting 2048² and a 768-px short side; low = 85',
  contextTokens: 128000,
  imageLadder: [],
  lowDetailStep: true,
  imageTokens: openAiImageTokens,
});
