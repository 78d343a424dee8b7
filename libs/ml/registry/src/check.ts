import type { ModelRole } from '@frontier/ml-ports';
import type { ModelRegistry } from './registry';

export interface CheckResult {
  role: ModelRole;
  adapter: string;
  ok: boolean;
  skipped?: boolean;
  loadMs?: number;
  probeMs?: number;
  modelId?: string;
  detail: string;
}

/** A small PNG (gray square) made with sharp, for image probes. */
async function probeImage(): Promise<Uint8Array> {
  const sharp = (await import('sharp')).default;
  return sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer();
}

const silence = (seconds: number) => ({ samples: new Float32Array(16_000 * seconds), sampleRate: 16_000 });

/** Loads the role's model and runs one tiny real inference through it. */
export async function checkRole(registry: ModelRegistry, role: ModelRole): Promise<CheckResult> {
  const c = registry.config.roles[role];
  if (!registry.configured(role)) return { role, adapter: c.adapter, ok: true, skipped: true, detail: 'not configured (offline fallback in use)' };
  const t0 = performance.now();
  try {
    const detail = await (async () => {
      switch (role) {
        case 'embedding': {
          const m = await registry.get('embedding');
          const [v] = await m.embed(['Frontier model check']);
          return { modelId: m.modelId, text: `${v?.length}-d vector` };
        }
        case 'vad': {
          const m = await registry.get('vad');
          const segs = await m.segments(silence(1));
          return { modelId: m.modelId, text: `${segs.length} speech segment(s) in 1 s of silence` };
        }
        case 'asr': {
          const m = await registry.get('asr');
          const t = await m.transcribe(silence(1));
          return { modelId: m.modelId, text: `transcribed 1 s of silence: "${t.text}"` };
        }
        case 'ocr': {
          const m = await registry.get('ocr');
          const r = await m.recognize(await probeImage());
          return { modelId: m.modelId, text: `${r.lines.length} line(s) on a blank ${r.width}×${r.height} image` };
        }
        case 'nsfw': {
          const m = await registry.get('nsfw');
          const s = await m.classify(await probeImage());
          const sum = Object.values(s).reduce((a, b) => a + b, 0);
          return { modelId: m.modelId, text: `${Object.keys(s).length} classes, scores sum ${sum.toFixed(3)}` };
        }
        case 'llm': {
          const m = await registry.get('llm');
          const r = await m.complete({ messages: [{ role: 'user', content: 'Reply with OK.' }], maxTokens: 4 });
          return { modelId: m.modelId, text: `replied "${r.content.trim()}"` };
        }
      }
    })();
    return { role, adapter: c.adapter, ok: true, probeMs: Math.round(performance.now() - t0), modelId: detail.modelId, detail: detail.text };
  } catch (e) {
    return { role, adapter: c.adapter, ok: false, probeMs: Math.round(performance.now() - t0), detail: e instanceof Error ? e.message : String(e) };
  }
}
