// Capacity: the highest open-loop request rate whose p99 stays under twice the unloaded p99 (one
// caller at a time), found by doubling the rate until it fails, then bisecting. Non-streamed calls,
// sent with the lean raw client. The load generator shares the 2 cores with everything else.
import { SETTINGS } from '../lib/config';
import type { Host } from '../lib/host-client';
import { type Call, closedLoop, openLoop } from '../lib/load';
import type { Table } from '../lib/report';
import { fmt, median, percentile } from '../lib/stats';

/** The search starts at this fraction of the rate one caller achieves back to back (and at least RATE_START_MIN_PER_S). */
const RATE_START_FRACTION = 1 / 8;
const RATE_START_MIN_PER_S = 5;
/** A step lasts long enough to give its p99 at least this many samples (within STEP_MS_MAX). */
const STEP_SAMPLES_MIN = 50;
const STEP_MS_MAX = 2_000;
const RATE_MAX_PER_S = 20_000;
const BISECT_STEPS = 3;
/** A step fails when more than this share of its calls fail. */
const ERROR_SHARE_MAX = 0.01;
const INFLIGHT_MAX = 1_024;

export interface CapacityTarget {
  name: string;
  call: Call;
  gateway: Host;
}

interface Step {
  rate: number;
  p99_ms: number;
  ok: boolean;
  cpu_share: number;
}

/** A failing step is run once more before it counts: one burst of noise from a neighbour is not a limit. */
async function confirmedStep(target: CapacityTarget, rate: number, limitMs: number): Promise<Step> {
  const first = await step(target, rate, limitMs);
  return first.ok ? first : step(target, rate, limitMs);
}

async function step(target: CapacityTarget, rate: number, limitMs: number): Promise<Step> {
  const before = await target.gateway.sample();
  const result = await openLoop({
    rate_per_s: rate,
    duration_ms: Math.min(STEP_MS_MAX, Math.max(SETTINGS.capacity_step_ms, (STEP_SAMPLES_MIN * 1000) / rate)),
    call: target.call,
    inflight_max: INFLIGHT_MAX,
    drain_ms: Math.max(5_000, SETTINGS.capacity_step_ms),
  });
  const after = await target.gateway.sample();
  const p99 = percentile(result.latencies_ms, 99);
  const total = result.completed + result.errors;
  const ok = total > 0 && result.errors / total <= ERROR_SHARE_MAX && p99 <= limitMs;
  return { rate, p99_ms: p99, ok, cpu_share: (after.cpu_us - before.cpu_us) / 1000 / result.elapsed_ms };
}

async function oneRun(target: CapacityTarget): Promise<{ unloaded_p99_ms: number; best: Step | null }> {
  const unloaded = await closedLoop({ concurrency: 1, duration_ms: SETTINGS.run_ms, warmup_ms: SETTINGS.warmup_ms, call: target.call });
  const unloadedP99 = percentile(unloaded.latencies_ms, 99);
  const limit = 2 * unloadedP99;
  let best: Step | null = null;
  let failedAt = Number.POSITIVE_INFINITY;
  const backToBackPerS = (unloaded.completed * 1000) / unloaded.elapsed_ms;
  const start = Math.max(RATE_START_MIN_PER_S, Math.round(backToBackPerS * RATE_START_FRACTION));
  for (let rate = start; rate <= RATE_MAX_PER_S; rate *= 2) {
    const result = await confirmedStep(target, rate, limit);
    if (!result.ok) {
      failedAt = rate;
      break;
    }
    best = result;
  }
  let low = best?.rate ?? 0;
  let high = Number.isFinite(failedAt) ? failedAt : low;
  for (let i = 0; i < BISECT_STEPS && high - low > 1; i++) {
    const rate = Math.round((low + high) / 2);
    const result = await confirmedStep(target, rate, limit);
    if (result.ok) {
      best = result;
      low = rate;
    } else high = rate;
  }
  return { unloaded_p99_ms: unloadedP99, best };
}

export interface CapacityFigure {
  calls_per_s: number;
  unloaded_p99_ms: number;
  p99_at_capacity_ms: number;
}

export async function benchCapacity(
  targets: readonly CapacityTarget[],
  log: (line: string) => void,
): Promise<{ table: Table; figures: Map<string, CapacityFigure> }> {
  const runs = new Map<string, Array<{ unloaded_p99_ms: number; best: Step | null }>>();
  for (let run = 0; run < SETTINGS.capacity_runs; run++) {
    for (const target of targets) {
      const result = await oneRun(target);
      runs.set(target.name, [...(runs.get(target.name) ?? []), result]);
      log(`  capacity ${target.name} run ${run + 1}: ${result.best?.rate ?? 0} calls/s (unloaded p99 ${fmt(result.unloaded_p99_ms)} ms)`);
    }
  }
  const figures = new Map<string, CapacityFigure>();
  const rows = targets.map((target) => {
    const results = runs.get(target.name) ?? [];
    const of = (pick: (r: { unloaded_p99_ms: number; best: Step | null }) => number) => median(results.map(pick));
    const figure: CapacityFigure = {
      calls_per_s: of((r) => r.best?.rate ?? 0),
      unloaded_p99_ms: of((r) => r.unloaded_p99_ms),
      p99_at_capacity_ms: of((r) => r.best?.p99_ms ?? Number.NaN),
    };
    figures.set(target.name, figure);
    return [
      target.name,
      fmt(figure.calls_per_s, 0),
      fmt(figure.unloaded_p99_ms),
      fmt(figure.p99_at_capacity_ms),
      fmt(of((r) => (r.best?.cpu_share ?? Number.NaN) * 100), 0),
    ];
  });
  const table: Table = {
    title: 'Capacity on this machine (non-streamed calls)',
    columns: ['path', 'calls/s with p99 < 2x unloaded', 'unloaded p99 ms', 'p99 at that rate ms', 'gateway CPU % at that rate'],
    rows,
    notes: [
      `Open loop at a fixed rate for ${SETTINGS.capacity_step_ms} ms per step (longer at low rates, to collect ${STEP_SAMPLES_MIN} samples, up to ${STEP_MS_MAX} ms; latency counted from when each call was due, so queueing is not hidden), rates doubling from an eighth of the back-to-back rate of one caller until a step fails (twice in a row, to ignore a burst of noise), then ${BISECT_STEPS} bisection steps; a step fails when p99 > 2x the unloaded p99 (one caller, closed loop) or more than 1% of calls fail. Median of ${SETTINGS.capacity_runs} runs.`,
      'The load generator, the simulator, the ledger and DynamoDB Local share the same 2 cores as the gateway: the capacity of a gateway with cores of its own is higher.',
      'Gateway CPU %: gateway process CPU time / wall time during the highest passing step (100% = one core).',
    ],
  };
  return { table, figures };
}
