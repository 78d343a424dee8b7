import { defineProfile } from './profile';

/** CLIP ViT-L/14 patch size and LLaVA-1.5's input side. */
export const LLAVA_PATCH_PX = 14;
export const LLAVA_IMAGE_PX = 336;
/** The design's resolution ladder for the CLIP encoder: 336 → 280 → 168 → 84 px (576 → 400 → 144 → 36 tokens). */
export const LLAVA_IMAGE_LADDER: readonly number[] = [336, 280, 168, 84];

/**
 * LLaVA-1.5 (CLIP ViT-L/14 @ 336 px): an image is one (side/14)² patch grid, 576 tokens at 336 px.
 * Stock LLaVA-1.5 always resizes to 336 px; this profile models the design's multi-resolution
 * encoder, which encodes at the smallest ladder rung that holds the image's long edge (so a
 * 1080p photo is 576, an image scaled to 280 px is 400, a 100-px icon is 144). Behind a stock
 * LLaVA-1.5 server, every image costs 576 whatever its size: keep images above 280 px there.
 */
export function llavaImageTokens(width: number, height: number): number {
  const long = Math.max(width, height);
  let side = LLAVA_IMAGE_PX;
  for (const rung of LLAVA_IMAGE_LADDER) if (rung >= long && rung < side) side = rung;
  const grid = Math.ceil(side / LLAVA_PATCH_PX);
  return grid * grid;
}

export const LLAVA_15 = defineProfile({
  id: 'llava-1.5',
  source: 'LLaVA-1.5 (Liu et al., 2023): CLIP ViT-L/14 at 336 px, 24×24 = 576 patch tokens; lower rungs (side/14)²',
  contextTokens: 4096,
  imageLadder: LLAVA_IMAGE_LADDER,
  imageTokens: llavaImageTokens,
});
