/** Synthetic "real" images (no photos here): gradients, shapes, noise and a text screenshot, encoded by sharp. */
import sharp from 'sharp';
import { renderPage } from './render';

/** A sky-to-ground gradient with a sun and hills, like a landscape photo. */
function landscapeSvg(w: number, h: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2a6fdb"/><stop offset="1" stop-color="#f2c38b"/></linearGradient>
<radialGradient id="sun"><stop offset="0" stop-color="#fff6c0"/><stop offset="1" stop-color="#ffb300"/></radialGradient></defs>
<rect width="100%" height="100%" fill="url(#sky)"/><circle cx="${w * 0.7}" cy="${h * 0.3}" r="${h * 0.12}" fill="url(#sun)"/>
<path d="M0 ${h * 0.7} Q ${w * 0.25} ${h * 0.5} ${w * 0.5} ${h * 0.68} T ${w} ${h * 0.62} V ${h} H 0 Z" fill="#3c7a3a"/>
<path d="M0 ${h * 0.85} Q ${w * 0.4} ${h * 0.72} ${w} ${h * 0.88} V ${h} H 0 Z" fill="#2b5429"/></svg>`;
}

function shapesSvg(w: number, h: number): string {
  const shapes = Array.from({ length: 12 }, (_, i) => {
    const x = ((i * 97) % w) + 10;
    const y = ((i * 61) % h) + 10;
    const hue = (i * 37) % 360;
    return i % 2 ? `<circle cx="${x}" cy="${y}" r="${20 + i * 3}" fill="hsl(${hue},70%,55%)"/>` : `<rect x="${x}" y="${y}" width="${40 + i * 5}" height="${30 + i * 4}" fill="hsl(${hue},60%,45%)" transform="rotate(${i * 15} ${x} ${y})"/>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="#eee"/>${shapes}</svg>`;
}

/** Uniform noise with a warm tint. */
async function noise(w: number, h: number): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  let s = 12345;
  for (let i = 0; i < px.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    px[i] = (s >>> 24) * (i % 3 === 0 ? 1 : 0.7);
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

/** Named test images in several encodings. */
export async function syntheticImages(): Promise<Array<[string, Buffer]>> {
  const page = await renderPage(['Quarterly report', 'Revenue grew 12%', 'Next meeting: Monday 9:00'], 640, 400, { font: 'DejaVu Sans', size: 28 }, 48);
  return [
    ['landscape.jpg', await sharp(Buffer.from(landscapeSvg(640, 480))).jpeg({ quality: 85 }).toBuffer()],
    ['shapes.webp', await sharp(Buffer.from(shapesSvg(500, 500))).webp().toBuffer()],
    ['noise.png', await noise(300, 200)],
    ['screenshot.png', page],
    ['landscape-small.gif', await sharp(Buffer.from(landscapeSvg(160, 120))).gif().toBuffer()],
  ];
}
