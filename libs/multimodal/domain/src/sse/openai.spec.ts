import { completionChunk, errorTypeForStatus, openAiError, parseUpstreamError, usageChunk } from './openai';

describe('OpenAI wire shapes', () => {
  const init = { id: 'chatcmpl-1', created: 1_700_000_000, model: 'llava-1.5' };

  it('builds chunks with one choice, logprobs null, and the usage chunk with no choices', () => {
    expect(completionChunk(init, { role: 'assistant', content: '' })).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'llava-1.5',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
    });
    expect(completionChunk({ ...init, systemFingerprint: 'fp_1' }, {}, 'stop')).toMatchObject({ system_fingerprint: 'fp_1', choices: [{ finish_reason: 'stop', delta: {} }] });
    expect(usageChunk(init, { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 })).toMatchObject({ choices: [], usage: { total_tokens: 7 } });
  });

  it('builds OpenAI’s error body, param null unless given', () => {
    expect(openAiError('invalid_request_error', 'context_length_exceeded', 'too long')).toEqual({
      error: { message: 'too long', type: 'invalid_request_error', param: null, code: 'context_length_exceeded' },
    });
    expect(openAiError('rate_limit_error', null, 'slow down', 'messages[0]').error.param).toBe('messages[0]');
  });

  it('maps statuses to error types', () => {
    expect([400, 401, 403, 404, 413, 429, 500, 502, 503].map(errorTypeForStatus)).toEqual([
      'invalid_request_error',
      'authentication_error',
      'permission_error',
      'invalid_request_error',
      'invalid_request_error',
      'rate_limit_error',
      'server_error',
      'server_error',
      'server_error',
    ]);
  });
});

describe('parseUpstreamError (vLLM in-stream errors)', () => {
  it('reads the streamed `data: {"error": …}` line vLLM sends on an HTTP 200', () => {
    const line = 'data: {"error": {"message": "This model\'s maximum context length is 4096 tokens.", "type": "BadRequestError", "param": null, "code": 400}}';
    expect(parseUpstreamError(line)).toEqual({
      status: 400,
      error: { message: "This model's maximum context length is 4096 tokens.", type: 'invalid_request_error', param: null, code: null },
    });
  });

  it('reads the older nested and bare `object: "error"` bodies', () => {
    expect(parseUpstreamError({ error: { object: 'error', message: 'boom', type: 'InternalServerError', param: null, code: 500 } })).toEqual({
      status: 500,
      error: { message: 'boom', type: 'server_error', param: null, code: null },
    });
    expect(parseUpstreamError('{"object":"error","message":"bad","type":"BadRequestError","param":"temperature","code":400}')).toEqual({
      status: 400,
      error: { message: 'bad', type: 'invalid_request_error', param: 'temperature', code: null },
    });
  });

  it('takes the status from the type when the code is not an HTTP status, and keeps OpenAI types and string codes', () => {
    expect(parseUpstreamError({ error: { message: 'no such model', type: 'NotFoundError', code: 'model_not_found' } })).toEqual({
      status: 404,
      error: { message: 'no such model', type: 'invalid_request_error', param: null, code: 'model_not_found' },
    });
    expect(parseUpstreamError({ error: { message: 'slow', type: 'rate_limit_error', code: 'rate_limit_exceeded' } })?.error.type).toBe('rate_limit_error');
    expect(parseUpstreamError({ error: { message: 'x', type: 'Weird', code: 200 } })?.status).toBe(500);
    expect(parseUpstreamError({ error: 'plain text' })).toEqual({ status: 500, error: { message: 'plain text', type: 'server_error', param: null, code: null } });
    expect(parseUpstreamError({ error: {} })?.error.message).toBe('The upstream model server reported an error.');
    expect(parseUpstreamError({ object: 'error', message: 'gone', status: 503 })?.status).toBe(503);
  });

  it('returns null for everything that is not an error', () => {
    expect(parseUpstreamError('data: [DONE]')).toBeNull();
    expect(parseUpstreamError('data: {"id":"x","object":"chat.completion.chunk","choices":[]}')).toBeNull();
    expect(parseUpstreamError('data: {not json')).toBeNull();
    expect(parseUpstreamError(': keep-alive')).toBeNull();
    expect(parseUpstreamError(null)).toBeNull();
    expect(parseUpstreamError([{ error: {} }])).toBeNull();
    expect(parseUpstreamError({ error: null })).toBeNull();
  });
});
