import { partPath, type AudioPart, type ImageDetail, type ImagePart, type Modality, type Turn, type VideoPart } from '../parts';
import type { ModelProfile, VideoSampling } from '../profiles/profile';
import { scaleToMaxSide } from '../profiles/profile';
import { defaultVideoSampling } from '../profiles/registry';
import { CHAT_REPLY_PRIMER_TOKENS, CHAT_TOKENS_PER_MESSAGE, type TextCounter } from '../text/counter';
import type { PlannedAudio, PlannedImage, PlannedVideo } from './types';

interface ImageSlot {
  turn: number;
  path: string;
  part: ImagePart;
  maxSide: number | null;
  width: number;
  height: number;
  detail: ImageDetail;
  tokens: number;
}

interface VideoSlot {
  turn: number;
  path: string;
  part: VideoPart;
  sampling: VideoSampling;
  frames: number;
  tokens: number;
}

interface AudioSlot {
  turn: number;
  path: string;
  part: AudioPart;
  tokens: number;
}

/**
 * The planner's working state: every part counted once up front, then kept current
 * incrementally — a ladder step re-estimates only the parts it changes and adjusts the per-turn
 * and per-modality totals, so a step costs O(parts it touches), never a recount of the text.
 */
export class Budget {
  readonly images: ImageSlot[] = [];
  readonly videos: VideoSlot[] = [];
  readonly audios: AudioSlot[] = [];
  /** Tokens of each turn as currently planned (its overhead, text and media). */
  private readonly turnTokens: number[];
  /** Per turn, per modality, for the byModality totals when a turn is dropped. */
  private readonly turnModality: Array<Record<Modality, number>>;
  readonly kept: boolean[];
  total = CHAT_REPLY_PRIMER_TOKENS;
  readonly byModality: Record<Modality, number> = { text: CHAT_REPLY_PRIMER_TOKENS, image: 0, audio: 0, video: 0 };

  constructor(
    readonly turns: readonly Turn[],
    readonly profile: ModelProfile,
    textCounter: TextCounter,
  ) {
    const sampling = defaultVideoSampling(profile);
    this.turnTokens = new Array<number>(turns.length);
    this.turnModality = new Array<Record<Modality, number>>(turns.length);
    this.kept = new Array<boolean>(turns.length).fill(true);
    for (let t = 0; t < turns.length; t++) {
      const m: Record<Modality, number> = { text: CHAT_TOKENS_PER_MESSAGE, image: 0, audio: 0, video: 0 };
      const parts = (turns[t] as Turn).parts;
      for (let p = 0; p < parts.length; p++) {
        const part = parts[p] as Turn['parts'][number];
        switch (part.kind) {
          case 'text':
          case 'file':
            m.text += textCounter.count(part.text);
            break;
          case 'image': {
            const detail = part.detail ?? 'auto';
            const tokens = profile.imageTokens(part.width, part.height, detail);
            this.images.push({ turn: t, path: partPath(t, p), part, maxSide: null, width: part.width, height: part.height, detail, tokens });
            m.image += tokens;
            break;
          }
          case 'audio': {
            const tokens = profile.audioTokens(part);
            this.audios.push({ turn: t, path: partPath(t, p), part, tokens });
            m.audio += tokens;
            break;
          }
          case 'video': {
            const tokens = profile.videoTokens(part, sampling);
            this.videos.push({ turn: t, path: partPath(t, p), part, sampling, frames: profile.videoFrames(part, sampling), tokens });
            m.video += tokens;
            break;
          }
        }
      }
      this.turnModality[t] = m;
      this.turnTokens[t] = m.text + m.image + m.audio + m.video;
      this.total += this.turnTokens[t] as number;
      this.byModality.text += m.text;
      this.byModality.image += m.image;
      this.byModality.audio += m.audio;
      this.byModality.video += m.video;
    }
  }

  private adjust(turn: number, modality: Modality, delta: number): void {
    (this.turnModality[turn] as Record<Modality, number>)[modality] += delta;
    this.turnTokens[turn] = (this.turnTokens[turn] as number) + delta;
    this.byModality[modality] += delta;
    this.total += delta;
  }

  /** Resamples every kept video that gets cheaper under `sampling`; returns the paths changed, largest first. */
  resampleVideos(sampling: VideoSampling): string[] {
    const changed: Array<{ slot: VideoSlot; tokens: number; before: number }> = [];
    for (const v of this.videos) {
      if (!this.kept[v.turn]) continue;
      const tokens = this.profile.videoTokens(v.part, sampling);
      if (tokens < v.tokens) changed.push({ slot: v, tokens, before: v.tokens });
    }
    changed.sort((a, b) => b.before - a.before);
    for (const { slot, tokens } of changed) {
      this.adjust(slot.turn, 'video', tokens - slot.tokens);
      slot.tokens = tokens;
      slot.sampling = sampling;
      slot.frames = this.profile.videoFrames(slot.part, sampling);
    }
    return changed.map((c) => c.slot.path);
  }

