// Tokenizer estimate cost per KB of prompt: raw tiktoken (o200k_base, encode the whole prompt) against
// the gateway's estimator (whatever bound it applies). Measured in this process: pure CPU, no I/O.
import { performance } from 'node:perf_hooks';
import { get_encoding } from 'tiktoken';
import { SETTINGS } from '../lib/config';
import type { Table } from '../lib/report';
import { fmt, median } from '../lib/stats';
import { promptText } from '../lib/text';

/** Calls per run at most, whatever the duration. */
const CALLS_PER_RUN_MAX = 100_000;

export type CountTokens = (text: string) => number;

/** Microseconds per call, median over runs; each run calls `count` repeatedly for `run_ms`. */
function microsPerCall(count: CountTokens, text: string): { us: number; tokens: number } {
  const tokens = count(text); // warm
  const perRun: number[] = [];
  for (let run = 0; run < SETTINGS.runs; run++) {
    const start = performance.now();
    let calls = 0;
    while (calls < CALLS_PER_RUN_MAX && performance.now() - start < SETTINGS.tokenizer_run_ms) {
      count(text);
      calls++;
    }
    perRun.push(((performance.now() - start) * 1000) / calls);
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
        'Deterministic English-like text; each figure is the median of the runs; measured in the bench process (CPU only).',
      ],
    };
    return { table, figures };
  } finally {
    encoding.free();
  }
}
