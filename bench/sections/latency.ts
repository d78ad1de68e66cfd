// Floor vs fleeex, and where the time goes: every target x mode x concurrency, each cell run
// SETTINGS.runs times (targets interleaved within a run so drift on a noisy machine hits all alike),
// each figure the median over runs.
import { SETTINGS } from '../lib/config';
import type { Host } from '../lib/host-client';
import { type Call, closedLoop } from '../lib/load';
import { median, percentile } from '../lib/stats';

export type Mode = 'non-stream' | 'stream';
export const MODES: readonly Mode[] = ['non-stream', 'stream'];

export interface Target {
  name: string;
  calls: Record<Mode, Call>;
  /** The gateway host, whose CPU per call is reported; null for the floor. */
  gateway: Host | null;
}

export interface CellFigures {
  p50_ms: number;
  p99_ms: number;
  ttft_p50_ms: number;
  ttft_p99_ms: number;
  calls_per_s: number;
  /** Gateway process CPU time per call, µs (NaN for the floor). */
  cpu_us_per_call: number;
  errors: number;
}

export function cellKey(target: string, mode: Mode, concurrency: number): string {
  return `${target}|${mode}|${concurrency}`;
}

/** Warms every target (JIT in Node and in DynamoDB Local's JVM, connection pools) before any figure. */
async function warmUp(targets: readonly Target[]): Promise<void> {
  for (const target of targets) {
    for (const mode of MODES) {
      await closedLoop({ concurrency: 8, duration_ms: SETTINGS.stack_warmup_ms, call: target.calls[mode] });
    }
  }
}

export async function measureMatrix(targets: readonly Target[], log: (line: string) => void): Promise<Map<string, CellFigures>> {
  await warmUp(targets);
  const perRun = new Map<string, CellFigures[]>();
  for (let run = 0; run < SETTINGS.runs; run++) {
    for (const mode of MODES) {
      for (const concurrency of SETTINGS.concurrencies) {
        for (const target of targets) {
          const before = await target.gateway?.sample();
          const result = await closedLoop({
            concurrency,
            duration_ms: SETTINGS.run_ms,
            warmup_ms: SETTINGS.warmup_ms,
            call: target.calls[mode],
          });
          const after = await target.gateway?.sample();
          if (result.first_error) log(`  ${target.name} ${mode} c=${concurrency}: ${result.errors} errors, first: ${result.first_error}`);
          const figures: CellFigures = {
            p50_ms: percentile(result.latencies_ms, 50),
            p99_ms: percentile(result.latencies_ms, 99),
            ttft_p50_ms: percentile(result.ttfts_ms, 50),
            ttft_p99_ms: percentile(result.ttfts_ms, 99),
            calls_per_s: (result.completed * 1000) / result.elapsed_ms,
            cpu_us_per_call: before && after && result.calls_total > 0 ? (after.cpu_us - before.cpu_us) / result.calls_total : Number.NaN,
            errors: result.errors,
          };
          const key = cellKey(target.name, mode, concurrency);
          perRun.set(key, [...(perRun.get(key) ?? []), figures]);
        }
      }
    }
    log(`  latency run ${run + 1}/${SETTINGS.runs} done`);
  }
  const medians = new Map<string, CellFigures>();
  for (const [key, runs] of perRun) {
    const of = (pick: (f: CellFigures) => number) => median(runs.map(pick));
    medians.set(key, {
      p50_ms: of((f) => f.p50_ms),
      p99_ms: of((f) => f.p99_ms),
      ttft_p50_ms: of((f) => f.ttft_p50_ms),
      ttft_p99_ms: of((f) => f.ttft_p99_ms),
      calls_per_s: of((f) => f.calls_per_s),
      cpu_us_per_call: of((f) => f.cpu_us_per_call),
      errors: runs.reduce((total, f) => total + f.errors, 0),
    });
  }
  return medians;
}

export const FLOOR = 'floor';
export const PROXY_ONLY = 'fleeex, in-memory ledger';
export const FULL_PATH = 'fleeex, DynamoDB Local';

function figuresOf(results: Map<string, CellFigures>, target: string, mode: Mode, concurrency: number): CellFigures | undefined {
  return results.get(cellKey(target, mode, concurrency));
}

const NONE: CellFigures = {
  p50_ms: Number.NaN,
  p99_ms: Number.NaN,
  ttft_p50_ms: Number.NaN,
  ttft_p99_ms: Number.NaN,
  calls_per_s: Number.NaN,
  cpu_us_per_call: Number.NaN,
  errors: 0,
};

