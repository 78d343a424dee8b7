/** `@frontier/multimodal-encoders/testing`: media made in the test run with espeak-ng, sox and ffmpeg (specs and benches). */
export { makeVideo, speechClip, transcode, type SpeechClip, type VideoSpec } from './av-fixtures';
