// Tokenizer estimate cost per KB of prompt: raw tiktoken (o200k_base, encode the whole prompt) against
// the gateway's estimator (whatever bound it applies). Measured in this process: pure CPU, no I/O.
import { performance } from 'node:perf_hooks';
import { get_encoding } from 'tiktoken';
import { SETTINGS } from '../lib/config';
import type { Host } from '../lib/host-client';
import { closedLoop } from '../lib/load';
import type { RawGatewayClient } from '../lib/raw-client';
import type { Table } from '../lib/report';
import { fmt, median } from '../lib/stats';
import { promptText } from '../lib/text';

/** Calls per run at most, whatever the duration. */
const CALLS_PER_RUN_MAX = 100_000;

export type CountTokens = (text: string) => number;

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * CPU microseconds per call (process CPU time, so time lost to other processes on a busy machine is
 * not counted), median over runs; each run calls `count` repeatedly for `tokenizer_run_ms` of wall time.
 */
function microsPerCall(count: CountTokens, text: string): { us: number; tokens: number } {
  const tokens = count(text); // warm
  const perRun: number[] = [];
  for (let run = 0; run < SETTINGS.runs; run++) {
    const start = performance.now();
    const cpuStart = cpuMicros();
    let calls = 0;
    while (calls < CALLS_PER_RUN_MAX && performance.now() - start < SETTINGS.tokenizer_run_ms) {
      count(text);
      calls++;
    }
    perRun.push((cpuMicros() - cpuStart) / calls);
  }
  return { us: median(perRun), tokens };
}

export interface TokenizerFigure {
  kb: number;
  estimator: string;
  us_per_call: number;
}

export async function benchTokenizer(
  estimators: Array<{ name: string; count: CountTokens }>,
): Promise<{ table: Table; figures: TokenizerFigure[] }> {
  const encoding = get_encoding('o200k_base');
  try {
    const all = [{ name: 'tiktoken o200k_base, whole prompt', count: (text: string) => encoding.encode(text).length }, ...estimators];
    const rows: string[][] = [];
    const figures: TokenizerFigure[] = [];
    for (const kb of SETTINGS.tokenizer_sizes_kb) {
      const text = promptText(kb * 1024);
      for (const estimator of all) {
        const { us, tokens } = microsPerCall(estimator.count, text);
        figures.push({ kb, estimator: estimator.name, us_per_call: us });
        rows.push([`${kb} KB`, estimator.name, fmt(tokens, 0), fmt(us / 1000, 3), fmt(us / kb, 1)]);
      }
    }
    const table: Table = {
      title: 'Tokenizer estimate cost per prompt size',
      columns: ['prompt', 'estimator', 'tokens', 'ms / call', 'µs / KB'],
      rows,
      notes: [
        'Deterministic English-like text; process CPU time per call in the bench process (no I/O), median of the runs.',
      ],
    };
    return { table, figures };
  } finally {
    encoding.free();
  }
}

/**
 * The estimate in context: the gateway process's CPU per non-streamed call as the prompt grows
 * (one caller, in-memory ledger), next to what the estimator alone costs at that size.
 */
export async function benchCallCpuByPromptSize(
  gateway: Host,
  client: RawGatewayClient,
  estimatorFigures: readonly TokenizerFigure[],
  estimatorName: string,
): Promise<{ table: Table; cpu_us_by_kb: Map<number, number> }> {
  const cpuByKb = new Map<number, number>();
  const rows: string[][] = [];
  for (const kb of SETTINGS.tokenizer_sizes_kb) {
    const call = client.nonStreamWith(`Please reply with 50 words about this text.\n${promptText(kb * 1024 - 50)}`);
    const perRun: number[] = [];
    await closedLoop({ concurrency: 1, duration_ms: SETTINGS.warmup_ms, call });
    for (let run = 0; run < SETTINGS.runs; run++) {
      const before = await gateway.sample();
      const result = await closedLoop({ concurrency: 1, duration_ms: SETTINGS.tokenizer_run_ms * 2, call });
      const after = await gateway.sample();
      if (result.first_error) throw new Error(`${kb} KB call failed: ${result.first_error}`);
      perRun.push((after.cpu_us - before.cpu_us) / result.calls_total);
    }
    const cpu = median(perRun);
    cpuByKb.set(kb, cpu);
    const estimate = estimatorFigures.find((f) => f.kb === kb && f.estimator === estimatorName)?.us_per_call ?? Number.NaN;
    rows.push([`${kb} KB`, fmt(cpu / 1000, 2), fmt(estimate / 1000, 2), fmt((100 * estimate) / cpu, 0)]);
  }
  return {
    table: {
      title: 'Gateway CPU per call by prompt size (in-memory ledger, non-streamed, one caller)',
      columns: ['prompt', 'gateway CPU ms / call', 'estimator alone ms', 'estimator share %'],
      rows,
      notes: [
        'Gateway process CPU time per call (process.cpuUsage() over IPC); the estimator figure is from the table above, measured in the bench process. Median of the runs.',
      ],
    },
    cpu_us_by_kb: cpuByKb,
  };
}