export function floorVsFleeexTable(results: Map<string, CellFigures>, fmt: (n: number, d?: number) => string) {
  const rows: string[][] = [];
  for (const mode of MODES) {
    for (const c of SETTINGS.concurrencies) {
      const floor = figuresOf(results, FLOOR, mode, c) ?? NONE;
      const full = figuresOf(results, FULL_PATH, mode, c) ?? NONE;
      const stream = mode === 'stream';
      rows.push([
        mode,
        String(c),
        `${fmt(floor.p50_ms)} / ${fmt(floor.p99_ms)}`,
        `${fmt(full.p50_ms)} / ${fmt(full.p99_ms)}`,
        `${fmt(full.p50_ms - floor.p50_ms)} / ${fmt(full.p99_ms - floor.p99_ms)}`,
        stream ? `${fmt(floor.ttft_p50_ms)} / ${fmt(floor.ttft_p99_ms)}` : '-',
        stream ? `${fmt(full.ttft_p50_ms)} / ${fmt(full.ttft_p99_ms)}` : '-',
        stream ? fmt(full.ttft_p50_ms - floor.ttft_p50_ms) : '-',
        fmt(full.calls_per_s, 0),
        String(full.errors + floor.errors),
      ]);
    }
  }
  return {
    title: 'Floor vs fleeex (full path: gateway + ledger on DynamoDB Local)',
    columns: [
      'mode',
      'conc.',
      'floor p50 / p99 ms',
      'fleeex p50 / p99 ms',
      'added p50 / p99 ms',
      'floor TTFT p50 / p99 ms',
      'fleeex TTFT p50 / p99 ms',
      'added TTFT p50 ms',
      'fleeex calls/s',
      'errors',
    ],
    rows,
    notes: [
      `Floor: the Bedrock SDK (ConverseCommand / ConverseStreamCommand) straight to the Bedrock simulator. fleeex: the OpenAI SDK through the gateway, which holds and captures on the ledger (its own process) on DynamoDB Local, then calls the same simulator with the Bedrock SDK.`,
      `One 1 KB prompt asking for a 50-word answer, simulator latency 0 (so every ms is overhead); closed loop with the stated number of concurrent callers, ${SETTINGS.run_ms} ms per run after ${SETTINGS.warmup_ms} ms of warm-up; each figure the median of ${SETTINGS.runs} runs. "added" is fleeex minus floor of the same percentile.`,
      'TTFT: time from sending the request to the first content token received by the caller.',
    ],
  };
}

export function whereTimeGoesTable(results: Map<string, CellFigures>, fmt: (n: number, d?: number) => string) {
  const rows: string[][] = [];
  for (const mode of MODES) {
    for (const c of SETTINGS.concurrencies) {
      const floor = figuresOf(results, FLOOR, mode, c) ?? NONE;
      const proxy = figuresOf(results, PROXY_ONLY, mode, c) ?? NONE;
      const full = figuresOf(results, FULL_PATH, mode, c) ?? NONE;
      rows.push([
        mode,
        String(c),
        `${fmt(proxy.p50_ms - floor.p50_ms)} / ${fmt(proxy.p99_ms - floor.p99_ms)}`,
        `${fmt(full.p50_ms - proxy.p50_ms)} / ${fmt(full.p99_ms - proxy.p99_ms)}`,
        fmt(proxy.cpu_us_per_call, 0),
        fmt(full.cpu_us_per_call, 0),
        fmt(proxy.calls_per_s, 0),
        fmt(full.calls_per_s, 0),
      ]);
    }
  }
  return {
    title: 'Where the time goes: proxy alone vs the ledger round trips',
    columns: [
      'mode',
      'conc.',
      'proxy added p50 / p99 ms',
      'ledger added p50 / p99 ms',
      'gateway CPU µs/call (in-memory)',
      'gateway CPU µs/call (full)',
      'calls/s (in-memory)',
      'calls/s (full)',
    ],
    rows,
    notes: [
      'Proxy added = (fleeex with an IN-MEMORY LEDGER, a bench-only stand-in in the gateway process, bench/memory-ledger.ts) minus the floor: the cost of the gateway itself (auth, validation, tokenizer estimate, translation, SSE) with no ledger round trip.',
      'Ledger added = (full path: the real ledger over HTTP on DynamoDB Local) minus the in-memory run: the hold and the capture, each one HTTP call to the ledger and one DynamoDB transaction.',
      'Gateway CPU µs/call: the gateway process\'s CPU time (process.cpuUsage(), user + system, reported over IPC) during a run divided by the calls it served; the ledger and the simulator run in their own processes and are not counted. The "full" column is higher mostly because each call leaves the gateway idle ~20 ms while the ledger works: on this shared VM CPU time per unit of work rises after idle gaps (an in-memory ledger with an injected 10 ms wait per hold and per capture, no HTTP, reproduces the full-path figure; the same in-memory ledger served over HTTP through the real ledger client costs the same as no HTTP). Compare CPU per call at equal calls/s.',
    ],
  };
}
