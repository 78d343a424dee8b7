import { InvalidInputError } from '@frontier/platform-util';
import { normalizeTitle, TITLE_MAX_LENGTH } from './title';

describe('normalizeTitle', () => {
  it('trims and collapses whitespace', () => {
    expect(normalizeTitle('  Hello \n\t  world ')).toBe('Hello world');
  });

  it('refuses an empty or too long title, naming the field', () => {
    const thrown = (raw: string) => {
      try {
        normalizeTitle(raw);
      } catch (e) {
        return e;
      }
      throw new Error(`accepted "${raw}"`);
    };
    expect(thrown(' \n ')).toBeInstanceOf(InvalidInputError);
    expect(thrown('x'.repeat(TITLE_MAX_LENGTH + 1))).toMatchObject({ field: 'title', category: 'invalid', message: `title must be at most ${TITLE_MAX_LENGTH} characters` });
    expect(normalizeTitle('x'.repeat(TITLE_MAX_LENGTH))).toHaveLength(TITLE_MAX_LENGTH);
  });
});