  /** Caps every kept image's long edge at `maxSide` where that lowers its tokens; returns the paths changed, largest first. */
  capImages(maxSide: number): string[] {
    return this.degradeImages((img) => {
      const size = scaleToMaxSide(img.part.width, img.part.height, maxSide);
      return { ...size, detail: img.detail, maxSide, tokens: this.profile.imageTokens(size.width, size.height, img.detail) };
    });
  }

  /** Switches every kept image to detail 'low' where that lowers its tokens (OpenAI tiles). */
  lowDetailImages(): string[] {
    return this.degradeImages((img) => ({ width: img.width, height: img.height, maxSide: img.maxSide, detail: 'low', tokens: this.profile.imageTokens(img.width, img.height, 'low') }));
  }

  private degradeImages(next: (img: ImageSlot) => Pick<ImageSlot, 'width' | 'height' | 'detail' | 'maxSide' | 'tokens'>): string[] {
    const changed: Array<{ slot: ImageSlot; to: ReturnType<typeof next>; before: number }> = [];
    for (const img of this.images) {
      if (!this.kept[img.turn]) continue;
      const to = next(img);
      if (to.tokens < img.tokens) changed.push({ slot: img, to, before: img.tokens });
    }
    changed.sort((a, b) => b.before - a.before);
    for (const { slot, to } of changed) {
      this.adjust(slot.turn, 'image', to.tokens - slot.tokens);
      Object.assign(slot, to);
    }
    return changed.map((c) => c.slot.path);
  }

  /** Drops whole turns (their text and media leave the estimate). */
  dropTurns(turns: readonly number[]): void {
    for (const t of turns) {
      if (!this.kept[t]) continue;
      this.kept[t] = false;
      const m = this.turnModality[t] as Record<Modality, number>;
      this.byModality.text -= m.text;
      this.byModality.image -= m.image;
      this.byModality.audio -= m.audio;
      this.byModality.video -= m.video;
      this.total -= this.turnTokens[t] as number;
    }
  }

  plannedImages(): PlannedImage[] {
    return this.images.filter((i) => this.kept[i.turn]).map((i) => ({ path: i.path, turn: i.turn, maxSide: i.maxSide, width: i.width, height: i.height, detail: i.detail, tokens: i.tokens }));
  }

  plannedVideos(): PlannedVideo[] {
    return this.videos
      .filter((v) => this.kept[v.turn])
      .map((v) => ({ path: v.path, turn: v.turn, mode: v.sampling.mode, fps: v.sampling.mode === 'fps' ? v.sampling.fps : null, frames: v.frames, tokens: v.tokens }));
  }

  plannedAudios(): PlannedAudio[] {
    return this.audios.filter((a) => this.kept[a.turn]).map((a) => ({ path: a.path, turn: a.turn, durationS: a.part.durationS, tokens: a.tokens }));
  }

  /** Seconds of kept video and audio (for the rejection's hint). */
  keptSeconds(kind: 'video' | 'audio'): number {
    let s = 0;
    for (const x of kind === 'video' ? this.videos : this.audios) if (this.kept[x.turn]) s += x.part.durationS;
    return s;
  }

  keptImageCount(): number {
    let n = 0;
    for (const i of this.images) if (this.kept[i.turn]) n++;
    return n;
  }
}

/**
 * The droppable history, oldest first: each group is one exchange — a user turn with the
 * assistant and tool turns that answer it — so a tool result never outlives its call. System
 * turns and everything from the last user turn on (the question being asked) are never dropped;
 * with no user turn, the last turn is kept.
 */
export function historyGroups(turns: readonly Turn[]): number[][] {
  let lastUser = -1;
  for (let i = turns.length - 1; i >= 0; i--) {
    if ((turns[i] as Turn).role === 'user') {
      lastUser = i;
      break;
    }
  }
  const protectedFrom = lastUser >= 0 ? lastUser : turns.length - 1;
  const groups: number[][] = [];
  let current: number[] | null = null;
  for (let i = 0; i < protectedFrom; i++) {
    const role = (turns[i] as Turn).role;
    if (role === 'system') continue;
    if (role === 'user' || current === null) {
      current = [];
      groups.push(current);
    }
    current.push(i);
  }
  return groups;
}

