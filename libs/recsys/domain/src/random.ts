// The seeded PRNG lives in @frontier/platform-util (one for the whole workspace); re-exported here
// because `Rng` is part of this library's public API (every random function takes one).
export { Rng } from '@frontier/platform-util';
