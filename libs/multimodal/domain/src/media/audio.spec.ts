import { inspectAudio } from './audio';
import { ascii, fixture, mediaError, patch } from './fixtures.spec-helper';
import { mpegFrameAt } from './mpeg';

describe('inspectAudio: exact metadata', () => {
  it('WAV: data bytes ÷ byte rate', () => {
    expect(inspectAudio(fixture('audio-1s-8k-mono.wav'))).toEqual({
      mime: 'audio/wav',
      durationS: 1,
      sampleRate: 8000,
      channels: 1,
      codec: 'pcm',
      durationEstimated: false,
    });
  });

  it('MP3 (CBR with a LAME Info frame, and VBR with a Xing frame): 41 frames × 576 samples at 22 050 Hz', () => {
    for (const name of ['audio-1s-cbr.mp3', 'audio-1s-vbr.mp3']) {
      expect(inspectAudio(fixture(name))).toEqual({
        mime: 'audio/mpeg',
        durationS: (41 * 576) / 22050,
        sampleRate: 22050,
        channels: 1,
        codec: 'mp3',
        durationEstimated: false,
      });
    }
  });

  it('MP3 without ID3 and without the Info frame: the frames are still counted exactly', () => {
    const mp3 = fixture('audio-1s-cbr.mp3');
    const first = mp3.indexOf(0xff);
    const info = mpegFrameAt(mp3, first);
    expect(info).toBeDefined();
    const bare = mp3.subarray(first + (info?.length ?? 0));
    expect(inspectAudio(bare).durationS).toBeCloseTo((41 * 576) / 22050, 9);
  });

  it('FLAC: STREAMINFO total samples ÷ rate', () => {
    expect(inspectAudio(fixture('audio-1s-16k.flac'))).toEqual({
      mime: 'audio/flac',
      durationS: 1,
      sampleRate: 16000,
      channels: 1,
      codec: 'flac',
      durationEstimated: false,
    });
  });

  it('OGG Vorbis: last granule ÷ rate; OGG Opus: (last granule − pre-skip) ÷ 48 kHz', () => {
    expect(inspectAudio(fixture('audio-1s-vorbis.ogg'))).toEqual({
      mime: 'audio/ogg',
      durationS: 1,
      sampleRate: 16000,
      channels: 1,
      codec: 'vorbis',
      durationEstimated: false,
    });
    expect(inspectAudio(fixture('audio-1s-opus.ogg'))).toEqual({
      mime: 'audio/ogg',
      durationS: 1,
      sampleRate: 48000,
      channels: 1,
      codec: 'opus',
      durationEstimated: false,
    });
  });

  it('M4A: mvhd duration; channels and rate from the AAC config (not the template channelcount 2)', () => {
    expect(inspectAudio(fixture('audio-1s.m4a'))).toEqual({
      mime: 'audio/mp4',
      durationS: 1,
      sampleRate: 16000,
      channels: 1,
      codec: 'aac',
      durationEstimated: false,
    });
  });

  it('WebM Opus: Segment Info duration (1.008 s: the muxer counts the Opus pre-roll)', () => {
    expect(inspectAudio(fixture('audio-1s-opus.webm'))).toEqual({
      mime: 'audio/webm',
      durationS: 1.008,
      sampleRate: 48000,
      channels: 1,
      codec: 'opus',
      durationEstimated: false,
    });
  });

  it('a video container is read for its audio track; one without audio says so', () => {
    expect(inspectAudio(fixture('video-2s-10fps-g5-audio.mp4'))).toMatchObject({ mime: 'video/mp4', sampleRate: 8000, channels: 1, codec: 'aac' });
    expect(mediaError(() => inspectAudio(fixture('video-2s-10fps-g5.mp4'))).message).toMatch(/no audio track/);
  });

  it('streamed WAV (sizes 0xFFFFFFFF): the data runs to the end, duration marked estimated', () => {
    const wav = fixture('audio-1s-8k-mono.wav');
    let data = -1;
    for (let i = 12; i < wav.length - 4; i++) if (wav[i] === 0x64 && wav[i + 1] === 0x61 && wav[i + 2] === 0x74 && wav[i + 3] === 0x61) data = i;
    const streamed = patch(patch(wav, 4, [255, 255, 255, 255]), data + 4, [255, 255, 255, 255]);
    expect(inspectAudio(streamed)).toMatchObject({ durationS: 1, durationEstimated: true });
  });
});

describe('inspectAudio: truncation', () => {
  it.each(['audio-1s-8k-mono.wav', 'audio-1s-cbr.mp3', 'audio-1s-vbr.mp3', 'audio-1s-16k.flac', 'audio-1s-vorbis.ogg', 'audio-1s-opus.ogg', 'audio-1s.m4a', 'audio-1s-opus.webm'])(
    '%s cut at 24 offsets → truncated',
    (name) => {
      const full = fixture(name);
      for (let k = 1; k <= 24; k++) {
        const at = Math.max(40, Math.floor((full.length * k) / 25));
        const e = mediaError(() => inspectAudio(full.subarray(0, at)));
        expect([at, e.code]).toEqual([at, 'truncated']);
      }
    },
  );

  it('MP3 cut exactly between two frames: caught by the Info/Xing byte count', () => {
    const mp3 = fixture('audio-1s-cbr.mp3');
    let o = mp3.indexOf(0xff);
    for (let i = 0; i < 10; i++) o += mpegFrameAt(mp3, o)?.length ?? 0;
    expect(mediaError(() => inspectAudio(mp3.subarray(0, o))).message).toMatch(/promises \d+ bytes/);
  });

  it('FLAC cut exactly between two frames: caught by STREAMINFO total samples', () => {
    const flac = fixture('audio-1s-16k.flac');
    // frame headers: 0xFF 0xF8, then the block-size/rate byte and the same channel/depth byte as the first frame
    const first = flac.findIndex((x, i) => x === 0xff && flac[i + 1] === 0xf8);
    let last = -1;
    for (let i = flac.length - 4; i > first; i--) {
      if (flac[i] === 0xff && flac[i + 1] === 0xf8 && flac[i + 3] === flac[first + 3]) {
        last = i;
        break;
      }
    }
    expect(last).toBeGreaterThan(0);
    expect(mediaError(() => inspectAudio(flac.subarray(0, last))).message).toMatch(/STREAMINFO says 16000/);
  });

  it('OGG: a flipped byte → malformed (page CRC); a missing end-of-stream page → truncated', () => {
    const ogg = fixture('audio-1s-vorbis.ogg');
    expect(mediaError(() => inspectAudio(patch(ogg, 200, [ogg[200] ^ 1]))).code).toBe('malformed');
    const lastPage = (() => {
      for (let i = ogg.length - 4; i > 0; i--) if (ogg[i] === 0x4f && ogg[i + 1] === 0x67 && ogg[i + 2] === 0x67 && ogg[i + 3] === 0x53) return i;
      return -1;
    })();
    expect(mediaError(() => inspectAudio(ogg.subarray(0, lastPage))).message).toMatch(/end-of-stream/);
  });

  it('not audio: unsupported_media', () => {
    expect(mediaError(() => inspectAudio(fixture('image-64x48.png'))).code).toBe('unsupported_media');
    expect(mediaError(() => inspectAudio(ascii('just text'))).code).toBe('unsupported_media');
  });
});
