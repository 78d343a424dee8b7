/**
 * A small labelled set for embedding quality: each row is an anchor sentence, a paraphrase of
 * it (same meaning, mostly different words) and an unrelated sentence (another topic). 30 rows
 * → 30 paraphrase pairs and 30 unrelated pairs. Written for this project; no external data.
 */
export interface ParaphraseRow {
  anchor: string;
  paraphrase: string;
  unrelated: string;
}

export const PARAPHRASE_ROWS: readonly ParaphraseRow[] = [
  { anchor: 'The cat sat on the mat.', paraphrase: 'A kitten was resting on the rug.', unrelated: 'Interest rates rose again this quarter.' },
  { anchor: 'How do I reset my password?', paraphrase: 'I forgot my login password and need to change it.', unrelated: 'The hiking trail follows the river for ten miles.' },
  { anchor: 'The flight was delayed by three hours.', paraphrase: 'Our plane took off three hours late.', unrelated: 'She planted tomatoes and basil in the garden.' },
  { anchor: 'I love eating pizza on Friday nights.', paraphrase: 'Friday evening is my favourite time for pizza.', unrelated: 'The server crashed because the disk was full.' },
  { anchor: 'The stock market fell sharply today.', paraphrase: 'Share prices dropped steeply in today’s trading.', unrelated: 'My grandmother knits scarves every winter.' },
  { anchor: 'He is learning to play the guitar.', paraphrase: 'He has been taking guitar lessons.', unrelated: 'The bridge was closed for repairs overnight.' },
  { anchor: 'It is raining heavily outside.', paraphrase: 'There is a downpour out there right now.', unrelated: 'The new phone has a larger battery.' },
  { anchor: 'The meeting has been moved to Thursday.', paraphrase: 'We rescheduled the meeting for Thursday.', unrelated: 'Penguins live mostly in the southern hemisphere.' },
  { anchor: 'My car would not start this morning.', paraphrase: 'This morning my car refused to start.', unrelated: 'The orchestra performed a symphony by Brahms.' },
  { anchor: 'She is allergic to peanuts.', paraphrase: 'Peanuts give her an allergic reaction.', unrelated: 'The football match ended in a draw.' },
  { anchor: 'The restaurant was too noisy to talk.', paraphrase: 'It was so loud in the restaurant that we could not have a conversation.', unrelated: 'Photosynthesis converts sunlight into chemical energy.' },
  { anchor: 'Please send me the report by Monday.', paraphrase: 'I need the report in my inbox before Monday.', unrelated: 'The volcano erupted for the first time in a century.' },
  { anchor: 'The baby is sleeping in the next room.', paraphrase: 'The infant is asleep in the room next door.', unrelated: 'Our company doubled its revenue last year.' },
  { anchor: 'I need to buy groceries after work.', paraphrase: 'After my shift I have to go food shopping.', unrelated: 'The telescope photographed a distant galaxy.' },
  { anchor: 'The movie was boring and far too long.', paraphrase: 'That film dragged on and was dull.', unrelated: 'He fixed the leaking pipe under the sink.' },
  { anchor: 'Our team won the championship.', paraphrase: 'We took the title in the final.', unrelated: 'The recipe calls for two cups of flour.' },
  { anchor: 'The doctor told him to rest for a week.', paraphrase: 'His physician advised a week of bed rest.', unrelated: 'The museum opens at nine in the morning.' },
  { anchor: 'The train to London is cancelled.', paraphrase: 'There will be no train service to London.', unrelated: 'Bees pollinate many kinds of flowering plants.' },
  { anchor: 'I am moving to a new apartment next month.', paraphrase: 'Next month I will relocate to a different flat.', unrelated: 'The software update fixed several security bugs.' },
  { anchor: 'The coffee is too hot to drink.', paraphrase: 'This coffee is scalding, I cannot drink it yet.', unrelated: 'The election results will be announced tonight.' },
  { anchor: 'Can you help me carry these boxes?', paraphrase: 'Would you give me a hand moving these boxes?', unrelated: 'Glaciers are melting faster than predicted.' },
  { anchor: 'The store closes at eight in the evening.', paraphrase: 'The shop shuts at 8 pm.', unrelated: 'He wrote his thesis on medieval poetry.' },
  { anchor: 'My laptop battery drains very quickly.', paraphrase: 'The battery on my notebook computer runs out fast.', unrelated: 'The children built a snowman in the yard.' },
  { anchor: 'The dog barked at the mail carrier.', paraphrase: 'Our puppy was barking at the postman.', unrelated: 'Inflation reduced the value of savings.' },
  { anchor: 'She finished the marathon in four hours.', paraphrase: 'It took her four hours to run the marathon.', unrelated: 'The printer is out of ink again.' },
  { anchor: 'The price of petrol has gone up.', paraphrase: 'Gas prices have increased.', unrelated: 'The kitten chased a ball of yarn.' },
  { anchor: 'I could not sleep because of the noise.', paraphrase: 'The racket kept me awake all night.', unrelated: 'The spacecraft landed safely on Mars.' },
  { anchor: 'The hotel room had a beautiful view of the sea.', paraphrase: 'From our hotel room we could see the ocean.', unrelated: 'The accountant filed the tax return late.' },
  { anchor: 'He apologised for being late.', paraphrase: 'He said sorry for arriving after the start.', unrelated: 'Wolves hunt in packs during the winter.' },
  { anchor: 'The package was delivered to the wrong address.', paraphrase: 'The parcel went to someone else’s house by mistake.', unrelated: 'The choir rehearses every Tuesday evening.' },
];

export interface PairScores {
  paraphraseMean: number;
  unrelatedMean: number;
  /** paraphraseMean − unrelatedMean. */
  margin: number;
  /** Share of rows where cos(anchor, paraphrase) > cos(anchor, unrelated). */
  tripletAccuracy: number;
  /** Share of all (paraphrase pair, unrelated pair) combinations ranked right (ROC AUC). */
  pairwiseAccuracy: number;
  pairs: number;
}

/** Scores cosine similarities per row: `para[i]` = cos(anchor, paraphrase), `unrel[i]` = cos(anchor, unrelated). */
export function scorePairs(para: readonly number[], unrel: readonly number[]): PairScores {
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  let right = 0;
  for (const p of para) for (const u of unrel) right += p > u ? 1 : p === u ? 0.5 : 0;
  return {
    paraphraseMean: mean(para),
    unrelatedMean: mean(unrel),
    margin: mean(para) - mean(unrel),
    tripletAccuracy: para.filter((p, i) => p > unrel[i]).length / para.length,
    pairwiseAccuracy: right / (para.length * unrel.length),
    pairs: para.length + unrel.length,
  };
}
