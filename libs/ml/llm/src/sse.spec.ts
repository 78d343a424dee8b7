import fc from 'fast-check';
import { SseParser, type SseEvent } from './sse';

function parseAll(chunks: readonly Uint8Array[]): SseEvent[] {
  const p = new SseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...p.pushBytes(c));
  out.push(...p.end());
  return out;
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe('SseParser', () => {
  it('parses data events, joins multi-line data, skips comments and keep-alives', () => {
    const text = ': keep-alive\n\ndata: {"a":1}\n\nevent: ping\ndata: line one\ndata: line two\n\n:\n\ndata: [DONE]\n\n';
    expect(parseAll([bytes(text)])).toEqual([
      { event: 'message', data: '{"a":1}' },
      { event: 'ping', data: 'line one\nline two' },
      { event: 'message', data: '[DONE]' },
    ]);
  });

  it('accepts CRLF and bare CR line endings, and a CRLF split between two chunks', () => {
    expect(parseAll([bytes('data: x\r\n\r\ndata: y\r\rdata: z\r'), bytes('\n\r\n')])).toEqual([
      { event: 'message', data: 'x' },
      { event: 'message', data: 'y' },
      { event: 'message', data: 'z' },
    ]);
  });

  it('keeps field values verbatim after the first optional space, and a field with no colon', () => {
    expect(parseAll([bytes('data:no-space\n\ndata:  two spaces\n\ndata\n\n')])).toEqual([
      { event: 'message', data: 'no-space' },
      { event: 'message', data: ' two spaces' },
      { event: 'message', data: '' },
    ]);
  });

  it('reassembles a UTF-8 character split across chunks', () => {
    const b = bytes('data: héllo 🌍\n\n');
    const cut = b.indexOf(0xf0) + 2; // inside the 4-byte emoji
    expect(parseAll([b.slice(0, cut), b.slice(cut)])).toEqual([{ event: 'message', data: 'héllo 🌍' }]);
  });

  it('dispatches a final event whose blank line never came, and tracks id', () => {
    expect(parseAll([bytes('id: 7\ndata: tail')])).toEqual([{ event: 'message', data: 'tail', id: '7' }]);
  });

  it('parses any split of a valid stream to the same events (property)', () => {
    const line = fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => !/[\r\n]/.test(s));
    const event = fc.record({
      type: fc.option(fc.constantFrom('message', 'delta', 'error'), { nil: undefined }),
      data: fc.array(line, { minLength: 1, maxLength: 3 }),
      comment: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 8 }),
        (events, eol, cuts) => {
          const wire = events
            .map((e) => (e.comment ? `: ping${eol}` : '') + (e.type ? `event: ${e.type}${eol}` : '') + e.data.map((d) => `data: ${d}${eol}`).join('') + eol)
            .join('');
          const all = bytes(wire);
          const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
          const chunks: Uint8Array[] = [];
          let prev = 0;
          for (const p of points) {
            chunks.push(all.slice(prev, p));
            prev = p;
          }
          chunks.push(all.slice(prev));
          const expected = events.map((e) => ({ event: e.type ?? 'message', data: e.data.join('\n') }));
          expect(parseAll(chunks)).toEqual(expected);
          expect(parseAll([all])).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });
});
