#!/usr/bin/env bash
# Regenerates the media fixtures the media/*.spec.ts files read. Run ONCE; the outputs are
# committed (encoders are not bit-exact across ffmpeg versions, and the specs assert exact
# metadata, so regenerating means re-checking the expectations in the specs).
# Needs only ffmpeg (Debian's ffmpeg 5.1: libx264, libvpx, libmp3lame, libvorbis, libopus, libwebp).
# Every file is tiny (64×48 pixels, ≤ 2 s); the whole folder stays well under 300 KB.
set -euo pipefail
cd "$(dirname "$0")"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
BX=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1)
SRC=(-f lavfi -i "testsrc2=size=64x48:rate=10")

# --- images: 64×48 -------------------------------------------------------------------------
ff "${SRC[@]}" -frames:v 1 "${BX[@]}" image-64x48.png
ff "${SRC[@]}" -frames:v 1 "${BX[@]}" -q:v 5 image-64x48.jpg
ff "${SRC[@]}" -frames:v 1 "${BX[@]}" image-64x48.bmp
# animated GIF: 3 frames
ff "${SRC[@]}" -frames:v 3 "${BX[@]}" -loop 0 image-64x48-3f.gif
# WebP: lossy (VP8 chunk), lossless (VP8L chunk), animated (VP8X + 3 ANMF)
ff "${SRC[@]}" -frames:v 1 "${BX[@]}" -c:v libwebp -lossless 0 -q:v 60 image-64x48-lossy.webp
ff "${SRC[@]}" -frames:v 1 "${BX[@]}" -c:v libwebp -lossless 1 image-64x48-lossless.webp
ff "${SRC[@]}" -frames:v 3 "${BX[@]}" -c:v libwebp_anim -lossless 0 -q:v 40 -loop 0 image-64x48-3f.webp

# --- audio: 1.0 s, 440 Hz ------------------------------------------------------------------
SINE=(-f lavfi -i "sine=frequency=440:sample_rate=8000:duration=1")
ff "${SINE[@]}" "${BX[@]}" -c:a pcm_s16le -ac 1 audio-1s-8k-mono.wav                 # 16 000 data bytes
ff -f lavfi -i "sine=frequency=440:sample_rate=22050:duration=1" "${BX[@]}" -c:a libmp3lame -b:a 32k -ac 1 audio-1s-cbr.mp3
ff -f lavfi -i "sine=frequency=440:sample_rate=22050:duration=1" "${BX[@]}" -c:a libmp3lame -q:a 9 -ac 1 audio-1s-vbr.mp3
ff -f lavfi -i "sine=frequency=440:sample_rate=16000:duration=1" "${BX[@]}" -c:a flac -ac 1 audio-1s-16k.flac
ff -f lavfi -i "sine=frequency=440:sample_rate=16000:duration=1" "${BX[@]}" -c:a libvorbis -q:a 0 -ac 1 audio-1s-vorbis.ogg
ff -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=1" "${BX[@]}" -c:a libopus -b:a 16k -ac 1 audio-1s-opus.ogg
ff -f lavfi -i "sine=frequency=440:sample_rate=16000:duration=1" "${BX[@]}" -c:a aac -b:a 24k -ac 1 audio-1s.m4a
ff -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=1" "${BX[@]}" -c:a libopus -b:a 16k -ac 1 audio-1s-opus.webm

# --- video: 2.0 s at 10 fps, a keyframe every 5 frames → 20 frames, 4 keyframes, 64×48 ------
X264=(-c:v libx264 -preset veryfast -crf 40 -pix_fmt yuv420p -g 5 -keyint_min 5 -sc_threshold 0 -bf 0)
ff -f lavfi -i "testsrc2=size=64x48:rate=10:duration=2" "${BX[@]}" "${X264[@]}" video-2s-10fps-g5.mp4
ff -f lavfi -i "testsrc2=size=64x48:rate=10:duration=2" -f lavfi -i "sine=frequency=440:sample_rate=8000:duration=2" \
  "${BX[@]}" "${X264[@]}" -c:a aac -b:a 16k -ac 1 -shortest video-2s-10fps-g5-audio.mp4
ff -f lavfi -i "testsrc2=size=64x48:rate=10:duration=2" "${BX[@]}" "${X264[@]}" -movflags +faststart video-2s-10fps-g5-faststart.mp4
ff -f lavfi -i "testsrc2=size=64x48:rate=10:duration=2" "${BX[@]}" "${X264[@]}" -movflags frag_keyframe+empty_moov+default_base_moof video-2s-10fps-g5-frag.mp4
ff -f lavfi -i "testsrc2=size=64x48:rate=10:duration=2" "${BX[@]}" "${X264[@]}" -f mov video-2s-10fps-g5.mov
ff -f lavfi -i "testsrc2=size=64x48:rate=10:duration=2" "${BX[@]}" -c:v libvpx -b:v 50k -g 5 -keyint_min 5 -auto-alt-ref 0 video-2s-10fps-g5.webm
ff -f lavfi -i "testsrc2=size=64x48:rate=10:duration=2" -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=2" \
  "${BX[@]}" -c:v libvpx -b:v 50k -g 5 -keyint_min 5 -auto-alt-ref 0 -c:a libopus -b:a 16k -ac 1 -shortest video-2s-10fps-g5-audio.webm

# --- documents -----------------------------------------------------------------------------
printf 'Hello, multimodal gateway.\nA plain UTF-8 text file: caf\xc3\xa9, \xe2\x82\xac, \xf0\x9f\x99\x82\n' > text-utf8.txt
cat > doc-1page.pdf <<'PDF'
%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >> endobj
trailer << /Root 1 0 R >>
%%EOF
PDF
ls -l
du -sh .
