// Memory: RSS per open stream. A fresh gateway process (in-memory ledger, so holds cost nothing) in
// front of a slow simulator; open N concurrent streams, wait until every one has received its first
// token, then compare the gateway's RSS (after a full GC) with its RSS before, warmed up.
import { performance } from 'node:perf_hooks';
import { SETTINGS } from '../lib/config';
import { spawnHost } from '../lib/host-client';
import { rawGatewayClient } from '../lib/raw-client';
import type { Table } from '../lib/report';
import { fmt, median } from '../lib/stats';
import { promptText } from '../lib/text';
import { credentialsOf } from './credentials';

/** Streams opened at once: stays under the default listen backlog (511) so no SYN is dropped. */
const OPEN_BATCH = 100;
const WARMUP_STREAMS = 50;
const SLOW_PROMPT = `Please reply with 2000 words about this.\n${promptText(512)}`;

export interface MemoryFigures {
  rss_kb_per_stream: number;
  heap_used_kb_per_stream: number;
  heap_committed_kb_per_stream: number;
  buffers_kb_per_stream: number;
}

export async function benchMemory(
  slowSimulatorUrl: string,
  log: (line: string) => void,
): Promise<{ table: Table; figures: MemoryFigures }> {
  const perStreamRss: number[] = [];
  const perStreamHeap: number[] = [];
  const perStreamBuffers: number[] = [];
  const perStreamHeapTotal: number[] = [];
  const baselines: number[] = [];
  for (let run = 0; run < SETTINGS.memory_runs; run++) {
    const t0 = performance.now();
    const gateway = await spawnHost('gateway', { ledger: 'memory', bedrock_endpoint: slowSimulatorUrl });
    const t1 = performance.now();
    const client = rawGatewayClient(credentialsOf(gateway));
    try {
      const warm = await Promise.all(Array.from({ length: WARMUP_STREAMS }, () => client.openStream(SLOW_PROMPT)));
      for (const stream of warm) stream.close();
      const before = await gateway.sample({ gc: true });
      const open: Array<{ close(): void }> = [];
      for (let i = 0; i < SETTINGS.memory_streams; i += OPEN_BATCH) {
        const batch = Math.min(OPEN_BATCH, SETTINGS.memory_streams - i);
        open.push(...(await Promise.all(Array.from({ length: batch }, () => client.openStream(SLOW_PROMPT)))));
      }
      const t2 = performance.now();
      const during = await gateway.sample({ gc: true });
      for (const stream of open) stream.close();
      baselines.push(before.rss_bytes);
      perStreamRss.push((during.rss_bytes - before.rss_bytes) / open.length);
      perStreamHeap.push((during.heap_used_bytes - before.heap_used_bytes) / open.length);
      perStreamHeapTotal.push((during.heap_total_bytes - before.heap_total_bytes) / open.length);
      perStreamBuffers.push((during.array_buffers_bytes - before.array_buffers_bytes) / open.length);
      log(
        `  memory run ${run + 1}: ${fmt(perStreamRss.at(-1)! / 1024, 1)} KB RSS per stream (host start ${fmt(t1 - t0, 0)} ms, opening ${fmt(t2 - t1, 0)} ms)`,
      );
    } finally {
      client.close();
      const t3 = performance.now();
      await gateway.stop();
      log(`  memory run ${run + 1}: gateway stopped in ${fmt(performance.now() - t3, 0)} ms`);
    }
  }
  const table: Table = {
    title: `Memory per open stream (${SETTINGS.memory_streams} concurrent slow streams)`,
    columns: ['gateway RSS idle MB', 'RSS per open stream KB', 'JS heap used / committed per stream KB', 'Buffers per stream KB'],
    rows: [
      [
        fmt(median(baselines) / 1024 ** 2, 1),
        fmt(median(perStreamRss) / 1024, 1),
        `${fmt(median(perStreamHeap) / 1024, 1)} / ${fmt(median(perStreamHeapTotal) / 1024, 1)}`,
        fmt(median(perStreamBuffers) / 1024, 1),
      ],
    ],
    notes: [
      `A fresh gateway process per run (in-memory ledger) in front of a simulator that sends one token a second; ${SETTINGS.memory_streams} streams opened (batches of ${OPEN_BATCH}) and all receiving; RSS sampled after a full GC in the gateway process, before opening and with all open. Median of ${SETTINGS.memory_runs} runs.`,
      'RSS includes sockets\' kernel-side buffers only as far as they are charged to the process (they mostly are not); the client side of each stream lives in the bench process and is not counted.',
    ],
  };
  return {
    table,
    figures: {
      rss_kb_per_stream: median(perStreamRss) / 1024,
      heap_used_kb_per_stream: median(perStreamHeap) / 1024,
      heap_committed_kb_per_stream: median(perStreamHeapTotal) / 1024,
      buffers_kb_per_stream: median(perStreamBuffers) / 1024,
    },
  };
}
