export { type MediaErrorCode, MEDIA_ERROR_CODES, MediaError, isMediaError } from './errors';
export { type SniffResult, type MediaKind, sniff } from './sniff';
export { type ImageInfo, type InspectOptions, inspectImage } from './image';
export { type AudioInfo, inspectAudio } from './audio';
export { type VideoInfo, inspectVideo } from './video';
export { type DocumentInfo, inspectDocument } from './document';
export { type Base64Options, type Base64WhitespacePolicy, type DataUrl, decodeBase64Strict, parseDataUrl } from './base64';
export { type MediaLimits, type MediaLimitsOverrides, MEDIA_LIMITS, mediaLimits } from './limits';
export { type MediaPartKind, type ValidateMediaOptions, type ValidatedMedia, MEDIA_PART_ACCEPTS, validateMediaPart } from './validate';
