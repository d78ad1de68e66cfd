// Load generators. Both stop by themselves: a closed loop at its deadline, an open loop after its
// last scheduled request (then waits, bounded, for the ones still in flight).
import { performance } from 'node:perf_hooks';

export interface CallResult {
  /** Time to the first content token, ms from the call's start; null when not streamed. */
  ttft_ms: number | null;
}

export type Call = () => Promise<CallResult>;

export interface LoadResult {
  latencies_ms: number[];
  ttfts_ms: number[];
  /** Recorded successes (after warm-up). */
  completed: number;
  /** Every call that finished, warm-up and errors included: the divisor for process CPU per call. */
  calls_total: number;
  errors: number;
  first_error: string | null;
  elapsed_ms: number;
}

/** Requests one run may make, whatever the duration: a bound on memory for samples. */
const REQUESTS_PER_RUN_MAX = 2_000_000;
const DRAIN_TIMEOUT_MS = 30_000;

function emptyResult(): LoadResult {
  return { latencies_ms: [], ttfts_ms: [], completed: 0, calls_total: 0, errors: 0, first_error: null, elapsed_ms: 0 };
}

function recordError(result: LoadResult, error: unknown): void {
  result.errors++;
  result.first_error ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * `concurrency` workers, each sending its next request as soon as the previous one finished, for
 * `duration_ms`. Requests started during the first `warmup_ms` are sent but not recorded.
 */
export async function closedLoop(options: {
  concurrency: number;
  duration_ms: number;
  warmup_ms?: number;
  call: Call;
}): Promise<LoadResult> {
  const result = emptyResult();
  const start = performance.now();
  const recordFrom = start + (options.warmup_ms ?? 0);
  const end = recordFrom + options.duration_ms;
  let sent = 0;
  const worker = async () => {
    while (sent < REQUESTS_PER_RUN_MAX) {
      const t0 = performance.now();
      if (t0 >= end) return;
      sent++;
      try {
        const { ttft_ms } = await options.call();
        result.calls_total++;
        if (t0 < recordFrom) continue;
        result.latencies_ms.push(performance.now() - t0);
        if (ttft_ms !== null) result.ttfts_ms.push(ttft_ms);
        result.completed++;
      } catch (error) {
        result.calls_total++;
        recordError(result, error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  result.elapsed_ms = performance.now() - recordFrom;
  return result;
}

/**
 * Open loop at a fixed rate: request i is due at start + i / rate, whatever happened to the others,
 * and its latency counts from when it was due (so a stalled server cannot hide its queue: no
 * coordinated omission). More than `inflight_max` outstanding requests count as errors (dropped).
 */
export async function openLoop(options: {
  rate_per_s: number;
  duration_ms: number;
  call: Call;
  inflight_max?: number;
  /** How long to wait after the last request is due for those still in flight. */
  drain_ms?: number;
}): Promise<LoadResult> {
  const result = emptyResult();
  const inflightMax = options.inflight_max ?? 4_096;
  const total = Math.min(REQUESTS_PER_RUN_MAX, Math.floor((options.rate_per_s * options.duration_ms) / 1000));
  const intervalMs = 1000 / options.rate_per_s;
  const start = performance.now();
  let issued = 0;
  let inflight = 0;
  let drained: () => void = () => {};
  const allDone = new Promise<void>((resolve) => {
    drained = resolve;
  });
  const finishOne = () => {
    result.calls_total++;
    inflight--;
    if (issued === total && inflight === 0) drained();
  };
  const fire = (dueAt: number) => {
    if (inflight >= inflightMax) {
      recordError(result, new Error(`dropped: ${inflightMax} requests already in flight`));
      return;
    }
    inflight++;
    options.call().then(
      ({ ttft_ms }) => {
        result.latencies_ms.push(performance.now() - dueAt);
        if (ttft_ms !== null) result.ttfts_ms.push(ttft_ms);
        result.completed++;
        finishOne();
      },
      (error: unknown) => {
        recordError(result, error);
        finishOne();
      },
    );
  };
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (issued < total && start + issued * intervalMs <= now) {
        fire(start + issued * intervalMs);
        issued++;
      }
      if (issued >= total) return resolve();
      setTimeout(tick, Math.max(0, start + issued * intervalMs - performance.now()));
    };
    tick();
  });
  if (inflight === 0) drained();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([allDone, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.drain_ms ?? DRAIN_TIMEOUT_MS)))]);
  clearTimeout(timer);
  result.errors += inflight;
  result.elapsed_ms = performance.now() - start;
  return result;
}
