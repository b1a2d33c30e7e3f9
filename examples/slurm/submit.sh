#!/bin/bash
# Submits a sharded screen and its merge: N array tasks, then one merge job that starts only when
# every task succeeded (afterok). Prints the two job ids. Extra arguments go to `bvscape screen`.
#
#   examples/slurm/submit.sh INPUT OUTDIR N [screen options...]
#   e.g. examples/slurm/submit.sh structures/ run1 16 --ion Li --resolution 0.2
#
# Submitting the same command again after a cancelled or failed task resumes: finished shards
# exit at once, unfinished ones continue their tables, and the merge runs when all are done.
set -euo pipefail
INPUT=${1:?usage: submit.sh INPUT OUTDIR N [screen options]}
OUTDIR=${2:?usage: submit.sh INPUT OUTDIR N [screen options]}
N=${3:?usage: submit.sh INPUT OUTDIR N [screen options]}
shift 3
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUTDIR"
array=$(sbatch --parsable --array=0-$((N - 1)) --output="$OUTDIR/screen-%A_%a.log" ${SBATCH_SCREEN_OPTIONS:-} "$HERE/screen-array.sbatch" "$INPUT" "$OUTDIR" "$@")
array=${array%%;*}
merge=$(sbatch --parsable --dependency=afterok:"$array" --output="$OUTDIR/merge-%j.log" ${SBATCH_MERGE_OPTIONS:-} "$HERE/merge.sbatch" "$OUTDIR")
merge=${merge%%;*}
echo "array=$array merge=$merge"
