import type { ChatModel, JsonSchema } from '@frontier/ml-ports';
import { confidentOnly, isMemoryType, MEMORY_TYPES, type Candidate, type Extractor, type Turn } from '@frontier/memory-domain';

/** Types an extractor may give a fact (the episodic tier's `episode` is not one). */
const FACT_TYPES: readonly string[] = MEMORY_TYPES.filter((t: string) => t !== 'episode');

/**
 * The reply's JSON schema, per call: `turn_ids` may only name this conversation's turns (a
 * grammar-constrained model — llama.cpp — then cannot invent one), facts and strings are bounded.
 */
export function factsSchema(turnIds: readonly string[]): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['facts'],
    properties: {
      facts: {
        type: 'array',
        maxItems: 30,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['fact', 'confidence', 'type', 'turn_ids'],
          properties: {
            fact: { type: 'string', minLength: 3, maxLength: 300 },
            confidence: { type: 'number', minimum: 0, maximum: 1 },
            type: { type: 'string', enum: [...FACT_TYPES] },
            turn_ids: { type: 'array', items: { type: 'string', enum: [...new Set(turnIds)] }, minItems: 1, maxItems: 8 },
          },
        },
      },
    },
  };
}

const SYSTEM = `From this conversation, extract factual user preferences and profile information as JSON:
{"facts": [{"fact": "...", "confidence": 0-1, "type": "${FACT_TYPES.join('|')}", "turn_ids": ["id of each turn the fact comes from"]}]}.
Only extract durable facts about the user (the "user" role), not conversation-specific observations
or anything the assistant said. Write each fact as a short first-person sentence in the user's voice
("I am allergic to peanuts"). Use a low confidence when you are guessing.
Sensitive facts (health, politics, religion, sexuality): extract one ONLY when the user states it
about themselves, explicitly and as a fact ("I have diabetes", "I'm Catholic", "I vote Green");
never infer one ("I went to church" says nothing about the user's religion), never from what the
user says about someone else ("my friend is religious"), a question, a guess or reported speech.
Type such facts health, politics, religion or sexuality. (A check after you enforces this.)`;

/**
 * Extraction by an LLM — over an OpenAI-compatible endpoint, or embedded (llama.cpp, output
 * constrained by a grammar made from the schema) — JSON-schema validated (one repair).
 */
export class LlmExtractor implements Extractor {
  readonly id: string;

  /**
   * @param maxTranscriptChars a session longer than this goes to the model in turn-aligned parts
   *   (an embedded model's context is small: 8,000 characters ≈ 2,000 tokens leave room for the
   *   instructions and the reply in a 4,096-token context).
   */
  constructor(
    private readonly model: ChatModel,
    private readonly minConfidence = 0.7,
    private readonly maxTranscriptChars = 8_000,
  ) {
    this.id = `llm:${model.modelId}`;
  }

  async extract(turns: readonly Turn[]): Promise<Candidate[]> {
    const out: Candidate[] = [];
    for (const part of transcriptParts(turns, this.maxTranscriptChars)) out.push(...(await this.extractPart(part)));
    return out;
  }

  private async extractPart(turns: readonly Turn[]): Promise<Candidate[]> {
    const transcript = turns.map(line).join('\n');
    const known = new Set(turns.map((t) => t.id));
    const at = new Map(turns.map((t) => [t.id, t.at]));
    const { value } = await this.model.completeJson<{ facts: Array<{ fact: string; confidence: number; type: string; turn_ids: string[] }> }>({
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: transcript },
      ],
      schema: factsSchema(turns.map((t) => t.id)),
      schemaName: 'memory_facts',
      temperature: 0,
    });
    const candidates: Candidate[] = [];
    for (const f of value.facts) {
      if (!isMemoryType(f.type) || !FACT_TYPES.includes(f.type)) continue;
      const turnIds = f.turn_ids.filter((id) => known.has(id));
      if (!turnIds.length) continue; // a fact with no real source is not kept
      const validAt = at.get(turnIds[0] as string);
      candidates.push({ text: f.fact.trim(), type: f.type, confidence: f.confidence, turnIds, ...(validAt ? { validAt } : {}) });
    }
    return confidentOnly(candidates, this.minConfidence);
  }
}

const line = (t: Turn) => `[${t.id}] ${t.role}: ${t.text}`;

/** Consecutive turns in parts of at most `maxChars` transcript characters (a longer turn is a part alone). */
export function transcriptParts(turns: readonly Turn[], maxChars: number): Turn[][] {
  const parts: Turn[][] = [];
  let current: Turn[] = [];
  let size = 0;
  for (const t of turns) {
    const n = line(t).length + 1;
    if (current.length && size + n > maxChars) {
      parts.push(current);
      current = [];
      size = 0;
    }
    current.push(t);
    size += n;
  }
  if (current.length) parts.push(current);
  return parts;
}
