import { parseCommand } from './command-grammar';
import { EVERYDAY_SPEECH, LOCOMO_PATH, locomoTurns } from './everyday-speech.spec-helper';
import { findCommands } from './significance';

const forget = (subject: string) => ({ kind: 'forget', subject });
const remember = (subject: string) => ({ kind: 'remember', subject });

describe('parseCommand: forget commands addressed to the assistant', () => {
  it('a first-person fact after "forget", with or without "that" / "about"', () => {
    expect(parseCommand('Forget that I live in Paris')).toEqual(forget('I live in Paris'));
    expect(parseCommand('forget I live in Paris')).toEqual(forget('I live in Paris'));
    expect(parseCommand('Please forget my address.')).toEqual(forget('my address'));
    expect(parseCommand('please forget about my ex')).toEqual(forget('my ex'));
    expect(parseCommand("Forget that I'm vegan")).toEqual(forget("I'm vegan"));
    expect(parseCommand('Forget that I’ve moved')).toEqual(forget('I’ve moved'));
    expect(parseCommand("forget that I'd quit")).toEqual(forget("I'd quit"));
    expect(parseCommand("forget that I'll travel")).toEqual(forget("I'll travel"));
    // "we" / "our" only after "that": "forget our argument" is a dismissal
    expect(parseCommand('Forget that we moved to Lyon')).toEqual(forget('we moved to Lyon'));
    expect(parseCommand("forget that we're married")).toEqual(forget("we're married"));
    expect(parseCommand('forget that we’ve split')).toEqual(forget('we’ve split'));
    expect(parseCommand('forget that our dog died')).toEqual(forget('our dog died'));
    expect(parseCommand('Forget our argument')).toBeNull();
    expect(parseCommand('Forget about our trip')).toBeNull();
    // "my" / "I" must be whole words
    expect(parseCommand('forget mystery novels')).toBeNull();
    expect(parseCommand('forget Ian')).toBeNull();
  });

  it('what the assistant knows, was told, or the fact / note about something', () => {
    expect(parseCommand('Delete what you know about my health')).toEqual(forget('my health'));
    expect(parseCommand('forget everything you know about Tom')).toEqual(forget('Tom'));
    expect(parseCommand("forget anything you've learned about my job")).toEqual(forget('my job'));
    expect(parseCommand('erase all that you have stored regarding my sister')).toEqual(forget('my sister'));
    expect(parseCommand('forget whatever you remember of my ex')).toEqual(forget('my ex'));
    expect(parseCommand('forget what you learnt on my diet')).toEqual(forget('my diet'));
    expect(parseCommand('forget what you saved about my car')).toEqual(forget('my car'));
    expect(parseCommand('forget what you noted about my car')).toEqual(forget('my car'));
    expect(parseCommand("forget what you've got about my car")).toEqual(forget('my car'));
    expect(parseCommand('Forget what I told you about Tom')).toEqual(forget('Tom'));
    expect(parseCommand("forget what I've said about Tom")).toEqual(forget('Tom'));
    expect(parseCommand('forget what I have mentioned about Tom')).toEqual(forget('Tom'));
    expect(parseCommand('forget everything I shared about Tom')).toEqual(forget('Tom'));
    expect(parseCommand('forget about everything you know about Tom')).toEqual(forget('Tom'));
    expect(parseCommand('Remove the fact that Tom is my boss')).toEqual(forget('Tom is my boss'));
    expect(parseCommand('delete the note about the gate code')).toEqual(forget('the gate code'));
    expect(parseCommand('delete this memory of the accident')).toEqual(forget('the accident'));
    expect(parseCommand('delete that info about the gate code')).toEqual(forget('the gate code'));
    expect(parseCommand('delete the information about the gate code')).toEqual(forget('the gate code'));
    expect(parseCommand('delete the details of the gate code')).toEqual(forget('the gate code'));
    // "what they say" is not what the assistant knows
    expect(parseCommand('Forget what they say about you')).toBeNull();
  });

  it('"… from your memory" names anything', () => {
    expect(parseCommand('Delete the gate code from your memory')).toEqual(forget('the gate code'));
    expect(parseCommand('wipe the gate code from memory')).toEqual(forget('the gate code'));
    expect(parseCommand('remove Tom from your memories, please')).toEqual(forget('Tom'));
    expect(parseCommand('remove Tom from your records')).toEqual(forget('Tom'));
    expect(parseCommand('remove Tom from your record')).toEqual(forget('Tom'));
    expect(parseCommand('remove Tom from your notes')).toEqual(forget('Tom'));
    expect(parseCommand('remove Tom from my profile')).toBeNull();
    expect(parseCommand('remove Tom from your profile')).toEqual(forget('Tom'));
    expect(parseCommand('forget my address from your memory')).toEqual(forget('my address'));
    expect(parseCommand('Remove the stain from the carpet')).toBeNull();
    expect(parseCommand('Delete the gate code From Your Memory')).toEqual(forget('the gate code'));
    expect(parseCommand('remove about Tom from your notes')).toEqual(forget('Tom'));
    expect(parseCommand('forget that I live in Paris from your records')).toEqual(forget('I live in Paris'));
    // a trailing "from your memory" after what the assistant knows
    expect(parseCommand('delete what you know about my ex from your memory')).toEqual(forget('my ex'));
    expect(parseCommand('delete what you know about my ex from memory')).toEqual(forget('my ex'));
    expect(parseCommand('delete what you know about my ex From Your Memory')).toEqual(forget('my ex'));
    expect(parseCommand('delete what you know about my ex from your memories for good')).toEqual(forget('my ex'));
    expect(parseCommand('delete what you know about my ex from your memoryless friend')).toEqual(forget('my ex from your memoryless friend'));
  });

  it('each verb: forget, stop remembering, unlearn, delete, erase, remove, wipe, "don\'t remember that I …"', () => {
    expect(parseCommand('Stop remembering my birthday')).toEqual(forget('my birthday'));
    expect(parseCommand('stop remembering that I smoke')).toEqual(forget('I smoke'));
    expect(parseCommand('stop  remembering the bad times')).toBeNull();
    expect(parseCommand('unlearn that I smoke')).toEqual(forget('I smoke'));
    expect(parseCommand('unlearn my address')).toEqual(forget('my address'));
    // delete-like verbs take "that I …" or what the assistant knows, never a bare "my …"
    expect(parseCommand('delete that I smoke')).toEqual(forget('I smoke'));
    expect(parseCommand('erase that I smoke')).toEqual(forget('I smoke'));
    expect(parseCommand('wipe that I smoke')).toEqual(forget('I smoke'));
    expect(parseCommand('Delete my address')).toBeNull();
    expect(parseCommand('Please remove my shoes')).toBeNull();
    expect(parseCommand("Don't remember that I failed")).toEqual(forget('I failed'));
    expect(parseCommand('do not remember that my son was ill')).toEqual(forget('my son was ill'));
    expect(parseCommand('dont remember that we fought')).toEqual(forget('we fought'));
    expect(parseCommand("Don't remember that guy's name")).toBeNull();
    expect(parseCommand("Don't remember my address")).toBeNull();
    expect(parseCommand("don't remember what you know about my ex")).toEqual(forget('my ex'));
    // the verb is a whole word
    expect(parseCommand('Forgetting that I smoke is hard')).toBeNull();
    expect(parseCommand('Deleted that I smoke')).toBeNull();
  });

  it('lead-ins and request forms before the verb', () => {
    for (const s of [
      'And forget that I smoke',
      'but forget that I smoke',
      'so, forget that I smoke',
      'Also forget that I smoke',
      'now forget that I smoke',
      'then forget that I smoke',
      'Oh and please forget that I smoke',
      'OK, forget that I smoke',
      'okay forget that I smoke',
      'alright forget that I smoke',
      'Well, forget that I smoke',
      'Actually, forget that I smoke',
      'Just forget that I smoke',
      'Hey, forget that I smoke',
      'hi, forget that I smoke',
      'Kindly forget that I smoke',
      'Could you please forget that I smoke',
      'can you forget that I smoke',
      'would you forget that I smoke',
      'will you please forget that I smoke',
      'I want you to forget that I smoke',
      'I need you to forget that I smoke',
      "I'd like you to forget that I smoke",
      'Id like you to forget that I smoke',
      'You can forget that I smoke now',
      'you may now forget that I smoke',
      'You should forget that I smoke',
      'you could just forget that I smoke',
      'Please just forget that I smoke',
    ]) {
      expect([s, parseCommand(s)]).toEqual([s, forget('I smoke')]);
    }
    // a vocative or a greeting in its own clause
    expect(parseCommand('Assistant, forget that I smoke')).toEqual(forget('I smoke'));
    expect(parseCommand('OK,forget that I smoke')).toEqual(forget('I smoke'));
    expect(parseCommand('I moved,forget my old address')).toEqual(forget('my old address'));
    expect(parseCommand('ok;  forget that I smoke')).toEqual(forget('I smoke'));
    // anything else before the verb makes it someone else's sentence
    expect(parseCommand('I forget that I smoke')).toBeNull();
    expect(parseCommand('Never forget that I smoke')).toBeNull();
    expect(parseCommand("Let's forget that I smoke")).toBeNull();
    expect(parseCommand('They forget that I smoke')).toBeNull();
  });

  it('questions: only the "could you …?" request counts', () => {
    expect(parseCommand('Can you forget that I live in Paris?')).toEqual(forget('I live in Paris'));
    expect(parseCommand('Could you forget my address?')).toEqual(forget('my address'));
    expect(parseCommand('Forget that I live in Paris?')).toBeNull();
    expect(parseCommand('Did you forget my birthday?')).toBeNull();
    expect(parseCommand('Can you remember that I am vegan?')).toEqual(remember('I am vegan'));
    expect(parseCommand('Remember that I am vegan?')).toBeNull();
  });

  it('conditionals are not deletions: an opening condition, or one inside the subject', () => {
    for (const opening of ['If', 'Unless', 'When', 'Whenever', 'Once', 'In case', 'Before', 'After', 'Until', 'As soon as', 'Even if']) {
      expect(parseCommand(`${opening} I move, forget that I live in Paris`)).toBeNull();
    }
    for (const cond of ['if', 'unless', 'in case', 'as soon as', 'whenever']) {
      expect(parseCommand(`Forget that I live in Paris ${cond} I move`)).toBeNull();
    }
    expect(parseCommand('Forget that I live in Paris if')).toBeNull();
    // "once" and "when" inside a fact are part of it
    expect(parseCommand('Forget that I once lived in Paris')).toEqual(forget('I once lived in Paris'));
    expect(parseCommand('Forget that I cried when my dog died')).toEqual(forget('I cried when my dog died'));
    expect(parseCommand('Forget that I have a gift')).toEqual(forget('I have a gift')); // "if" only as a word
  });

  it('reported speech: a clause after "said," / "told me," is not said to the assistant', () => {
    for (const reporter of ['He said', 'She says', 'They say', 'Mom told me', 'Dad tells us', 'He asked', 'And she goes', 'Then she went', 'I was like', 'She wrote', 'He writes']) {
      expect([reporter, parseCommand(`${reporter}, forget that I smoke`)]).toEqual([reporter, null]);
    }
    expect(parseCommand('She said that, forget that I smoke')).toEqual(forget('I smoke')); // only right after the verb
    expect(parseCommand('He said , forget that I smoke')).toBeNull();
    expect(parseCommand('She told me to forget that I ever met him')).toBeNull();
  });

  it('whitespace: any run of spaces, tabs or line breaks counts as one space', () => {
    expect(parseCommand('forget  that \t I  live   in Paris')).toEqual(forget('I live in Paris'));
    expect(parseCommand('Forget that I live in Paris in  case I move')).toBeNull();
    expect(parseCommand('Forget that I live in Paris as  soon   as I move')).toBeNull();
    expect(parseCommand('In  case I move, forget that I live in Paris')).toBeNull();
    expect(parseCommand('He  told   me, forget that I smoke')).toBeNull();
    expect(parseCommand('remember the  time we sang')).toBeNull();
    expect(parseCommand('forget that I  brought  up my ex')).toBeNull();
    expect(parseCommand('forget my address  for  me')).toEqual(forget('my address'));
  });

  it('the subject ends at its clause, without politeness or punctuation', () => {
    expect(parseCommand('Forget that I live in Paris, France')).toEqual(forget('I live in Paris'));
    expect(parseCommand('Forget that I live in Paris; I moved')).toEqual(forget('I live in Paris'));
    expect(parseCommand('Forget that I live in Paris - I moved')).toEqual(forget('I live in Paris'));
    expect(parseCommand('Forget that I live in Paris – I moved')).toEqual(forget('I live in Paris'));
    expect(parseCommand('Forget that I live in Paris — I moved')).toEqual(forget('I live in Paris'));
    expect(parseCommand('Forget that I live in Paris-Nord')).toEqual(forget('I live in Paris-Nord'));
    expect(parseCommand('forget my address please')).toEqual(forget('my address'));
    expect(parseCommand('forget my address now, thanks')).toEqual(forget('my address'));
    expect(parseCommand('forget my address thank you')).toEqual(forget('my address'));
    expect(parseCommand('forget my address anymore')).toEqual(forget('my address'));
    expect(parseCommand('forget my address for me please!!')).toEqual(forget('my address'));
    expect(parseCommand('forget my address too.')).toEqual(forget('my address'));
    expect(parseCommand('forget my address thanks!')).toEqual(forget('my address'));
    expect(parseCommand('  Forget that I smoke!!  ')).toEqual(forget('I smoke'));
    expect(parseCommand('forget my nowhere plans')).toEqual(forget('my nowhere plans')); // "now" only as a word
  });

  it('taking words back ("forget I said anything about X") is not a fact to forget', () => {
    for (const s of ['Forget I said anything about my sister', 'forget that I mentioned my ex', 'Forget I ever told you about my job', 'forget we talked about my ex', 'forget I just asked about my ex', 'forget I once spoke about my ex', 'Forget I even brought up my ex', 'forget that we say my name', 'forget I even said it']) {
      expect([s, parseCommand(s)]).toEqual([s, null]);
    }
    // a fact that merely starts like it is still one
    expect(parseCommand('forget that I saidnt')).toEqual(forget('I saidnt'));
    expect(parseCommand('Forget that I sail on weekends')).toEqual(forget('I sail on weekends'));
    expect(parseCommand('forget that my wife and I talked about moving')).toEqual(forget('my wife and I talked about moving'));
    expect(parseCommand('forget what I told you about my ex')).toEqual(forget('my ex'));
  });

  it('a forget must name something: fillers alone name nothing', () => {
    for (const s of ['Forget that.', 'Forget it', 'forget about it', 'Forget I said anything', 'Forget I asked', "Forget I'm even here", 'Forget my last message', 'Forget my previous question', 'forget that I said that', 'Delete what you know about me', 'forget everything', 'Forget everything you know about it', 'Forget my stuff']) {
      expect([s, parseCommand(s)]).toEqual([s, null]);
    }
  });

  it('a forget anywhere in the sentence wins over a remember', () => {
    expect(parseCommand('Remember that I moved, and forget my old address')).toEqual(forget('my old address'));
    expect(parseCommand("Forget that I smoke, remember that I'm vegan")).toEqual(forget('I smoke'));
    expect(parseCommand("Forget it, remember that I'm vegan")).toEqual(remember("I'm vegan"));
  });
});

