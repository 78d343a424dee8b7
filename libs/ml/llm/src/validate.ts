/** Checks a ChatRequest before anything is sent: bad input is the caller's, as MlInputError. */
import { MlInputError, type ChatRequest } from '@frontier/ml-ports';

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

export function validateChatRequest(request: ChatRequest, maxPromptChars: number): void {
  if (typeof request !== 'object' || request === null) throw new MlInputError('invalid_argument', 'request', 'must be an object');
  const { messages } = request;
  if (!Array.isArray(messages) || messages.length === 0) throw new MlInputError('empty_input', 'messages', 'at least one message is required');
  let chars = 0;
  messages.forEach((m, i) => {
    if (typeof m !== 'object' || m === null) throw new MlInputError('invalid_argument', `messages[${i}]`, 'must be an object');
    if (!ROLES.has(m.role)) throw new MlInputError('invalid_argument', `messages[${i}].role`, `must be one of system, user, assistant, tool; got ${String(m.role)}`);
    if (typeof m.content !== 'string') throw new MlInputError('invalid_argument', `messages[${i}].content`, 'must be a string');
    chars += m.content.length;
    if (m.parts !== undefined) {
      if (!Array.isArray(m.parts)) throw new MlInputError('invalid_argument', `messages[${i}].parts`, 'must be an array');
      m.parts.forEach((p, j) => {
        if (p?.type === 'text' && typeof p.text === 'string') chars += p.text.length;
        else if (
          !(p?.type === 'image_url' && typeof p.image_url?.url === 'string') &&
          !(p?.type === 'input_audio' && typeof p.input_audio?.data === 'string') &&
          !(p?.type === 'video_url' && typeof p.video_url?.url === 'string')
        ) {
          throw new MlInputError('invalid_argument', `messages[${i}].parts[${j}]`, 'must be a text, image_url, input_audio or video_url part');
        }
      });
    }
  });
  const empty = (m: (typeof messages)[number]) => m.content.trim() === '' && !(m.parts && m.parts.length > 0) && !(m.toolCalls && m.toolCalls.length > 0);
  if (messages.every(empty)) throw new MlInputError('empty_input', 'messages', 'every message is empty');
  if (chars > maxPromptChars) throw new MlInputError('input_too_large', 'messages', `${chars} characters exceed the limit of ${maxPromptChars}`);
  const { temperature, maxTokens, stop } = request;
  if (temperature !== undefined && (!Number.isFinite(temperature) || temperature < 0 || temperature > 2)) {
    throw new MlInputError('invalid_argument', 'temperature', `must be within [0, 2], got ${temperature}`);
  }
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || maxTokens < 1)) {
    throw new MlInputError('invalid_argument', 'maxTokens', `must be a positive integer, got ${maxTokens}`);
  }
  if (stop !== undefined && (!Array.isArray(stop) || stop.some((s) => typeof s !== 'string' || s.length === 0))) {
    throw new MlInputError('invalid_argument', 'stop', 'must be an array of non-empty strings');
  }
}
