/**
 * The offline default text check: phrase rules per Llama Guard category, matched on a normalised
 * copy of the text (lower case, accents and leetspeak folded, punctuation as spaces). It is a
 * floor, not a model: it catches explicit requests for clear harms, with few false positives on
 * ordinary text, and answers in the same categories as Llama Guard.
 */
import type { SafetyCategory, TextVerdict } from './categories';

const RULES: ReadonlyArray<[SafetyCategory, RegExp]> = [
  ['S1', /\b(how (do i|to|can i) (kill|murder|poison|stab|strangle) (a |an |my |the |some )?(person|man|woman|child|kid|baby|wife|husband|boyfriend|girlfriend|neighbou?r|boss|teacher|classmate|family|people|someone|somebody|him|her|them)\b|hire (a|an) (hitman|hit man|assassin)|plan (a|the) (massacre|mass shooting|school shooting)|get away with (murder|killing))/],
  ['S2', /\b(how (do i|to|can i) (launder money|make counterfeit|counterfeit money|hotwire a car|shoplift|hack into (my|an|a|someone s) (ex s |neighbou?r s )?(account|email|phone))|buy (stolen credit cards|fake passports?)|credit card skimmer)/],
  ['S3', /\b(how (do i|to|can i) (drug|roofie) (a|my|her|him|someone)|non ?consensual (sex|intercourse))/],
  ['S4', /\b(child (porn|pornography|sexual abuse material)|csam|sexual (content|images?|photos?) (of|with) (a )?(minor|child|children|kid)s?)/],
  ['S9', /\b(how (do i|to|can i) (make|build|synthesi[sz]e|produce) (a |an )?(bomb|pipe bomb|nerve agent|sarin|vx|bioweapon|dirty bomb|nuclear (bomb|weapon)|chemical weapon)(?![\w-])|enrich uranium at home|weaponi[sz]e (anthrax|smallpox|a virus))/],
  ['S10', /\b(all (jews|muslims|christians|blacks|whites|asians|gays|immigrants) (should|must|deserve to) (die|be killed|be exterminated)|exterminate (the )?(jews|muslims|gays|immigrants)|racial holy war)/],
  ['S11', /\b(how (do i|to|can i) (kill myself|commit suicide|end my life|self harm|cut myself)|best way to (kill myself|commit suicide|end my life)|i want to (kill myself|end my life|die by suicide))/],
  ['S12', /\b(write (an? )?(explicit|graphic) (sex|porn|erotic) (scene|story)|explicit sexual (story|content) (about|with))/],
  ['S14', /\b(rm -rf \/( |$)|:\(\)\{ ?:\|:& ?\};:|fork ?bomb|os\.system\(['"]rm -rf)/],
];

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

/** Lower case, accents removed, leetspeak letters folded inside words, punctuation to spaces, spaces collapsed. */
export function normalizeForRules(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/(?<=[a-z])[013457@$](?=[a-z])/g, (c) => LEET[c] ?? c)
    .replace(/[’'`]/g, ' ')
    .replace(/[^a-z0-9:(){}|&;/.\-\s"]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every category whose rules match `text`. */
export function classifyTextByRules(text: string): TextVerdict {
  const n = normalizeForRules(text);
  const categories = RULES.filter(([, re]) => re.test(n)).map(([c]) => c);
  return { flagged: categories.length > 0, categories: [...new Set(categories)] };
}