describe('parseCommand: remember commands', () => {
  it('remember / don\'t forget / keep in mind / make a note / take note / note, with "this"/"that" and a marker', () => {
    expect(parseCommand("Remember that I'm vegan")).toEqual(remember("I'm vegan"));
    expect(parseCommand('remember my PIN hint is blue')).toEqual(remember('my PIN hint is blue'));
    expect(parseCommand('Remember that: the gate code is 1234')).toEqual(remember('the gate code is 1234'));
    expect(parseCommand("Don't forget that Tom is allergic to nuts")).toEqual(remember('Tom is allergic to nuts'));
    expect(parseCommand("don't ever forget I'm diabetic")).toEqual(remember("I'm diabetic"));
    expect(parseCommand('Do not forget my birthday is in May')).toEqual(remember('my birthday is in May'));
    expect(parseCommand('keep in mind I work nights')).toEqual(remember('I work nights'));
    expect(parseCommand("make a note that I'm vegan")).toEqual(remember("I'm vegan"));
    expect(parseCommand("make a note of that: I'm vegan")).toEqual(remember("I'm vegan"));
    expect(parseCommand("take note, I'm vegan")).toEqual(remember("I'm vegan"));
    expect(parseCommand("take note of this - I'm vegan")).toEqual(remember("I'm vegan"));
    expect(parseCommand('Note this - my sister is Ana')).toEqual(remember('my sister is Ana'));
    expect(parseCommand('note: my sister is Ana')).toEqual(remember('my sister is Ana'));
    expect(parseCommand('Remember Thatcher resigned in 1990')).toEqual(remember('Thatcher resigned in 1990'));
    expect(parseCommand('Remember thistles are weeds')).toEqual(remember('thistles are weeds'));
    expect(parseCommand("Remember that I'm vegan!!")).toEqual(remember("I'm vegan"));
  });

  it('"Remember this!" is a command with an empty subject; a bare verb is not', () => {
    expect(parseCommand('Remember this!')).toEqual(remember(''));
    expect(parseCommand('Remember that.')).toEqual(remember(''));
    expect(parseCommand('Remember!')).toBeNull();
    expect(parseCommand('Note the time')).toBeNull(); // "note" needs "this"/"that" or a marker
    expect(parseCommand('Note my sister is Ana')).toBeNull();
    expect(parseCommand('note this my sister is Ana')).toEqual(remember('my sister is Ana'));
    expect(parseCommand("take note I'm vegan")).toEqual(remember("I'm vegan"));
    expect(parseCommand("Remember that I'm vegan !")).toEqual(remember("I'm vegan"));
    expect(parseCommand('Noted, thanks')).toBeNull();
  });

  it('not recollections, advice or talk to the listener', () => {
    for (const s of [
      'Remember when we went to Rome?',
      'Remember when we went to Rome.',
      'remember how we laughed',
      'Remember what she said',
      'remember where we met',
      'Remember who won',
      'remember whom you love',
      'remember why you started',
      'remember if the shop is open',
      'remember whether it rained',
      'Remember to take your vitamins',
      "Don't forget to call mom",
      'Remember the time we sang',
      'remember the times we sang',
      'remember the day we met',
      'remember the days of summer',
      'remember the moment we met',
      'remember the night we met',
      'remember those days',
      'remember these words',
      'remember back in school',
      'Remember me to your mother',
      'remember us fondly',
      "Don't forget your umbrella",
      'never forget you are loved',
      "Don't forget you're loved",
      'remember yourself',
      'I remember that day',
      'I remembered my keys',
      'Yeah, I do remember those dance classes',
    ]) {
      expect([s, parseCommand(s)]).toEqual([s, null]);
    }
  });

  it('empty and blank sentences are nothing', () => {
    expect(parseCommand('')).toBeNull();
    expect(parseCommand('   ')).toBeNull();
  });
});

