#!/usr/bin/env bash
# Regenerates the synthetic sample calls and the tone fixtures in this folder.
# Needs espeak-ng and sox (with MP3, FLAC and Ogg support: Debian's libsox-fmt-all).
# Each scripts/NAME.txt holds lines "A: ..." (agent) and "C: ..." (customer); the agent speaks on
# one channel and the customer on the other, taking turns with short pauses.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=samples/render.sh
source ./render.sh

# 8 kHz G.711 mu-law stereo, agent on the left (what telephony recorders write).
render scripts/call-001.txt 8000 left
sox -M "$tmp/left.wav" "$tmp/right.wav" -e u-law -b 8 call-001.wav
# 16 kHz mono G.711 A-law: both voices mixed on one channel.
render scripts/call-002.txt 16000 left
sox -m "$tmp/left.wav" "$tmp/right.wav" -e a-law -b 8 call-002.wav
# Stereo MP3 at 16 kHz, agent on the right.
render scripts/call-003.txt 16000 right
sox -M "$tmp/left.wav" "$tmp/right.wav" -C 24 call-003.mp3

# Tone fixtures for the decoder tests: 440 Hz left, 1000 Hz right, 1 s at 22.05 kHz, in every
# compressed format (the WAV variants are written by the tests themselves).
sox -n -r 22050 -c 1 "$tmp/l.wav" synth 1 sine 440 vol 0.5
sox -n -r 22050 -c 1 "$tmp/r.wav" synth 1 sine 1000 vol 0.5
sox -M "$tmp/l.wav" "$tmp/r.wav" -C 64 tones/stereo-440-1000.mp3
sox -M "$tmp/l.wav" "$tmp/r.wav" tones/stereo-440-1000.flac
sox -M "$tmp/l.wav" "$tmp/r.wav" -C 3 tones/stereo-440-1000.ogg
