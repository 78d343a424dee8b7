import { MlInputError } from '@frontier/ml-ports';
import { serveWorker } from '../serve-worker';

serveWorker<{ text: string; delayMs?: number }, string>(async ({ text, delayMs }) => {
  if (!text) throw new MlInputError('empty_input', 'text', 'must not be empty');
  if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
  return text.toUpperCase();
});