describe('corpus: everyday speech never asks to forget (issue 10, item 1)', () => {
  it(`none of the ${EVERYDAY_SPEECH.length} everyday phrasings is a forget command`, () => {
    expect(EVERYDAY_SPEECH.length).toBeGreaterThanOrEqual(60);
    const forgets = EVERYDAY_SPEECH.flatMap((text, i) => findCommands([{ id: `e${i}`, role: 'user', text }]).filter((c) => c.kind === 'forget'));
    expect(forgets).toEqual([]);
  });

  it('nor are they when said together in one turn', () => {
    expect(findCommands([{ id: 'all', role: 'user', text: EVERYDAY_SPEECH.join(' ') }]).filter((c) => c.kind === 'forget')).toEqual([]);
  });

  const turns = locomoTurns();
  if (!turns) console.warn(`LoCoMo dev set not found at ${LOCOMO_PATH} (set LOCOMO_PATH): skipping the LoCoMo part of the corpus test`);
  (turns ? it : it.skip)(`no turn of the LoCoMo dev set is a forget command${turns ? '' : ` (skipped: ${LOCOMO_PATH} not found)`}`, () => {
    const all = turns ?? [];
    expect(all.length).toBeGreaterThan(6000); // 3,435 turns, raw and as the benches store them
    const forgets = all.flatMap((t) => findCommands([{ id: t.id, role: 'user', text: t.text }]).filter((c) => c.kind === 'forget'));
    expect(forgets).toEqual([]);
  });
});
