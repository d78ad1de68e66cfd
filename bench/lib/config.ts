// Bench settings. BENCH_QUICK=1 is a smoke run (one short run per figure) for a busy machine;
// the default is the full run (each figure the median of RUNS runs of a few seconds).
// BENCH_ONLY=floor,tokenizer,... runs only the named sections (for working on one).

const quick = process.env.BENCH_QUICK === '1';

export const SETTINGS = {
  quick,
  /** Runs per figure; each figure reported is the median over runs. */
  runs: quick ? 1 : 5,
  /** Measured part of one closed-loop run. */
  run_ms: quick ? 400 : 1_000,
  /** Sent but not recorded at the start of each run (connections, JIT). */
  warmup_ms: quick ? 100 : 200,
  /** Once per target and mode before the latency matrix: 8 callers for this long. */
  stack_warmup_ms: quick ? 500 : 2_000,
  concurrencies: [1, 16, 64] as const,
  /** One open-loop step of the capacity search. */
  capacity_step_ms: quick ? 500 : 1_000,
  capacity_runs: quick ? 1 : 5,
  /** Each of the two load phases under the profiler. */
  profile_ms: quick ? 1_000 : 3_000,
  tokenizer_sizes_kb: [1, 10, 100] as const,
  tokenizer_run_ms: quick ? 100 : 400,
  memory_streams: quick ? 200 : 1_000,
  memory_runs: quick ? 1 : 5,
  ledger_run_ms: quick ? 500 : 2_000,
  ledger_concurrency: 32,
  ledger_wallets: 100,
} as const;

const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

export function sectionEnabled(name: string): boolean {
  return only.length === 0 || only.includes(name);
}

/** True when BENCH_ONLY picked some sections (the run is partial). */
export function onlySome(): boolean {
  return only.length > 0;
}
