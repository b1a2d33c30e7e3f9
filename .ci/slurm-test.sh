#!/usr/bin/env bash
# A real Slurm test of examples/slurm/: installs Debian's slurm-wlm and munge when missing, starts a
# one-node cluster (munged, slurmctld, slurmd, a generated slurm.conf in a temporary directory),
# screens a directory of real CIFs as a 4-task job array with the dependent merge job, cancels one
# array task mid-way, resubmits with --resume, and checks that the merged table equals an unsharded
# run (same ids, same barriers, nothing lost or duplicated). Prints the wall time and the merged
# row count; stops every daemon it started (trap), whatever happens. Run as root from the repo:
#   bash .ci/slurm-test.sh        (needs `npm run build` first; SLURM_TEST_TIMEOUT, default 300 s;
#                                  SLURM_TEST_FIXTURES=1 screens the fixtures even when ../shared is there)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
T0=$(date +%s)
DEADLINE=$((T0 + ${SLURM_TEST_TIMEOUT:-300}))
SHARDS=4
OPTS=(--ion Li --resolution 0.25 --backend cpu)

say() { echo "slurm-test: $*"; }
fail() {
  echo "slurm-test: FAILED: $*" >&2
  exit 1
}
[ "$(id -u)" = 0 ] || fail "run as root (it starts slurmctld, slurmd and munged)"
[ -f dist/cli.js ] || fail "build first: npm run build (dist/cli.js is missing)"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  say "installing slurm-wlm and munge (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends slurm-wlm munge >/dev/null
fi

