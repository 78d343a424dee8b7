/**
 * The streamed answer's safety scan. The offline rules run on every delta (microseconds, on the
 * text's tail); a configured text classifier (Llama Guard) runs on the answer in chunks — at a
 * sentence boundary once {@link OutputScanOptions.minChars} new characters arrived, or every
 * {@link OutputScanOptions.everyChars} — in the background, one call in flight at a time, so no token
 * waits for it. Its verdict stops the stream at the next delta; {@link OutputScanner.finish} checks
 * what was not yet classified and waits for the call in flight, before the stream's end goes out. A
 * classifier that fails stops the answer (fail closed, as on input).
 */
import type { SafetyCategory } from '@frontier/multimodal-domain';
import type { TextSafetyClassifier } from './text-classifier';

export interface OutputScanner {
  /** The answer grew by `delta`: the categories tripped so far (the rules at once, the classifier's verdicts as they come back), or null. Throws the classifier's failure. */
  push(delta: string): SafetyCategory[] | null;
  /** Classifies the text not yet classified and waits for the call in flight: the categories tripped, or null. Throws the classifier's failure. */
  finish(): Promise<SafetyCategory[] | null>;
}

export interface OutputScanOptions {
  /** The synchronous rules (on the last `windowChars`). */
  rules: (text: string) => SafetyCategory[];
  /** The configured classifier; null: the rules only. */
  classifier: TextSafetyClassifier | null;
  /** A chunk ends at a sentence boundary once this many new characters arrived (default 80). */
  minChars?: number;
  /** … or at this many, whatever the text (default 400). */
  everyChars?: number;
  /** What one classifier call (and each rules check) sees: the answer's last N characters (default 2000). */
  windowChars?: number;
}

const SENTENCE_END = /[.!?。！？;:\n]["'”’)\]]*\s*$/;

/** A scanner for one answer; `signal` (the request's) cancels the classifier's calls with it. */
export function createOutputScanner(o: OutputScanOptions, signal: AbortSignal): OutputScanner {
  const minChars = o.minChars ?? 80;
  const everyChars = o.everyChars ?? 400;
  const windowChars = o.windowChars ?? 2000;
  let text = '';
  let classifiedTo = 0;
  let tripped: SafetyCategory[] | null = null;
  let failure: unknown = null;
  let inFlight: Promise<void> | null = null;

  const classify = (upTo: number): Promise<void> => {
    const classifier = o.classifier;
    if (!classifier) return Promise.resolve();
    const window = text.slice(Math.max(0, upTo - windowChars), upTo);
    classifiedTo = upTo;
    return classifier.classify(window, signal).then(
      (v) => {
        if (v.flagged && !tripped) tripped = v.categories;
      },
      (e: unknown) => {
        failure ??= e;
      },
    );
  };
  const check = (): SafetyCategory[] | null => {
    if (failure) throw failure;
    return tripped;
  };

  return {
    push(delta) {
      text += delta;
      const hit = o.rules(text.slice(-windowChars));
      if (hit.length && !tripped) tripped = hit;
      const fresh = text.length - classifiedTo;
      if (o.classifier && !inFlight && !tripped && (fresh >= everyChars || (fresh >= minChars && SENTENCE_END.test(text)))) {
        inFlight = classify(text.length).finally(() => (inFlight = null));
      }
      return check();
    },
    async finish() {
      await inFlight;
      if (o.classifier && !tripped && classifiedTo < text.length && text.trim()) await classify(text.length);
      return check();
    },
  };
}
