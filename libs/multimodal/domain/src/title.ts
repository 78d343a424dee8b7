import { InvalidInputError } from '@frontier/platform-util';

export const TITLE_MAX_LENGTH = 200;

/**
 * A title as multimodal stores it: trimmed, inner whitespace collapsed. Empty or longer than
 * {@link TITLE_MAX_LENGTH} is refused, naming the field. Pure: no framework, no I/O.
 */
export function normalizeTitle(raw: string): string {
  const title = raw.trim().replace(/\s+/g, ' ');
  if (!title) throw new InvalidInputError('title', 'title must not be empty');
  if (title.length > TITLE_MAX_LENGTH) throw new InvalidInputError('title', `title must be at most ${TITLE_MAX_LENGTH} characters`);
  return title;
}
