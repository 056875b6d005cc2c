#!/usr/bin/env bash
# callqa run as a Slurm job array: task i of N scores shard i/N into results/shard-i.db.
# Submit (from the folder that holds results/logs/, which Slurm needs before the job starts):
#         jid=$(sbatch --parsable deploy/slurm-array.sh)
# Merge:  sbatch --dependency=afterany:$jid --wrap 'callqa merge results/shard-*.db --store results/callqa.db'
#SBATCH --job-name=callqa-run
#SBATCH --array=0-7
#SBATCH --cpus-per-task=4
#SBATCH --mem=2G
#SBATCH --time=12:00:00
#SBATCH --output=results/logs/shard-%a.log
set -euo pipefail
export CALLQA_CACHE_DIR="${CALLQA_CACHE_DIR:-$PWD/results/cache}"
exec callqa run /data/calls \
  --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}" \
  --store "results/shard-${SLURM_ARRAY_TASK_ID}.db" \
  --model "${CALLQA_MODEL:-/models/ggml-base.en.bin}" \
  --vad-model "${CALLQA_VAD_MODEL:-/models/ggml-silero-v6.2.0.bin}" \
  --jobs "${SLURM_CPUS_PER_TASK}" --threads 1 \
  --offline
