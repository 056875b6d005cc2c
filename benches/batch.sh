#!/usr/bin/env bash
# Batch throughput of `callqa run` (issue: run, performance): 20 synthetic two-voice stereo calls
# (8 kHz G.711 mu-law, espeak-ng + sox) transcribed, measured and scored with a random-weight tiny.en
# model (real shapes and compute, noise output), at jobs=2 x threads=1 and at jobs=1 x threads=2.
# Prints audio minutes per wall minute and the share of worker time spent outside whisper.
#
#   bash benches/batch.sh            # 20 calls
#   CALLS=4 bash benches/batch.sh    # a quick check
#   MODEL=base.en CONFIGS="2x1" bash benches/batch.sh   # the default model's shapes, one configuration
#
# Needs espeak-ng, sox and python3 (bash .ci/setup installs the first two). Runs offline; takes about
# 15 minutes on 2 cores. Everything it writes is under target/bench-batch/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
calls=${CALLS:-20}
model_name=${MODEL:-tiny.en}
configs=${CONFIGS:-2x1 1x2}
out=target/bench-batch
shared=${CALLQA_SHARED:-$root/../shared}
mkdir -p "$out/calls"

cargo build --release --locked --quiet
bin=$root/target/release/callqa

model=$out/random-$model_name-f16.bin
if [[ ! -f $model ]]; then
  python3 "$shared/tools/gen_random_model.py" "$shared/models/for-tests-ggml-$model_name.bin" f16 "$model"
fi

# Each call (about a minute): the lines of the three sample scripts, twice, rotated by the call's number
# and by 5 more in the second pass, so no two calls are the same recording (the store and the transcript
# cache key on content).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=samples/render.sh
source samples/render.sh
mapfile -t lines < <(cat samples/scripts/*.txt | grep -v '^$')
files=()
for ((n = 0; n < calls; n++)); do
  wav=$out/calls/call-$(printf %02d "$n").wav
  files+=("$wav")
  [[ -f $wav ]] && continue
  : >"$tmp/script.txt"
  for shift in "$n" "$((n + 5))"; do
    for ((k = 0; k < ${#lines[@]}; k++)); do
      echo "${lines[(k + shift) % ${#lines[@]}]}" >>"$tmp/script.txt"
    done
  done
  render "$tmp/script.txt" 8000 left
  sox -M "$tmp/left.wav" "$tmp/right.wav" -e u-law -b 8 "$wav"
done

audio=$(for f in "${files[@]}"; do soxi -D "$f"; done | awk '{s += $1} END {printf "%.1f", s / 60}')
echo "$calls calls, $audio audio minutes, random $model_name"
for config in $configs; do
  set -- ${config/x/ }
  rm -f "$out/store.db"*
  log=$out/run-$1x$2.log
  start=$(date +%s.%N)
  "$bin" run "${files[@]}" --model "$model" --offline --no-cache \
    --vad-model "$shared/models/ggml-silero-v6.2.0.bin" \
    --store "$out/store.db" --jobs "$1" --threads "$2" --timings >"$log" 2>&1 || true
  end=$(date +%s.%N)
  wall=$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')
  rate=$(awk -v m="$audio" -v w="$wall" 'BEGIN {print m / (w / 60)}')
  printf 'jobs=%s x threads=%s: wall %.1f s, %.2f audio min per wall min; %s\n' "$1" "$2" "$wall" "$rate" \
    "$(grep -o 'outside whisper [0-9.]*% of worker time' "$log" || echo 'no timings line: see '"$log")"
done
