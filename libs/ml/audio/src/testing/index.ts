/**
 * `@frontier/ml-audio/testing`: speech made offline with espeak-ng and helpers to pad it with
 * seeded noise, concatenate clips and find the audible span, for the specs and the VAD / ASR benches.
 */
export { audibleSpan, concat, espeak, noiseSource, padWithNoise } from './speech-fixture';
