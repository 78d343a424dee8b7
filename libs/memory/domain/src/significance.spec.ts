import fc from 'fast-check';
import { assessSignificance, estimateTokens, findCommands, type Turn } from './significance';

const user = (text: string, id = 't1'): Turn => ({ id, role: 'user', text });
const commandsIn = (text: string) => findCommands([user(text)]).map(({ kind, subject }) => ({ kind, subject }));

describe('estimateTokens', () => {
  it('counts words and punctuation marks, × 1.33 rounded up (hand-computed)', () => {
    expect(estimateTokens('hello world')).toBe(3); // 2 words → ⌈2.66⌉
    expect(estimateTokens('Hi, there!')).toBe(6); // Hi , there ! → ⌈5.32⌉
    expect(estimateTokens("I'm 42")).toBe(3); // the apostrophe stays inside the word, digits are a word
    expect(estimateTokens('a   b\n\tc')).toBe(4); // whitespace of any kind is not counted → ⌈3.99⌉
    expect(estimateTokens('...')).toBe(4); // three marks → ⌈3.99⌉
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('   ')).toBe(0);
  });

  it('property: adding a word never lowers the count', () => {
    fc.assert(fc.property(fc.string(), (s) => estimateTokens(`${s} word`) >= estimateTokens(s)));
  });
});

describe('findCommands', () => {
  it('captures the subject after the verb and an optional "this"/"that", a colon, comma or dash', () => {
    expect(commandsIn("Remember that I'm vegan")).toEqual([{ kind: 'remember', subject: "I'm vegan" }]);
    expect(commandsIn("Please remember that I'm vegan.")).toEqual([{ kind: 'remember', subject: "I'm vegan" }]);
    expect(commandsIn('remember my PIN hint is blue')).toEqual([{ kind: 'remember', subject: 'my PIN hint is blue' }]);
    expect(commandsIn('Remember that: the gate code is 1234')).toEqual([{ kind: 'remember', subject: 'the gate code is 1234' }]);
    expect(commandsIn('Note this - my sister is Ana')).toEqual([{ kind: 'remember', subject: 'my sister is Ana' }]);
    expect(commandsIn('keep in mind I work nights')).toEqual([{ kind: 'remember', subject: 'I work nights' }]);
    expect(commandsIn('Forget that I live in Paris')).toEqual([{ kind: 'forget', subject: 'I live in Paris' }]);
    expect(commandsIn('please forget about my ex')).toEqual([{ kind: 'forget', subject: 'my ex' }]);
    expect(commandsIn('Delete what you know about my health')).toEqual([{ kind: 'forget', subject: 'my health' }]);
  });

  it('"don\'t forget" / "do not forget" ask to remember (forget is matched first, so it must not fire inside them)', () => {
    expect(commandsIn("Don't forget that Tom is allergic to nuts")).toEqual([{ kind: 'remember', subject: 'Tom is allergic to nuts' }]);
    expect(commandsIn('Please do not forget my birthday is in May')).toEqual([{ kind: 'remember', subject: 'my birthday is in May' }]);
    expect(commandsIn('dont forget I take insulin')).toEqual([{ kind: 'remember', subject: 'I take insulin' }]);
    expect(commandsIn('Don’t forget that I am vegan')).toEqual([{ kind: 'remember', subject: 'I am vegan' }]);
    expect(commandsIn("Don't remember that I failed")).toEqual([{ kind: 'forget', subject: 'I failed' }]);
    expect(commandsIn('Forget that I need to buy milk, don’t forget the bread')).toEqual([{ kind: 'forget', subject: 'I need to buy milk' }]);
    expect(commandsIn('dont remember that I was late')).toEqual([{ kind: 'forget', subject: 'I was late' }]);
    // however it is spaced, "don't forget" is never a forget
    const forgets = (text: string) => commandsIn(text).filter((c) => c.kind === 'forget');
    expect(forgets("Don't  forget to call mom")).toEqual([]);
    expect(forgets('Do  not   forget my keys')).toEqual([]);
  });

  it('whitespace: runs of spaces anywhere around the filler word are skipped', () => {
    expect(commandsIn("Please  remember  that   I'm vegan")).toEqual([{ kind: 'remember', subject: "I'm vegan" }]);
    expect(commandsIn('Forget  that  I smoke')).toEqual([{ kind: 'forget', subject: 'I smoke' }]);
    expect(commandsIn('forget that I smoke   ')).toEqual([{ kind: 'forget', subject: 'I smoke' }]);
    expect(commandsIn("remember that I'm vegan   ")).toEqual([{ kind: 'remember', subject: "I'm vegan" }]);
  });

  it('the filler word must be a whole word: "Thatcher" and "thistles" keep their first letters', () => {
    expect(commandsIn('Remember Thatcher resigned in 1990')).toEqual([{ kind: 'remember', subject: 'Thatcher resigned in 1990' }]);
    expect(commandsIn('Remember thistles are weeds')).toEqual([{ kind: 'remember', subject: 'thistles are weeds' }]);
    // a forget names a first-person fact or what the assistant knows: these name neither
    expect(commandsIn('Forget thatched roofs')).toEqual([]);
    expect(commandsIn('forget aboutness')).toEqual([]);
  });

  it('a bare "Remember this!" is a command with an empty subject; a bare "Forget that." deletes nothing', () => {
    expect(commandsIn('Remember this!')).toEqual([{ kind: 'remember', subject: '' }]);
    expect(commandsIn('Forget that.')).toEqual([]);
  });

  it('strips only the trailing run of . and ! from the subject', () => {
    expect(commandsIn("Remember that I'm vegan!!")).toEqual([{ kind: 'remember', subject: "I'm vegan" }]);
    expect(commandsIn('Remember that my site is example.com!')).toEqual([{ kind: 'remember', subject: 'my site is example.com' }]);
    expect(commandsIn('Forget that my site is example.com!!')).toEqual([{ kind: 'forget', subject: 'my site is example.com' }]);
  });

  it('one command per sentence, several sentences per turn; forget wins inside one sentence', () => {
    expect(commandsIn("Remember that I'm vegan. Forget that I live in Paris!")).toEqual([
      { kind: 'remember', subject: "I'm vegan" },
      { kind: 'forget', subject: 'I live in Paris' },
    ]);
    expect(commandsIn('Remember that I moved, and forget my old address')).toEqual([{ kind: 'forget', subject: 'my old address' }]);
  });

  it('a line break ends a command (a trailing newline or a second line no longer hides it)', () => {
    expect(commandsIn("Remember that I'm vegan\n")).toEqual([{ kind: 'remember', subject: "I'm vegan" }]);
    expect(commandsIn('Please remember that my daughter is Emma\r\nShe is 5 years old')).toEqual([{ kind: 'remember', subject: 'my daughter is Emma' }]);
    expect(commandsIn('Remember that I run\nForget that I swim')).toEqual([
      { kind: 'remember', subject: 'I run' },
      { kind: 'forget', subject: 'I swim' },
    ]);
  });

  it('only user turns count, and each command names its turn', () => {
    const turns: Turn[] = [
      { id: 'a1', role: 'assistant', text: "Sure, I'll remember that you're vegan." },
      { id: 's1', role: 'system', text: 'Remember that the user is an admin.' },
      user('Thanks! Please forget that I smoke.', 'u2'),
    ];
    expect(findCommands(turns)).toEqual([{ kind: 'forget', subject: 'I smoke', turnId: 'u2', text: 'Please forget that I smoke.' }]);
    // the sentence quoted in history is trimmed, whatever surrounded it in the turn
    expect(findCommands([user('  \tPlease forget that I smoke.  ', 'u3')])).toEqual([{ kind: 'forget', subject: 'I smoke', turnId: 'u3', text: 'Please forget that I smoke.' }]);
  });

  it('ignores ordinary sentences that merely contain the words', () => {
    expect(commandsIn('I remembered my keys')).toEqual([]);
    expect(commandsIn("I don't remember what it's called")).toEqual([]);
    expect(commandsIn("And don't forget to get enough sleep")).toEqual([]);
    expect(commandsIn('I remember that day. Remember when we met?')).toEqual([]);
    expect(commandsIn('Noted, thanks')).toEqual([]);
    expect(commandsIn('')).toEqual([]);
  });
});

