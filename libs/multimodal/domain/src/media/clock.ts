/**
 * Timestamps as people cite them ("at 1:23"): the form transcripts and video frames carry into the
 * prompt, so an answer can point at a moment of a clip.
 */

/** `m:ss` under an hour, `h:mm:ss` above; `decimals` adds tenths (`0:03.4`). */
export function formatClock(seconds: number, decimals = 0): string {
  const s = Math.max(0, seconds);
  const scale = 10 ** decimals;
  const total = Math.floor(s * scale + 1e-6) / scale;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total - h * 3600 - m * 60;
  const secText = (decimals ? sec.toFixed(decimals) : String(Math.floor(sec))).padStart(decimals ? 3 + decimals : 2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${secText}` : `${m}:${secText}`;
}

export interface TimedText {
  startMs: number;
  endMs: number;
  text: string;
}

/**
 * A transcript as prompt text: `[Audio 1, 0:07 long, transcript: [0:00.8–0:02.4] hello there [0:03.1–0:05.0] …]`,
 * or a line saying no speech was found.
 */
export function transcriptPromptText(label: string, durationMs: number, segments: readonly TimedText[]): string {
  const head = `[${label}, ${formatClock(durationMs / 1000)} long`;
  if (segments.length === 0) return `${head}: no speech found in it]`;
  const body = segments.map((s) => `[${formatClock(s.startMs / 1000, 1)}–${formatClock(s.endMs / 1000, 1)}] ${s.text}`).join(' ');
  return `${head}, transcript: ${body}]`;
}
