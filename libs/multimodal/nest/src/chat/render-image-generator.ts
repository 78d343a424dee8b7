import sharp from 'sharp';
import type { ImageGenerator } from './image-tool';

const escape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * NOT A MODEL — `IMAGE_TOOL=render`, for demos and tests: "generates" a PNG that shows the prompt as
 * text on a plain card (sharp rasterises an SVG), so the image tool's stream (placeholder →
 * completed) runs end to end without image-generation weights. Production uses `IMAGE_TOOL=openai`.
 */
export function createRenderImageGenerator(opts: { failWhen?: (prompt: string) => boolean } = {}): ImageGenerator {
  return {
    id: 'render:prompt-card',
    async generate(prompt, size) {
      if (opts.failWhen?.(prompt)) throw new Error('the renderer refused this prompt');
      const words = prompt.split(/\s+/).filter(Boolean);
      const lines: string[] = [];
      for (const w of words) {
        const last = lines[lines.length - 1];
        if (last !== undefined && (last + ' ' + w).length <= 28) lines[lines.length - 1] = `${last} ${w}`;
        else lines.push(w);
      }
      const fontSize = Math.max(12, Math.round(size.width / 20));
      const text = lines
        .slice(0, 12)
        .map((l, i) => `<text x="50%" y="${30 + (i + 1) * fontSize * 1.3}" font-family="sans-serif" font-size="${fontSize}" text-anchor="middle" fill="#1d2b53">${escape(l)}</text>`)
        .join('');
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}"><rect width="100%" height="100%" fill="#ffe9a8"/>${text}</svg>`;
      const png = await sharp(Buffer.from(svg)).png().toBuffer();
      return { mime: 'image/png', b64: png.toString('base64'), width: size.width, height: size.height };
    },
  };
}
