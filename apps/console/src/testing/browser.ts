/**
 * Debian's Chromium, headless, through playwright-core (which downloads no browser): launch it,
 * collect the page's console errors, run axe-core inside the page, save screenshots.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
/** Where screenshots go (the test output; the best are copied to docs/console/ by hand). */
export const SHOTS_DIR = resolve(process.env['CONSOLE_SHOTS_DIR'] ?? join(__dirname, '../../../../tmp/console-shots'));

/** Fails (never skips) when Chromium is missing: `npm test`'s setup installs Debian's `chromium`. */
export async function launchChromium(executablePath = CHROMIUM): Promise<Browser> {
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}: install Debian's chromium package (apt-get install chromium; npm test's setup does this when run as root) or set CHROMIUM_PATH`);
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true });
}

/** Console errors, failed requests' errors and uncaught exceptions of a page. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's WCAG 2.x A/AA rules (and best practices) on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  // a string, run in the page: this file compiles without the DOM's types
  return (await page.evaluate(`(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  })()`)) as AxeViolation[];
}

/** A full-page screenshot at each width (1280 and 390 px), as `<name>-<width>.png`. */
export async function screenshots(page: Page, name: string, widths = [1280, 390]): Promise<string[]> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const out: string[] = [];
  const before = page.viewportSize();
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(100);
    const file = join(SHOTS_DIR, `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    out.push(file);
  }
  if (before) await page.setViewportSize(before);
  return out;
}

/** Whether the page scrolls sideways (unusable at that width). */
export async function overflowsX(page: Page): Promise<boolean> {
  return (await page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth + 1')) as boolean;
}

/**
 * At each width (1280 and 390 px): axe-core's violations, whether the page scrolls sideways, and a
 * full-page screenshot `<name>-<width>.png`. Answers `{ violations: [], overflowing: [] }` when all is well.
 */
export async function auditPage(page: Page, name: string, widths = [1280, 390]): Promise<{ violations: Array<AxeViolation & { width: number }>; overflowing: number[] }> {
  const violations: Array<AxeViolation & { width: number }> = [];
  const overflowing: number[] = [];
  const before = page.viewportSize();
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(100);
    for (const v of await axeViolations(page)) violations.push({ ...v, width });
    if (await overflowsX(page)) overflowing.push(width);
    await screenshots(page, name, [width]);
  }
  if (before) await page.setViewportSize(before);
  return { violations, overflowing };
}
