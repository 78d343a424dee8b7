import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlInputError } from '@frontier/ml-ports';
import { SchemaValidationError } from '@frontier/ml-llm';
import { toGbnfJsonSchema } from './gbnf-schema';
import { createLlamaCppChatModel, toHistory } from './llama-cpp-chat-model';
import { loadNodeLlamaCpp } from './load-esm';
import { buildTinyModel, writeTinyModel } from './testing/tiny-model';

const FACTS = {
  type: 'object',
  required: ['facts'],
  properties: {
    facts: {
      type: 'array',
      maxItems: 5,
      items: {
        type: 'object',
        properties: {
          fact: { type: 'string', minLength: 3, maxLength: 80 },
          confidence: { type: 'number', minimum: 0, maximum: 1 },
          type: { type: 'string', enum: ['preference', 'plan', 'politics'] },
          turn_ids: { type: 'array', items: { type: 'string', enum: ['t1'] }, minItems: 1 },
        },
      },
    },
  },
};

describe('llama-cpp ChatModel on a tiny GGUF the test writes (real node-llama-cpp, CPU prebuilt)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tiny-gguf-'));
  const modelPath = writeTinyModel(join(dir, 'tiny.gguf'));
  let llm: Awaited<ReturnType<typeof createLlamaCppChatModel>>;

  beforeAll(async () => {
    llm = await createLlamaCppChatModel({ modelPath, threads: 1, contextSize: 2048 });
  }, 60_000);
  afterAll(async () => {
    await llm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a GGUF that node-llama-cpp reads back: llama architecture, its vocabulary and tensors', async () => {
    const { readGgufFileInfo } = await loadNodeLlamaCpp();
    const info = await readGgufFileInfo(modelPath);
    const { vocab } = buildTinyModel();
    expect(info.metadata.general.architecture).toBe('llama');
    expect(info.metadata.tokenizer.ggml.tokens).toHaveLength(vocab.length);
    expect(info.tensorInfo?.map((t) => t.name)).toContain('blk.0.attn_q.weight');
    expect(llm).toMatchObject({ adapter: 'llama-cpp', modelId: 'llama-cpp:tiny' });
  });

  it('constrains generation to the JSON schema: the reply parses and validates', async () => {
    const r = await llm.completeJson<{ facts: unknown[] }>({ messages: [{ role: 'system', content: 'Extract facts as JSON.' }, { role: 'user', content: '[t1] user: I like tea' }], schema: FACTS });
    expect(r.repaired).toBe(false);
    expect(r.value).toEqual({ facts: [{ fact: 'I like tea', confidence: 0.9, type: 'preference', turn_ids: ['t1'] }] });
    expect(r.usage?.completionTokens).toBeGreaterThan(10);
  });

  it('a value the grammar cannot rule out (a numeric range) is caught by validation after one repair', async () => {
    const strict = { ...FACTS, properties: { facts: { ...FACTS.properties.facts, items: { ...FACTS.properties.facts.items, properties: { ...FACTS.properties.facts.items.properties, confidence: { type: 'number', maximum: 0.5 } } } } } };
    const err = await llm.completeJson({ messages: [{ role: 'user', content: 'x' }], schema: strict }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaValidationError);
    expect((err as SchemaValidationError).errors).toEqual(['/facts/0/confidence: must be <= 0.5']);
  });

  it('completes and streams plain text within maxTokens, and refuses what it cannot serve', async () => {
    const r = await llm.complete({ messages: [{ role: 'user', content: 'Say something.' }], maxTokens: 5 });
    expect(r).toMatchObject({ model: 'llama-cpp:tiny', finishReason: 'length' });
    expect(r.usage?.completionTokens).toBe(5);
    const chunks = [];
    for await (const c of llm.stream({ messages: [{ role: 'user', content: 'Say something.' }], maxTokens: 5 })) chunks.push(c);
    expect(chunks.at(-1)).toMatchObject({ type: 'done', finishReason: 'length' });
    expect(chunks.filter((c) => c.type === 'delta').map((c) => (c as { content: string }).content).join('')).toBe(r.content);
    await expect(llm.complete({ messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'f' }] })).rejects.toThrow(MlInputError);
    await expect(llm.complete({ messages: [] })).rejects.toThrow(/messages/);
    // one token per character in the tiny vocabulary: 1,500 characters + 1,024 reply tokens > 2,048
    await expect(llm.complete({ messages: [{ role: 'user', content: 'x'.repeat(1500) }] })).rejects.toMatchObject({ code: 'input_too_large', message: expect.stringMatching(/exceed the context of 2048 tokens/) });
    await expect(createLlamaCppChatModel({ modelPath: join(dir, 'model.bin') })).rejects.toThrow(/\.gguf/);
  });
});

describe('llama-cpp helpers', () => {
  it('maps messages to a chat history with the last user message as the prompt', () => {
    expect(
      toHistory([
        { role: 'system', content: 's' },
        { role: 'user', content: 'u1' },
        { role: 'assistant', content: 'a1' },
        { role: 'user', content: 'u2' },
      ]),
    ).toEqual({ history: [{ type: 'system', text: 's' }, { type: 'user', text: 'u1' }, { type: 'model', response: ['a1'] }], prompt: 'u2' });
  });

  it('keeps the grammar-expressible part of a JSON schema', () => {
    expect(toGbnfJsonSchema({ $schema: 'x', type: 'object', title: 't', properties: { n: { type: 'number', minimum: 0 }, s: { anyOf: [{ type: 'string', pattern: 'a' }, { const: 1 }] } }, required: ['n'] })).toEqual({
      type: 'object',
      properties: { n: { type: 'number' }, s: { oneOf: [{ type: 'string' }, { const: 1 }] } },
      required: ['n'],
    });
  });
});
