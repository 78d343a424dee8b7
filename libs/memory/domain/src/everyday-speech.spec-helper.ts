// Spec-only (excluded from the library build): the corpus of everyday speech, and LoCoMo when present.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Everyday sentences that mention forgetting, remembering or deleting without asking the
 * assistant to delete anything: none of them may ever be read as a forget command (issue 10,
 * item 1). Advice, recollections, statements about oneself, questions, reported speech,
 * conditionals, idioms, and imperatives whose object is not a fact about the user.
 */
export const EVERYDAY_SPEECH: readonly string[] = [
  // from the issue and the first version's data loss
  "And don't forget to get enough sleep, it really helps.",
  "I don't remember what it's called.",
  "Don't forget your umbrella!",
  "I can't remember his name.",
  'Remember when we went camping at the lake?',
  'I forgot my keys again this morning.',
  "Forget about it, it's fine.",
  'Never forget where you came from.',
  // statements about oneself
  "I'll never forget the day my daughter was born.",
  'I always forget where I parked the car.',
  'I remember my first day at school.',
  'I remember that trip to Rome like it was yesterday.',
  "I don't remember much about my childhood.",
  "I honestly don't remember.",
  "Can't remember if I turned off the stove.",
  'I forgot that I had a dentist appointment today.',
  'I almost forgot, my sister is visiting next week.',
  'Oh, I forgot to mention that I got the job!',
  'I keep forgetting to drink water.',
  'Forgetting things is normal at my age.',
  'I wish I could forget that I failed the exam.',
  "I'd rather forget about last weekend.",
  "I'll try to forget my ex.",
  'We forgot the cake at home!',
  'Forgot my password again, ugh.',
  'I need to delete some old emails.',
  "I'm trying to erase that memory from my mind.",
  // advice and encouragement
  'Do not forget to water the plants.',
  "Please don't forget to lock the door.",
  "Don't ever forget that you're loved.",
  "Rejections suck, but don't forget they don't define you.",
  'Remember to take your vitamins.',
  'Just remember to breathe.',
  "Remember, it takes time to form a bond, don't rush!",
  'Forget the haters, you are doing great.',
  'Forget what they say about you.',
  'Forget the past and look ahead.',
  'Forget your worries and dance.',
  'Forget about me, go have fun!',
  'Help me forget my worries.',
  // idioms and dismissals
  'Forget it, never mind.',
  'Just forget it.',
  "Ok forget it, we'll do it tomorrow.",
  'Honestly, forget about it.',
  "Forget that, let's talk about something else.",
  "Forget that, it's not important.",
  'Forget I said anything.',
  'Forget I asked.',
  'Forget I said anything about my sister.',
  'Forget that I mentioned my ex, it was silly.',
  "Forget I'm even here.",
  'Forget my last message.',
  'Sorry, forget my previous question.',
  "Forget our argument, I'm over it.",
  "Let's forget about work for a while.",
  "Let's not forget how far we've come.",
  "Don't you forget about me!",
  "Don't remember that guy's name, sorry.",
  // questions
  'Did you forget my birthday?',
  'Do you remember the name of that restaurant?',
  'How could I forget my own anniversary?',
  "You'll forget about my birthday again, won't you?",
  'Can you believe I forgot my own phone number?',
  // reported speech
  'She told me to forget that I ever met him.',
  'My mom always says to forget about my problems.',
  'He said, forget about my car, take the bus.',
  'You forgot to call me back yesterday.',
  // conditionals
  "If you're tired, forget about my errands and rest.",
  "Forget about my problems if you're busy.",
  'When you get home, forget about my mess and sleep.',
  // imperatives about things, not facts
  'Delete the photos from my phone when you get a chance.',
  'Remove the stain with baking soda.',
  'Please remove my shoes from the hallway.',
  'Erase the whiteboard before you leave.',
  'Wipe the table, please.',
  'Stop remembering the bad times and focus on the good ones.',
  'Who could forget that concert!',
  'You never forget how to ride a bike.',
];

/** `../shared/data/locomo-dev.json` relative to the workspace root, or $LOCOMO_PATH (absent in CI clones). */
export const LOCOMO_PATH = process.env['LOCOMO_PATH'] ?? resolve(__dirname, '../../../../../shared/data/locomo-dev.json');

/** Every turn of the LoCoMo dev set, as said and as the benches store it ("<speaker>: <text>"); null when the file is absent. */
export function locomoTurns(): Array<{ id: string; text: string }> | null {
  if (!existsSync(LOCOMO_PATH)) return null;
  const raw = JSON.parse(readFileSync(LOCOMO_PATH, 'utf8')) as Array<{ conversation: Record<string, unknown> }>;
  const out: Array<{ id: string; text: string }> = [];
  for (const c of raw) {
    for (const [key, turns] of Object.entries(c.conversation)) {
      if (!/^session_\d+$/.test(key) || !Array.isArray(turns)) continue;
      for (const t of turns as Array<{ dia_id: string; speaker: string; text: string }>) out.push({ id: t.dia_id, text: t.text }, { id: t.dia_id, text: `${t.speaker}: ${t.text}` });
    }
  }
  return out;
}
