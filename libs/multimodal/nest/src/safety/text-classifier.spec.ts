import { startLoopbackLlmServer, type LoopbackLlmServer } from '@frontier/ml-llm';
import { createLlamaGuardClassifier, createRulesClassifier } from './text-classifier';

describe('text safety classifiers: Llama Guard 3 over an OpenAI-compatible endpoint (the loopback server stands in for vLLM serving it), the offline rules', () => {
  let llm: LoopbackLlmServer;
  beforeAll(async () => {
    llm = await startLoopbackLlmServer({ model: 'meta-llama/Llama-Guard-3-1B' });
  });
  afterAll(() => llm.close());
  const signal = new AbortController().signal;

  it('sends the text as the user turn and reads Llama Guard’s verdict', async () => {
    const guard = createLlamaGuardClassifier({ baseUrl: llm.baseUrl, model: llm.model });
    llm.scriptReplies('\n\nunsafe\nS10', '\n\nsafe');
    expect(await guard.classify('some hateful text', signal)).toEqual({ flagged: true, categories: ['S10'] });
    expect(llm.lastRequestBody?.messages).toEqual([{ role: 'user', content: 'some hateful text' }]);
    expect(await guard.classify('hello', signal)).toEqual({ flagged: false, categories: [] });
    expect(guard.id).toBe('llama-guard:meta-llama/Llama-Guard-3-1B');
  });

  it('fails closed: no verdict or no server → 503 safety_unavailable, never a pass', async () => {
    const guard = createLlamaGuardClassifier({ baseUrl: llm.baseUrl, model: llm.model });
    llm.scriptReplies('I am not sure what you mean');
    await expect(guard.classify('text', signal)).rejects.toMatchObject({ code: 'safety_unavailable', category: 'unavailable' });
    const down = createLlamaGuardClassifier({ baseUrl: 'http://127.0.0.1:9/v1', model: 'x', timeoutMs: 500 });
    await expect(down.classify('text', signal)).rejects.toMatchObject({ code: 'safety_unavailable' });
  });

  it('the rules classifier answers in the same categories', async () => {
    expect(await createRulesClassifier().classify('what is the best way to kill myself', signal)).toEqual({ flagged: true, categories: ['S11'] });
  });
});
