/**
 * The media port: a part's bytes from its data: URL, base64 field or allow-listed URL, then checked
 * by multimodal-domain (magic numbers — never the declared type —, size, dimensions, duration,
 * truncation) before anything else runs. Every refusal is a 400 naming the part.
 */
import { createHash } from 'node:crypto';
import { decodeBase64Strict, isMediaError, MEDIA_LIMITS, parseDataUrl, validateMediaPart, type MediaLimits } from '@frontier/multimodal-domain';
import { MediaFetchError, type MediaFetcher } from '@frontier/multimodal-data-access';
import { InvalidInputError } from '@frontier/platform-util';
import type { MediaPort, ResolvedMedia } from './ports';
import type { RequestPart } from './request';

type MediaPart = Exclude<RequestPart, { type: 'text' }>;

function refuse(e: unknown, fallbackField: string): never {
  if (isMediaError(e) || e instanceof MediaFetchError) throw new InvalidInputError(e.part ?? fallbackField, e.part && !e.message.includes(e.part) ? `${e.part}: ${e.message}` : e.message, e.code);
  throw e;
}

export function createMediaPort(opts: { limits?: MediaLimits; fetcher: MediaFetcher | null }): MediaPort {
  const limits = opts.limits ?? MEDIA_LIMITS;
  const fromUrl = async (url: string, field: string): Promise<{ bytes: Uint8Array; declared?: string }> => {
    if (url.slice(0, 5).toLowerCase() === 'data:') {
      const d = parseDataUrl(url, { part: field });
      return { bytes: d.bytes, declared: d.mime || undefined };
    }
    if (!/^https?:\/\//i.test(url)) throw new InvalidInputError(field, `${field} must be a data: URL or an http(s) URL`, 'bad_url');
    if (!opts.fetcher) throw new InvalidInputError(field, `${field}: this gateway fetches no remote media (no host is allowed); send a data: URL`, 'host_not_allowed');
    const r = await opts.fetcher.fetch(url, field);
    return { bytes: r.bytes, declared: r.contentType };
  };

  return {
    async resolve(part: MediaPart): Promise<ResolvedMedia> {
      try {
        let bytes: Uint8Array;
        let declared: string | undefined;
        let kind: 'image' | 'audio' | 'video' | 'file';
        let filename: string | undefined;
        switch (part.type) {
          case 'image_url':
            ({ bytes, declared } = await fromUrl(part.url, `${part.path}.image_url.url`));
            kind = 'image';
            break;
          case 'video_url':
            ({ bytes, declared } = await fromUrl(part.url, `${part.path}.video_url.url`));
            kind = 'video';
            break;
          case 'input_audio':
            bytes = decodeBase64Strict(part.data, { part: `${part.path}.input_audio.data` });
            declared = part.format;
            kind = 'audio';
            break;
          default:
            if (part.fileData.slice(0, 5).toLowerCase() === 'data:') ({ bytes, declared } = await fromUrl(part.fileData, `${part.path}.file.file_data`));
            else bytes = decodeBase64Strict(part.fileData, { part: `${part.path}.file.file_data` });
            filename = part.filename ?? undefined;
            kind = 'file';
        }
        const v = validateMediaPart(kind, bytes, limits, { part: part.path, declaredMime: declared, filename });
        const base = { path: part.path, kind, mime: v.mime, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
        switch (v.kind) {
          case 'image':
            return { ...base, kind: kind === 'file' ? 'image' : kind, width: v.image.width, height: v.image.height, detail: part.type === 'image_url' ? part.detail : 'auto' };
          case 'audio':
            return { ...base, durationS: v.audio.durationS, format: part.type === 'input_audio' ? part.format : undefined };
          case 'video':
            return { ...base, durationS: v.video.durationS, fps: v.video.fps, keyframes: v.video.keyframes, width: v.video.width, height: v.video.height };
          case 'document':
            return {
              ...base,
              text: v.mime === 'text/plain' ? Buffer.from(bytes).toString('utf8') : `(${v.mime}${v.document.pages ? `, ${v.document.pages} pages` : ''}: text extraction from this format is not available)`,
            };
        }
        throw new InvalidInputError(part.path, `${part.path}: unsupported media`, 'unsupported_media');
      } catch (e) {
        return refuse(e, part.path);
      }
    },
  };
}
