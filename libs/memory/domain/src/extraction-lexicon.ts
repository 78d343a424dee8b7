/**
 * Word lists the extraction rules match against (English). Each is a regex alternation; longer
 * phrases come before their prefixes.
 */
const alt = (words: readonly string[]) => [...words].sort((a, b) => b.length - a.length).join('|');

/** Jobs and roles ("I'm a …", "I work as a …"), singular. */
export const ROLES = alt([
  'engineer', 'developer', 'programmer', 'teacher', 'nurse', 'doctor', 'physician', 'surgeon', 'dentist', 'hygienist', 'pharmacist', 'vet', 'veterinarian',
  'designer', 'student', 'lawyer', 'attorney', 'paralegal', 'manager', 'director', 'writer', 'author', 'journalist', 'editor', 'translator', 'artist', 'chef', 'cook',
  'baker', 'butcher', 'barista', 'waiter', 'waitress', 'bartender', 'cashier', 'clerk', 'receptionist', 'secretary', 'assistant', 'scientist', 'researcher',
  'consultant', 'accountant', 'analyst', 'architect', 'pilot', 'firefighter', 'officer', 'cop', 'soldier', 'therapist', 'counselor', 'counsellor', 'psychologist',
  'social worker', 'painter', 'musician', 'singer', 'actor', 'actress', 'dancer', 'photographer', 'entrepreneur', 'founder', 'ceo', 'cto', 'electrician', 'plumber',
  'carpenter', 'mechanic', 'technician', 'driver', 'farmer', 'librarian', 'professor', 'lecturer', 'tutor', 'coach', 'trainer', 'athlete', 'banker', 'broker',
  'realtor', 'real estate agent', 'salesman', 'saleswoman', 'salesperson', 'marketer', 'intern', 'freelancer', 'paramedic', 'midwife', 'caregiver', 'nanny',
  'hairdresser', 'barber', 'stylist', 'cleaner', 'janitor', 'tailor', 'stay-at-home mom', 'stay-at-home dad', 'stay-at-home parent', 'homemaker', 'police officer',
]);

/** Pets and animals kept as pets. */
export const PETS = alt([
  'dog', 'dogs', 'cat', 'cats', 'puppy', 'puppies', 'pup', 'pups', 'kitten', 'kittens', 'parrot', 'bird', 'birds', 'hamster', 'rabbit', 'rabbits', 'bunny', 'turtle', 'tortoise',
  'goldfish', 'fish', 'snake', 'lizard', 'gecko', 'horse', 'pony', 'guinea pig', 'ferret', 'chinchilla', 'budgie', 'cockatiel', 'retriever', 'labrador', 'poodle',
  'terrier', 'beagle', 'bulldog', 'husky', 'shepherd', 'chihuahua', 'pug', 'dachshund', 'corgi', 'spaniel', 'collie', 'hedgehog', 'chickens', 'goat',
]);

/** Family (their facts are the user's relationships); friends and colleagues only by name. */
export const FAMILY = alt([
  'wife', 'husband', 'partner', 'spouse', 'girlfriend', 'boyfriend', 'fiance', 'fiancé', 'fiancee', 'fiancée', 'daughter', 'son', 'kid', 'kids', 'children', 'child',
  'baby', 'mother', 'mom', 'mum', 'father', 'dad', 'parents', 'sister', 'brother', 'siblings', 'grandma', 'grandmother', 'grandpa', 'grandfather', 'grandparents',
  'aunt', 'uncle', 'cousin', 'niece', 'nephew', 'twin', 'stepson', 'stepdaughter', 'stepmom', 'stepdad', 'in-laws', 'mother-in-law', 'father-in-law',
]);
export const PEOPLE = alt([FAMILY, 'best friend', 'friend', 'boss', 'roommate', 'flatmate']);

/** Relatives in the plural ("I have two brothers"), each with the singular its slot uses. */
export const PLURAL_RELATIVES: Readonly<Record<string, string>> = {
  brothers: 'brother', sisters: 'sister', sons: 'son', daughters: 'daughter', cousins: 'cousin', nieces: 'niece', nephews: 'nephew', aunts: 'aunt', uncles: 'uncle',
  grandchildren: 'grandchild', grandkids: 'grandchild', grandsons: 'grandson', granddaughters: 'granddaughter', stepsons: 'stepson', stepdaughters: 'stepdaughter',
  stepbrothers: 'stepbrother', stepsisters: 'stepsister', 'half-brothers': 'half-brother', 'half-sisters': 'half-sister',
};
export const PLURAL_FAMILY = alt(Object.keys(PLURAL_RELATIVES));

