// Where the gateway's CPU goes: a separate gateway host (in-memory ledger) run under V8's sampling
// profiler (--cpu-prof) while callers send streamed and non-streamed calls; self time grouped by the
// package or folder the code comes from. A profiled process runs slower, so this table gives shares,
// never latencies; the other tables come from unprofiled hosts.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openaiCalls } from '../lib/clients';
import { SETTINGS } from '../lib/config';
import { spawnHost } from '../lib/host-client';
import { closedLoop } from '../lib/load';
import type { Table } from '../lib/report';
import { fmt } from '../lib/stats';
import { credentialsOf } from './credentials';

const CALLERS = 4;

interface CpuProfile {
  startTime: number;
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>;
  samples: number[];
  timeDeltas: number[];
}

const NODE_HTTP = 'Node http, net, events and streams';

/** Node's own JavaScript (node: URLs), split by what it serves. */
function nodeGroupOf(url: string): string {
  if (url.startsWith('node:internal/crypto')) return 'crypto (SigV4 HMACs, SHA-256 of the app key, random ids)';
  if (/^node:internal\/(deps\/undici|webstreams|abort_controller|event_target|worker\/js_transferable)/.test(url)) {
    return 'web Request/Response and web streams (undici, webstreams)';
  }
  if (/^node:(_http_|net|events|buffer|internal\/(streams|stream_base_commons|buffer|http))/.test(url)) return NODE_HTTP;
  return 'other Node internals';
}

/** The group a sampled frame's self time is counted under; null for idle. */
function groupOf(functionName: string, url: string): string | null {
  if (!url) {
    if (functionName === '(idle)') return null;
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === 'writev' || functionName === 'writeBuffer' || functionName === 'writeUtf8String') return NODE_HTTP;
    return 'other native (microtasks, runtime)';
  }
  if (url.startsWith('wasm://') || url.includes('node_modules/tiktoken')) return 'tokenizer estimate (tiktoken WASM)';
  if (url.startsWith('node:')) return nodeGroupOf(url);
  if (/node_modules\/(@smithy|@aws-sdk|@aws)\//.test(url)) return 'AWS SDK for Bedrock (serde, SigV4, middleware, event-stream decoding)';
  if (url.includes('node_modules/zod')) return 'request validation (zod)';
  if (/node_modules\/(hono|@hono)\//.test(url)) return 'Hono and @hono/node-server';
  if (url.includes('/gateway/src/ledger/')) return 'gateway ledger client (JSON, response validation)';
  if (url.includes('/gateway/src/')) return 'gateway code (translation, metering, SSE)';
  if (url.includes('/bench/') || url.includes('/shared/')) return 'in-memory ledger stand-in and shared code';
  return 'other JavaScript';
}

/** Self time by group, counting only samples stamped within [fromUs, toUs] (the measured window). */
function summarise(profile: CpuProfile, fromUs: number, toUs: number): Map<string, number> {
  const groups = new Map<number, string | null>();
  for (const node of profile.nodes) groups.set(node.id, groupOf(node.callFrame.functionName, node.callFrame.url));
  const microsByGroup = new Map<string, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromUs || at > toUs) continue;
    const group = groups.get(profile.samples[i]!);
    if (!group) continue;
    microsByGroup.set(group, (microsByGroup.get(group) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  return microsByGroup;
}

export interface ProfileShare {
  group: string;
  /** Share of the gateway's busy CPU, 0..1. */
  share: number;
}

/** Profiles a fresh gateway host started with `gatewayOptions` (see roles/gateway.ts). */
export async function benchProfile(
  label: string,
  gatewayOptions: Record<string, unknown>,
  log: (line: string) => void,
): Promise<{ table: Table; shares: ProfileShare[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'fleeex-bench-prof-'));
  try {
    const gateway = await spawnHost('gateway', gatewayOptions, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    let calls = 0;
    let fromUs = 0;
    let toUs = 0;
    try {
      const { nonStream, stream } = openaiCalls(credentialsOf(gateway));
      // Start-up (module loading, the tokenizer's initialisation) and JIT warm-up stay out of the window.
      await closedLoop({ concurrency: CALLERS, duration_ms: SETTINGS.stack_warmup_ms, call: nonStream });
      await closedLoop({ concurrency: CALLERS, duration_ms: SETTINGS.stack_warmup_ms, call: stream });
      fromUs = (await gateway.sample()).monotonic_us;
      for (const call of [nonStream, stream]) {
        const result = await closedLoop({ concurrency: CALLERS, duration_ms: SETTINGS.profile_ms, call });
        if (result.first_error) log(`  profile: ${result.errors} errors, first: ${result.first_error}`);
        calls += result.calls_total;
      }
      toUs = (await gateway.sample()).monotonic_us;
    } finally {
      await gateway.stop(); // the profile is written as the process exits
    }
    // The main thread's profile is the largest (tsx's loader thread writes a small one too).
    const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
    const largest = files.sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0];
    if (!largest) throw new Error('the profiled gateway wrote no profile');
    const groups = summarise(JSON.parse(readFileSync(join(dir, largest), 'utf8')) as CpuProfile, fromUs, toUs);
    const busy = [...groups.values()].reduce((a, b) => a + b, 0);
    const sorted = [...groups.entries()].sort((a, b) => b[1] - a[1]);
    const rows = sorted.map(([group, micros]) => [group, fmt((100 * micros) / busy, 1)]);
    const table: Table = {
      title: `Where the gateway's CPU goes (sampling profile, ${label})`,
      columns: ['code', '% of busy CPU'],
      rows,
      notes: [
        `A separate gateway process under V8's sampling profiler (--cpu-prof), ${CALLERS} callers for ${SETTINGS.profile_ms} ms non-streamed then ${SETTINGS.profile_ms} ms streamed (${calls} calls, the same 1 KB prompt) after a warm-up left out of the window; self time of each sampled function grouped by the package or folder it comes from; idle time excluded. One run: shares only (the profiler samples wall time, so a process waiting for a core on a busy machine inflates whatever it was running; the CPU per call comes from the unprofiled runs).`,
      ],
    };
    return { table, shares: sorted.map(([group, micros]) => ({ group, share: micros / busy })) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