WORK=$(mktemp -d /tmp/bvscape-slurm.XXXXXX)
STARTED_MUNGED=""
cleanup() {
  local rc=$?
  set +e
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then scancel --quiet --user=root >/dev/null 2>&1; fi
  for d in slurmd slurmctld; do
    if [ -f "$WORK/$d.pid" ]; then
      pid=$(cat "$WORK/$d.pid")
      kill "$pid" 2>/dev/null
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null
    fi
  done
  if [ -n "$STARTED_MUNGED" ]; then kill "$STARTED_MUNGED" 2>/dev/null; fi
  if [ $rc -ne 0 ]; then
    echo "--- slurmctld.log (tail)"; tail -20 "$WORK/slurmctld.log" 2>/dev/null
    echo "--- slurmd.log (tail)"; tail -20 "$WORK/slurmd.log" 2>/dev/null
    for f in "$WORK"/out/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

# munge: reuse a running munged, else start one with the package's key (created when missing).
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=128 status=none
  fi
  chown munge:munge /etc/munge /etc/munge/munge.key && chmod 0700 /etc/munge && chmod 0400 /etc/munge/munge.key
  mkdir -p /run/munge /var/lib/munge /var/log/munge && chown munge:munge /run/munge /var/lib/munge /var/log/munge
  rm -f /run/munge/munged.pid
  su -s /bin/sh munge -c "/usr/sbin/munged --force" || fail "munged did not start"
  for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
  STARTED_MUNGED=$(cat /run/munge/munged.pid 2>/dev/null || true)
  munge -n | unmunge >/dev/null || fail "munge does not work"
fi

HOST=$(hostname -s)
mkdir -p "$WORK/state" "$WORK/spool" "$WORK/out"
export SLURM_CONF=$WORK/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=bvscapeci
SlurmctldHost=$HOST(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" || fail "slurmd did not start"
until sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; do
  [ "$(date +%s)" -lt "$DEADLINE" ] || fail "the node never became idle: $(sinfo 2>&1)"
  sleep 0.5
done
say "cluster up: $(sinfo -h -o '%P %D node(s) %c CPUs %t')"

# Inputs: the peer's named CIFs when ../shared is there, else the project's fixtures.
INPUT=$WORK/cifs
mkdir -p "$INPUT"
if [ -d ../shared/cif/named ] && [ "${SLURM_TEST_FIXTURES:-0}" != 1 ]; then
  cp ../shared/cif/named/*.cif "$INPUT/"
else
  cp fixtures/*.cif fixtures/*.vasp fixtures/db/* "$INPUT/"
  rm -f "$INPUT/generate.py"
fi
say "$(ls "$INPUT" | wc -l) input files in $INPUT"

BV="node $REPO/bin/bvscape.js"
export BVSCAPE=$BV
$BV screen "$INPUT" "${OPTS[@]}" --out "$WORK/ref.jsonl" --progress none >/dev/null || fail "unsharded reference run failed"
REF_ROWS=$(wc -l <"$WORK/ref.jsonl")
say "unsharded reference: $REF_ROWS rows"

wait_gone() { # job id: wait until squeue no longer lists it (or any of its array tasks)
  while [ -n "$(squeue -h -j "$1" -o '%i %t' 2>/dev/null | grep -v ' CG$' || true)" ]; do
    [ "$(date +%s)" -lt "$DEADLINE" ] || fail "job $1 still queued at the deadline: $(squeue 2>&1)"
    sleep 0.5
  done
}
job_state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1; }

OUT=$WORK/out
# --mem=0 (the node's memory) overrides the script's --mem=4G: this node declares no RealMemory (1 MB), so a real
# request would be refused; memory is not a consumable resource here (CR_Core).
export SBATCH_SCREEN_OPTIONS="--cpus-per-task=1 --mem=0" SBATCH_MERGE_OPTIONS="--cpus-per-task=1"
ids=$(examples/slurm/submit.sh "$INPUT" "$OUT" "$SHARDS" "${OPTS[@]}")
ARRAY=$(sed 's/.*array=\([0-9]*\).*/\1/' <<<"$ids")
MERGE=$(sed 's/.*merge=\([0-9]*\).*/\1/' <<<"$ids")
say "submitted array $ARRAY (tasks 0-$((SHARDS - 1))) and merge $MERGE (afterok)"

# Cancel task 1 as soon as its table holds a row.
VICTIM=$OUT/shard-1.jsonl
until [ -s "$VICTIM" ]; do
  [ "$(date +%s)" -lt "$DEADLINE" ] || fail "task 1 wrote nothing: $(squeue 2>&1)"
  sleep 0.1
done
scancel "${ARRAY}_1"
say "cancelled ${ARRAY}_1 with $(wc -l <"$VICTIM") row(s) written"
wait_gone "$ARRAY"
[ "$(job_state "$MERGE")" = PENDING ] || fail "merge job $MERGE should wait on the failed array, state $(job_state "$MERGE")"
scancel "$MERGE"
if $BV merge "$OUT"/shard-*.jsonl --out "$WORK/early.jsonl" >/dev/null 2>&1; then
  # The task finished before the cancel landed: cut its table by hand (as a kill would) instead.
  say "task 1 finished before the cancel; cutting its table to half to exercise --resume"
  truncate -s $(($(stat -c %s "$VICTIM") / 2)) "$VICTIM"
  ! $BV merge "$OUT"/shard-*.jsonl --out "$WORK/early.jsonl" >/dev/null 2>&1 || fail "merge accepted a cut shard"
else
  say "merge refuses the unfinished shards, as it should"
fi

# Resubmit the same command: finished shards exit at once, shard 2/4 resumes, then the merge runs.
ids=$(examples/slurm/submit.sh "$INPUT" "$OUT" "$SHARDS" "${OPTS[@]}")
ARRAY=$(sed 's/.*array=\([0-9]*\).*/\1/' <<<"$ids")
MERGE=$(sed 's/.*merge=\([0-9]*\).*/\1/' <<<"$ids")
say "resubmitted: array $ARRAY, merge $MERGE"
wait_gone "$ARRAY"
wait_gone "$MERGE"
[ "$(job_state "$MERGE")" = COMPLETED ] || fail "merge job $MERGE ended $(job_state "$MERGE")"
say "task 1 resubmitted: $(grep -m1 '^shard auto:' "$OUT/screen-${ARRAY}_1.log" || true); $(grep -m1 '^screen:' "$OUT/screen-${ARRAY}_1.log" || true)"

node - "$WORK/ref.jsonl" "$OUT/all.jsonl" <<'EOF' || fail "the merged table differs from the unsharded run"
const fs = require('node:fs');
const rows = (p) => fs.readFileSync(p, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
const [ref, all] = process.argv.slice(2).map(rows);
const key = (r) => `${r.id}|${r.ion}`;
const dup = all.length - new Set(all.map(key)).size;
if (dup !== 0) throw new Error(`${dup} duplicated rows`);
if (all.some((r) => r.type === 'bvscape-screen')) throw new Error('a header line in the merged table');
const byKey = new Map(ref.map((r) => [key(r), r]));
if (all.length !== ref.length) throw new Error(`${all.length} merged rows, ${ref.length} unsharded`);
for (const r of all) {
  const o = byKey.get(key(r));
  if (!o) throw new Error(`row ${key(r)} is not in the unsharded run`);
  for (const f of ['status', 'error_kind', 'formula', 'e_min', 'barrier_1d', 'barrier_2d', 'barrier_3d']) {
    const a = r[f], b = o[f];
    const same = typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 1e-9 : a === b;
    if (!same) throw new Error(`${key(r)}: ${f} ${a} (merged) vs ${b} (unsharded)`);
  }
}
console.log(`slurm-test: merged table equals the unsharded run: ${all.length} rows, ${new Set(all.map((r) => r.id)).size} structures, ${all.filter((r) => r.status === 'ok').length} ok`);
EOF
say "PASSED: merged row count $(wc -l <"$OUT/all.jsonl"), wall time $(($(date +%s) - T0)) s"
