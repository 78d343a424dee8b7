/** Test media: text rendered to PNG with sharp (librsvg + fontconfig, DejaVu fonts). */
import sharp from 'sharp';

export interface TextStyle {
  font: string;
  size: number;
  weight?: 'normal' | 'bold';
  style?: 'normal' | 'italic';
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function textEl(text: string, x: number, y: number, s: TextStyle, fill = '#000'): string {
  return `<text x="${x}" y="${y}" font-family="${s.font}" font-size="${s.size}" font-weight="${s.weight ?? 'normal'}" font-style="${s.style ?? 'normal'}" fill="${fill}" xml:space="preserve">${esc(text)}</text>`;
}

/** One line of text on a white canvas sized to fit it. */
export async function renderLine(text: string, style: TextStyle): Promise<Buffer> {
  const width = Math.ceil(text.length * style.size * 0.68 + 2 * style.size);
  const height = Math.ceil(style.size * 2.2);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${textEl(text, style.size, Math.round(height * 0.68), style)}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A "screenshot": lines of text stacked on a canvas (light grey page, dark text). */
export async function renderPage(lines: readonly string[], width: number, height: number, style: TextStyle, pitch: number, margin = 24): Promise<Buffer> {
  const body = lines.map((t, i) => textEl(t, margin, margin + style.size + i * pitch, style, '#1a1a1a')).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#f4f4f4"/>${body}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Levenshtein distance between two strings (by UTF-16 code unit; test text is ASCII). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** 24 varied lines: words, numbers, punctuation, mixed case; paired with fonts and sizes. */
export const TEST_LINES: ReadonlyArray<[string, TextStyle]> = [
  ['Hello World 2024', { font: 'DejaVu Sans', size: 32 }],
  ['The quick brown fox jumps over the lazy dog.', { font: 'DejaVu Sans', size: 28 }],
  ['Invoice #4521 due 2024-03-15', { font: 'DejaVu Serif', size: 30 }],
  ['Total amount: 1,299.99 EUR', { font: 'DejaVu Sans', size: 26, weight: 'bold' }],
  ['Meeting moved to 10:30 in Room B', { font: 'DejaVu Serif', size: 28 }],
  ['Call support at 555-123-4567', { font: 'DejaVu Sans Mono', size: 26 }],
  ['user.name@example.com', { font: 'DejaVu Sans', size: 30 }],
  ['Version 3.14 released today', { font: 'DejaVu Serif', size: 34, weight: 'bold' }],
  ['Please send the report by Friday', { font: 'DejaVu Sans', size: 24, style: 'italic' }],
  ['Order 7781 shipped via UPS', { font: 'DejaVu Sans', size: 30, style: 'italic' }],
  ['Temperature today is 23 degrees', { font: 'DejaVu Serif', size: 26 }],
  ['She said yes, he said no', { font: 'DejaVu Sans', size: 36 }],
  ['Error 404: page not found', { font: 'DejaVu Sans Mono', size: 28, weight: 'bold' }],
  ['Buy 3 apples and 5 pears', { font: 'DejaVu Serif', size: 32, style: 'italic' }],
  ['Flight BA2490 departs at 18:45', { font: 'DejaVu Sans', size: 28 }],
  ['Password must be 12 characters', { font: 'DejaVu Serif', size: 24 }],
  ['Status code 200 returned', { font: 'DejaVu Sans Mono', size: 26 }],
  ['Sales grew 15% in Q3', { font: 'DejaVu Sans', size: 30, weight: 'bold' }],
  ['Welcome back, Alice!', { font: 'DejaVu Serif', size: 36 }],
  ['Press Enter to continue', { font: 'DejaVu Sans', size: 40 }],
  ['Distance: 42.195 km', { font: 'DejaVu Sans Mono', size: 26 }],
  ['Chapter 7 - The Long Road Home', { font: 'DejaVu Serif', size: 30, weight: 'bold' }],
  ['Copyright 2023 Frontier Labs', { font: 'DejaVu Sans', size: 22 }],
  ['Use snake_case for Python names', { font: 'DejaVu Sans Mono', size: 24 }],
];
