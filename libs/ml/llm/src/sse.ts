/**
 * Server-sent events parser (WHATWG HTML §9.2 "event stream interpretation"), incremental:
 * bytes may be split anywhere — inside a UTF-8 sequence, a field name, between the CR and LF of a
 * CRLF — and the events come out the same. Lines end with LF, CR or CRLF; `:` lines are comments
 * (keep-alives); several `data:` lines in one event are joined with `\n`.
 */

export interface SseEvent {
  /** The `event:` field; `message` when absent. */
  event: string;
  data: string;
  /** The last `id:` seen on the stream, if any. */
  id?: string;
}

const LF = 10;

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  /** Text of an unfinished line carried to the next push. */
  private pending = '';
  /** The previous chunk ended in CR: a LF at the start of the next one belongs to it. */
  private skipLeadingLf = false;
  private data: string[] = [];
  private eventType = '';
  private lastId: string | undefined;

  /** Feeds raw bytes; returns the events they completed. */
  pushBytes(bytes: Uint8Array): SseEvent[] {
    return this.push(this.decoder.decode(bytes, { stream: true }));
  }

  /** Feeds decoded text; returns the events it completed. */
  push(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    let buf = this.pending.length > 0 ? this.pending + text : text;
    let pos = 0;
    if (this.skipLeadingLf && buf.charCodeAt(0) === LF) pos = 1;
    this.skipLeadingLf = false;
    // CR is rare (CRLF servers only): search for it once and only again when passed.
    let cr = buf.indexOf('\r', pos);
    let lf = buf.indexOf('\n', pos);
    for (;;) {
      if (cr !== -1 && cr < pos) cr = buf.indexOf('\r', pos);
      if (lf !== -1 && lf < pos) lf = buf.indexOf('\n', pos);
      let end: number;
      if (cr === -1) end = lf;
      else if (lf === -1) end = cr;
      else end = cr < lf ? cr : lf;
      if (end === -1) break;
      const line = buf.slice(pos, end);
      pos = end + 1;
      if (end === cr) {
        if (pos < buf.length) {
          if (buf.charCodeAt(pos) === LF) pos += 1;
        } else {
          this.skipLeadingLf = true;
        }
      }
      this.line(line, out);
    }
    buf = pos < buf.length ? buf.slice(pos) : '';
    this.pending = buf;
    return out;
  }

  /**
   * End of stream. The spec drops an event that never saw its blank line; servers that omit the
   * final blank line are common enough that the pending event is dispatched instead.
   */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    const tail = this.decoder.decode();
    const rest = this.pending + tail;
    this.pending = '';
    if (rest.length > 0) this.line(rest, out);
    this.dispatch(out);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line.length === 0) {
      this.dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* ' ' */) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default: // `retry` and unknown fields are ignored
        break;
    }
  }

  private dispatch(out: SseEvent[]): void {
    if (this.data.length === 0) {
      this.eventType = '';
      return;
    }
    const event: SseEvent = { event: this.eventType || 'message', data: this.data.join('\n') };
    if (this.lastId !== undefined) event.id = this.lastId;
    out.push(event);
    this.data = [];
    this.eventType = '';
  }
}