export const LANGUAGES = alt([
  'english', 'spanish', 'french', 'german', 'italian', 'portuguese', 'dutch', 'russian', 'polish', 'ukrainian', 'czech', 'greek', 'turkish', 'arabic', 'hebrew',
  'persian', 'farsi', 'hindi', 'urdu', 'bengali', 'punjabi', 'tamil', 'telugu', 'gujarati', 'marathi', 'chinese', 'mandarin', 'cantonese', 'japanese', 'korean',
  'vietnamese', 'thai', 'indonesian', 'malay', 'tagalog', 'filipino', 'swahili', 'amharic', 'yoruba', 'igbo', 'hausa', 'zulu', 'afrikaans', 'swedish',
  'norwegian', 'danish', 'finnish', 'icelandic', 'hungarian', 'romanian', 'bulgarian', 'serbian', 'croatian', 'slovak', 'catalan', 'basque', 'galician', 'irish',
  'welsh', 'sign language', 'asl', 'latin',
]);

export const NATIONALITIES = alt([
  'american', 'canadian', 'mexican', 'brazilian', 'argentinian', 'argentine', 'chilean', 'colombian', 'peruvian', 'venezuelan', 'cuban', 'british', 'english',
  'scottish', 'welsh', 'irish', 'french', 'german', 'italian', 'spanish', 'portuguese', 'dutch', 'belgian', 'swiss', 'austrian', 'swedish', 'norwegian', 'danish',
  'finnish', 'polish', 'czech', 'ukrainian', 'russian', 'greek', 'turkish', 'israeli', 'lebanese', 'egyptian', 'moroccan', 'nigerian', 'kenyan', 'ghanaian',
  'ethiopian', 'south african', 'indian', 'pakistani', 'bangladeshi', 'sri lankan', 'nepali', 'chinese', 'japanese', 'korean', 'vietnamese', 'thai',
  'filipino', 'indonesian', 'malaysian', 'singaporean', 'australian', 'new zealander', 'kiwi', 'iranian', 'iraqi', 'syrian', 'saudi', 'hungarian', 'romanian',
]);

/** Conditions a user "has", "suffers from", "was diagnosed with". */
export const CONDITIONS = alt([
  'diabetes', 'type 1 diabetes', 'type 2 diabetes', 'asthma', 'celiac disease', 'coeliac disease', 'celiac', 'coeliac', 'epilepsy', 'adhd', 'autism', 'depression',
  'anxiety', 'ptsd', 'ocd', 'bipolar disorder', 'migraines', 'migraine', 'high blood pressure', 'hypertension', 'high cholesterol', 'cancer', 'arthritis',
  'a bad back', 'back pain', 'a bad knee', 'chronic pain', 'insomnia', 'sleep apnea', 'ibs', "crohn's disease", 'eczema', 'psoriasis', 'dyslexia', 'a heart condition',
  'heart disease', 'tinnitus', 'lupus', 'multiple sclerosis', 'fibromyalgia', 'hiv', 'long covid', 'thyroid problems', 'hypothyroidism', 'anemia', 'a food allergy',
  'allergies', 'hay fever', 'glaucoma', 'a disability',
]);

export const MOODS = alt([
  'stressed', 'stressed out', 'anxious', 'happy', 'sad', 'exhausted', 'tired', 'overwhelmed', 'excited', 'lonely', 'burned out', 'burnt out', 'depressed',
  'down', 'nervous', 'worried', 'frustrated', 'angry', 'upset', 'bored', 'homesick', 'heartbroken', 'miserable', 'thrilled', 'grateful', 'hopeful', 'scared',
]);

/** Words that look like a name after "I'm" in lower-case chat but are not one. */
export const NOT_NAMES = new Set(
  (
    'fine good ok okay alright here there back done ready sure sorry glad happy sad tired just so not very really new old home busy free hungry bored confused lost ' +
    'late early alone in out on off up down all also still trying going looking feeling thinking the a an married single kidding listening impressed afraid ' +
    'sick well great cool sleepy awake excited curious interested retired pregnant vegan vegetarian fluent allergic from moving working studying learning ' +
    'planning hoping about gonna always never only too kind right wrong serious honest fair worried scared nervous stressed'
  ).split(' '),
);

/**
 * First names that end like a verb or an adjective (-ly, -ed, -ing): in all-lower-case chat "i'm emily"
 * cannot be told from "i'm lonely" by its shape, so these are accepted by name.
 */
export const NAMES_WITH_ADJECTIVE_ENDINGS = new Set(
  (
    'emily kelly molly holly polly sally ally billy lily lilly kimberly beverly beverley shirley stanley bradley wesley ashley dudley presley shelly shelley ' +
    'nelly milly tilly dolly kelly charly carly marly ted fred ed ned reed jed ahmed mohammed mohamed muhammed sterling irving'
  ).split(' '),
);

/** Mass businesses someone runs or owns (not pets, not objects). */
export const BUSINESSES = alt([
  'bakery', 'restaurant', 'cafe', 'café', 'coffee shop', 'shop', 'store', 'business', 'company', 'firm', 'startup', 'salon', 'studio', 'practice', 'farm', 'bar',
  'agency', 'clinic', 'gym', 'consultancy', 'food truck', 'bookshop', 'bookstore', 'boutique', 'hotel', 'pub',
]);
