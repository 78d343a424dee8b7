import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrismaService } from '@frontier/platform-prisma';
import { startWorld, type Gateway, type GatewayWorld } from './testing/gateway-harness';

const GUARD_DELAY_MS = 250;
const FLAG = 'ambush the guards';

describe('chat-gateway output scan with Llama Guard configured (GATEWAY_TEXT_SAFETY=llama-guard): the answer goes to the classifier in chunks beside the stream, no token waits for it — loopback "Llama Guard" (an OpenAI-compatible server answering safe/unsafe) and loopback upstream stand in for vLLM; real Postgres + Redis', () => {
  let world: GatewayWorld;
  let gw: Gateway;
  let guard: Server;
  /** What the stand-in classified, when it answered, and what it said. */
  let calls: Array<{ text: string; answeredAt: number; verdict: string }> = [];

  const stream = async (prompt: string) => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: world.llm.model, stream: true, messages: [{ role: 'user', content: prompt }] }),
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const events: Array<{ at: number; data: string }> = [];
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += new TextDecoder().decode(value);
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) if (l.startsWith('data: ')) events.push({ at: performance.now(), data: l.slice(6) });
    }
    return { status: res.status, events };
  };

  beforeAll(async () => {
    // the stand-in: Llama Guard's verdict format (`safe` / `unsafe\nS1`), slow on purpose
    guard = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const text = ((JSON.parse(body) as { messages: Array<{ content: string }> }).messages.at(-1)?.content ?? '').toString();
        const verdict = text.includes(FLAG) ? 'unsafe\nS1' : 'safe';
        setTimeout(() => {
          calls.push({ text, answeredAt: performance.now(), verdict });
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'g', object: 'chat.completion', created: 0, model: 'llama-guard', choices: [{ index: 0, message: { role: 'assistant', content: verdict }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
        }, GUARD_DELAY_MS);
      });
    });
    await new Promise<void>((r) => guard.listen(0, '127.0.0.1', r));
    world = await startWorld('outguard', { tokenDelayMs: 8 });
    gw = await world.start({ GATEWAY_TEXT_SAFETY: 'llama-guard', SAFETY_LLAMA_GUARD_URL: `http://127.0.0.1:${(guard.address() as AddressInfo).port}/v1`, SAFETY_LLAMA_GUARD_MODEL: 'meta-llama/Llama-Guard-3-1B' });
  }, 120_000);
  afterAll(async () => {
    await world.close();
    await new Promise((r) => guard.close(r));
  }, 30_000);

  it('a clean answer streams while the classifier works: the first tokens come before its first verdict, chunks end at sentences, the stream ends after the last verdict', async () => {
    const answer = Array.from({ length: 12 }, (_, i) => `Sentence number ${i + 1} talks about gardens and the weather in spring.`).join(' ');
    world.llm.scriptReplies(answer);
    calls = [];
    const { status, events } = await stream('Tell me about gardens.');
    expect(status).toBe(200);
    const deltas = events.filter((e) => e.data.includes('"content":"S') || e.data.includes('"content":" '));
    const output = calls.filter((c) => c.text.startsWith('Sentence number 1 '));
    expect(output.length).toBeGreaterThanOrEqual(2); // chunked, not one call at the end
    expect(output.length).toBeLessThan(answer.length / 80 + 2); // not per token
    expect(output.every((c) => /[.!?]\s*$/.test(c.text))).toBe(true); // each chunk ends at a sentence
    expect(deltas[0].at).toBeLessThan(output[0].answeredAt); // no token waited for the classifier
    expect(events.at(-1)?.data).toBe('[DONE]');
    expect(events.at(-1)?.at ?? 0).toBeGreaterThan(output.at(-1)?.answeredAt ?? Infinity);
    expect(events.some((e) => e.data.includes('"error"'))).toBe(false);
  }, 60_000);

  it('the classifier flags the answer (the rules would not): the stream stops with an error naming the category, billed as cancelled; the JSON answer’s metadata names both output checks', async () => {
    world.llm.scriptReplies(`Here is a plan for tonight. First we ${FLAG} at the north gate. Then we take the vault. ${'And then we walk home slowly. '.repeat(40)}`);
    calls = [];
    const { events } = await stream('What should we do tonight?');
    const error = events.map((e) => e.data).find((d) => d.includes('"error"'));
    expect(JSON.parse(error ?? '{}')).toMatchObject({ error: { code: 'content_policy_violation', message: 'The answer was stopped by the output safety check: S1 (Violent Crimes)' } });
    expect(events.some((e) => e.data.includes('finish_reason":"stop'))).toBe(false);
    const id = /"id":"(chatcmpl-[0-9a-f]+)"/.exec(events[0].data)?.[1] ?? '';
    const event = await gw.app.get(PrismaService).multimodalBillingEvent.findUniqueOrThrow({ where: { requestId: id } });
    expect(event.status).toBe('cancelled');

    world.llm.scriptReplies('A calm answer.');
    const json = (await (
      await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: world.llm.model, messages: [{ role: 'user', content: 'hi' }] }) })
    ).json()) as { safety: Record<string, string> };
    expect(json.safety).toMatchObject({ text: 'llama-guard:meta-llama/Llama-Guard-3-1B', output: 'rules+llama-guard:meta-llama/Llama-Guard-3-1B' });
  }, 60_000);
});