describe('assessSignificance', () => {
  const turn = user('one two three'); // 4 tokens

  it('strictly more than minTokens is a long session; exactly minTokens is not', () => {
    expect(assessSignificance([turn, turn], 7)).toEqual({ significant: true, tokens: 8, commands: [], reason: 'long-session' });
    expect(assessSignificance([turn, turn], 8)).toEqual({ significant: false, tokens: 8, commands: [], reason: 'too-short' });
    expect(assessSignificance([], 0)).toEqual({ significant: false, tokens: 0, commands: [], reason: 'too-short' });
  });

  it('sums tokens over every turn (any role) and prefers the command reason', () => {
    const turns: Turn[] = [{ id: 'a', role: 'assistant', text: 'hello world' }, user('Remember that I ski', 'u')];
    expect(assessSignificance(turns, 1)).toEqual({
      significant: true,
      tokens: 3 + 6,
      commands: [{ kind: 'remember', subject: 'I ski', turnId: 'u', text: 'Remember that I ski' }],
      reason: 'explicit-command',
    });
  });

  it('defaults to 200 tokens', () => {
    const words = (n: number) => user(Array.from({ length: n }, () => 'w').join(' '));
    expect(estimateTokens(words(150).text)).toBe(200);
    expect(assessSignificance([words(150)]).reason).toBe('too-short');
    expect(estimateTokens(words(151).text)).toBe(201);
    expect(assessSignificance([words(151)]).reason).toBe('long-session');
  });
});
