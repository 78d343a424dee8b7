import { UpstreamError } from '@frontier/ml-ports';
import { backoffMs, parseRetryAfter } from './http';
import { errorEnvelope, errorMessageFromBody, parseStreamChunk } from './wire';

describe('retry policy', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backs off exponentially with ±50% jitter, capped', () => {
    const err = new UpstreamError(503, 'http', 'x', true);
    const policy = { maxRetries: 5, retryBaseMs: 100, maxRetryDelayMs: 1000 };
    expect(backoffMs(0, err, policy, () => 0)).toBe(50);
    expect(backoffMs(0, err, policy, () => 0.999999)).toBeCloseTo(150, 3);
    expect(backoffMs(2, err, policy, () => 0.5)).toBe(400);
    expect(backoffMs(6, err, policy, () => 0.5)).toBe(1000);
  });
});

describe('wire errors', () => {
  it('recognises every error envelope shape', () => {
    expect(errorEnvelope({ error: { message: 'm', type: 't', code: 400 } })).toEqual({ message: 'm', type: 't', code: 400 });
    expect(errorEnvelope({ object: 'error', message: 'old vllm', type: 'BadRequestError', code: 400 })).toMatchObject({ message: 'old vllm' });
    expect(errorEnvelope({ error: 'ollama says no' })).toEqual({ message: 'ollama says no' });
    expect(errorEnvelope({ choices: [] })).toBeUndefined();
    expect(errorMessageFromBody('<html>Bad Gateway</html>')).toBe('<html>Bad Gateway</html>');
    expect(errorMessageFromBody('')).toBe('(empty body)');
  });

  it('classifies stream chunks', () => {
    expect(parseStreamChunk('{"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}')).toEqual({ content: 'a', finishReason: null, usage: undefined, toolCalls: [] });
    expect(() => parseStreamChunk('{"choices": [')).toThrow(expect.objectContaining({ kind: 'protocol' }));
    expect(() => parseStreamChunk('{"id": 1}')).toThrow(expect.objectContaining({ kind: 'protocol' }));
    expect(() => parseStreamChunk('{"error": {"message": "x", "code": 503}}')).toThrow(expect.objectContaining({ kind: 'stream', status: 503 }));
  });
});
