import fc from 'fast-check';
import { InvalidInputError } from '@frontier/platform-util';
import { parseChatRequest } from './request';

const ok = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

function refusal(body: unknown): InvalidInputError {
  try {
    parseChatRequest(body, 4096);
  } catch (e) {
    if (e instanceof InvalidInputError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('parseChatRequest: the OpenAI request, every refusal naming the field', () => {
  it('parses text, content parts, tools and stream options', () => {
    const r = parseChatRequest(
      {
        model: 'm',
        stream: true,
        stream_options: { include_usage: true },
        max_completion_tokens: 100,
        temperature: 0.5,
        stop: 'END',
        user: 'zoe',
        tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'lookup' } },
        messages: [
          { role: 'developer', content: 'be brief' },
          { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }, { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }, { type: 'video_url', video_url: { url: 'https://x/v.mp4' } }, { type: 'file', file: { file_data: 'AAAA', filename: 'a.txt' } }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'found' },
        ],
      },
      4096,
    );
    expect(r).toMatchObject({ model: 'm', stream: true, includeUsage: true, maxTokens: 100, temperature: 0.5, stop: ['END'], user: 'zoe', toolChoice: { name: 'lookup' } });
    expect(r.messages[1].parts.map((p) => [p.type, p.path])).toEqual([
      ['text', 'messages[1].content[0]'],
      ['image_url', 'messages[1].content[1]'],
      ['input_audio', 'messages[1].content[2]'],
      ['video_url', 'messages[1].content[3]'],
      ['file', 'messages[1].content[4]'],
    ]);
    expect(r.messages[2]).toMatchObject({ role: 'assistant', parts: [], toolCalls: [{ id: 'c1', name: 'lookup', arguments: '{}' }] });
    expect(r.messages[3]).toMatchObject({ role: 'tool', toolCallId: 'c1' });
  });

  it.each([
    [{ ...ok, model: '' }, 'model'],
    [{ model: 'm', messages: [] }, 'messages'],
    [{ model: 'm', messages: [{ role: 'system', content: 'x' }] }, 'messages'],
    [{ model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
    [{ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x', detail: 'ultra' } }] }] }, 'messages[0].content[0].image_url.detail'],
    [{ model: 'm', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA', format: 'aiff' } }] }] }, 'messages[0].content[0].input_audio.format'],
    [{ model: 'm', messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }] }, 'messages[0].content[0].file.file_id'],
    [{ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'x', extra: 1 }] }] }, 'messages[0].content[0].extra'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x', tool_calls: [] }] }, 'messages[0].tool_calls'],
    [{ ...ok, stream_options: { include_usage: true } }, 'stream_options'],
    [{ ...ok, max_tokens: 5000 }, 'max_tokens'],
    [{ ...ok, max_tokens: 1.5 }, 'max_tokens'],
    [{ ...ok, temperature: 3 }, 'temperature'],
    [{ ...ok, n: 2 }, 'n'],
    [{ ...ok, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    [{ ...ok, tools: [{ type: 'function', function: { name: 'bad name' } }] }, 'tools[0].function.name'],
    [{ ...ok, user: 'a\nb' }, 'user'],
    [{ ...ok, logit_bias: {} }, 'logit_bias'],
  ])('%j → names %s', (body, field) => {
    expect(refusal(body).field).toBe(field);
  });

  it('fuzz: any JSON value is parsed or refused with an InvalidInputError naming a field — nothing else is thrown', () => {
    const part = fc.oneof(
      fc.record({ type: fc.constantFrom('text', 'image_url', 'input_audio', 'video_url', 'file', 'bogus'), text: fc.anything(), image_url: fc.anything(), input_audio: fc.anything(), video_url: fc.anything(), file: fc.anything() }, { requiredKeys: ['type'] }),
      fc.anything(),
    );
    const message = fc.record({ role: fc.oneof(fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool'), fc.anything()), content: fc.oneof(fc.string(), fc.array(part, { maxLength: 4 }), fc.constant(null), fc.anything()), tool_calls: fc.anything(), tool_call_id: fc.anything(), name: fc.anything() }, { requiredKeys: ['role'] });
    const body = fc.oneof(
      fc.anything(),
      fc.record({ model: fc.oneof(fc.string(), fc.anything()), messages: fc.oneof(fc.array(message, { maxLength: 4 }), fc.anything()), stream: fc.anything(), stream_options: fc.anything(), max_tokens: fc.anything(), temperature: fc.anything(), stop: fc.anything(), tools: fc.anything(), tool_choice: fc.anything(), user: fc.anything(), n: fc.anything() }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(body, (b) => {
        try {
          parseChatRequest(b, 4096);
        } catch (e) {
          if (!(e instanceof InvalidInputError)) throw e;
          if (!e.field || !e.message.startsWith(e.field)) throw new Error(`refusal without its field: ${e.message}`);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
