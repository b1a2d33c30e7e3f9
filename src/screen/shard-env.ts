// `--shard auto`: the shard of this process from the scheduler's environment, so one job script
// serves every task of an array.
//
//   Slurm job arrays (sbatch --array=0-15, or 1-16, or 0-30:2): SLURM_ARRAY_TASK_ID with
//   SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_MAX, SLURM_ARRAY_TASK_STEP and SLURM_ARRAY_TASK_COUNT
//   (https://slurm.schedmd.com/job_array.html). Shard = position of the task id in the range.
//   Kubernetes Indexed Jobs (completionMode: Indexed): JOB_COMPLETION_INDEX, 0-based
//   (https://kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode); the pod does
//   not see the Job's completions, so the count comes from --shard-count or BVSCAPE_SHARD_COUNT.
import { UsageError } from '../errors.js';
import type { ShardSpec } from './inputs.js';

/** Environment variable for the shard count when the scheduler does not export one (Kubernetes). */
export const SHARD_COUNT_ENV = 'BVSCAPE_SHARD_COUNT';

export interface AutoShard extends ShardSpec {
  /** How the shard was found, for the log: "Slurm array task 3 (0-7) -> shard 4/8". */
  source: string;
}

function integer(env: Record<string, string | undefined>, name: string): number | null {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return null;
  const n = Number(raw.trim());
  if (!Number.isInteger(n)) throw new UsageError(`--shard auto: ${name}='${raw}' is not a whole number`);
  return n;
}

function positive(value: number | null, what: string): number | null {
  if (value === null) return null;
  if (!(value >= 1)) throw new UsageError(`--shard auto: ${what} must be at least 1, got ${value}`);
  return value;
}

/**
 * The shard for `--shard auto`. `shardCount` is --shard-count (null when not given); it overrides
 * what the environment says about the count. Throws UsageError outside a scheduler or when the
 * array cannot be mapped onto shards 1..N.
 */
export function shardFromEnvironment(env: Record<string, string | undefined>, shardCount: number | null = null): AutoShard {
  const explicit = positive(shardCount, '--shard-count') ?? positive(integer(env, SHARD_COUNT_ENV), SHARD_COUNT_ENV);
  const taskId = integer(env, 'SLURM_ARRAY_TASK_ID');
  if (taskId !== null) {
    const min = integer(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
    const max = integer(env, 'SLURM_ARRAY_TASK_MAX');
    const step = integer(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
    const slurmCount = integer(env, 'SLURM_ARRAY_TASK_COUNT');
    if (step < 1) throw new UsageError(`--shard auto: SLURM_ARRAY_TASK_STEP=${step} is not a positive step`);
    if ((taskId - min) % step !== 0 || taskId < min) {
      throw new UsageError(`--shard auto: array task ${taskId} is not in the range ${min}-${max ?? '?'}:${step}`);
    }
    const index = (taskId - min) / step + 1;
    const rangeCount = max !== null ? Math.floor((max - min) / step) + 1 : null;
    // --array=1,5,9 (a list, not a range) has COUNT < range size: ids do not map onto 1..N.
    if (slurmCount !== null && rangeCount !== null && slurmCount !== rangeCount && explicit === null) {
      throw new UsageError(
        `--shard auto: the Slurm array has ${slurmCount} tasks but spans ${min}-${max}${step > 1 ? `:${step}` : ''}; ` +
          'submit a contiguous range (sbatch --array=0-N-1 or 1-N) or give --shard-count',
      );
    }
    const count = explicit ?? slurmCount ?? rangeCount;
    if (count === null)
      throw new UsageError('--shard auto: SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX is; give --shard-count N');
    if (index > count) throw new UsageError(`--shard auto: array task ${taskId} is shard ${index}, beyond the ${count} shards`);
    return { index, count, source: `Slurm array task ${taskId} (${min}-${max ?? '?'}${step > 1 ? `:${step}` : ''}) -> shard ${index}/${count}` };
  }
  const completion = integer(env, 'JOB_COMPLETION_INDEX');
  if (completion !== null) {
    if (explicit === null) {
      throw new UsageError(
        `--shard auto: JOB_COMPLETION_INDEX=${completion} (a Kubernetes Indexed Job) gives no shard count; pass --shard-count N or set ${SHARD_COUNT_ENV} to the Job's completions`,
      );
    }
    if (completion < 0 || completion >= explicit) {
      throw new UsageError(`--shard auto: JOB_COMPLETION_INDEX=${completion} is outside 0..${explicit - 1} for ${explicit} shards`);
    }
    return { index: completion + 1, count: explicit, source: `Kubernetes completion index ${completion} -> shard ${completion + 1}/${explicit}` };
  }
  throw new UsageError(
    '--shard auto found no scheduler: it reads SLURM_ARRAY_TASK_ID (sbatch --array) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job). ' +
      'Outside a job array, give the shard explicitly: --shard i/N',
  );
}
