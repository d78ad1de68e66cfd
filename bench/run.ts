// `npm run bench`: measures what fleeex adds to each call against the floor, prints the tables and
// rewrites BENCHMARKS.md. Not a test. See lib/config.ts for BENCH_QUICK and BENCH_ONLY.
// Processes: this one generates load; the simulator, the ledger and each gateway run in host
// processes of their own (bench/host.ts); DynamoDB Local is its own Java process.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startDynamoDbLocal, type DynamoDbLocal } from '../local/dynamodb-local';
import { bedrockCalls, openaiCalls } from './lib/clients';
import { closingNote, type ClosingInputs } from './lib/closing';
import { onlySome, SETTINGS, sectionEnabled } from './lib/config';
import { type Host, spawnHost } from './lib/host-client';
import type { HostRole } from './lib/host-protocol';
import { nodeTokenEstimator } from '../gateway/src/estimate/tiktoken-node';
import { ENCODE_CHARS_MAX } from '../gateway/src/estimate/token-estimator';
import { machineDescription } from './lib/machine';
import { rawGatewayClient } from './lib/raw-client';
import { renderMarkdown, renderText, type Table } from './lib/report';
import { fmt } from './lib/stats';
import { benchCapacity, type CapacityTarget } from './sections/capacity';
import { credentialsOf } from './sections/credentials';
import {
  FLOOR,
  FULL_PATH,
  floorVsFleeexTable,
  measureMatrix,
  PROXY_ONLY,
  type Target,
  whereTimeGoesTable,
} from './sections/latency';
import { benchLedger, type LedgerHostCredentials } from './sections/ledger';
import { benchMemory } from './sections/memory';
import { benchProfile } from './sections/profile';
import { benchCallCpuByPromptSize, benchTokenizer } from './sections/tokenizer';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const BENCHMARKS_PATH = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
const TABLE_PREFIX = 'bench-';
/** The slow simulator of the memory section: one token per delta, one delta a second. */
const SLOW_PER_TOKEN_MS = 1_000;

const ESTIMATOR_NAME = `gateway estimator (exact up to ${ENCODE_CHARS_MAX / 1024} K chars, then extrapolated)`;

const benchStart = Date.now();
/** Progress lines carry the seconds since start, so a slow section shows itself. */
const log = (line: string) => console.log(line.startsWith('==') || line.includes('\n') ? line : `[${Math.round((Date.now() - benchStart) / 1000)}s] ${line}`);

/** Starts a host, or records why it could not start (the tables then say "not measured"). */
async function tryHost(role: HostRole, options: Record<string, unknown>, missing: string[]): Promise<Host | null> {
  try {
    return await spawnHost(role, options);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    missing.push(`${role} (${JSON.stringify(options).slice(0, 80)}): ${reason}`);
    log(`  could not start ${role}: ${reason}`);
    return null;
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const machine = machineDescription();
  log(`fleeex bench (${SETTINGS.quick ? 'quick' : 'full'}) on ${machine.summary}`);
  const tables: Table[] = [];
  const show = (table: Table) => {
    tables.push(table);
    log(renderText(table));
  };
  const closing: ClosingInputs = {};
  const missing: string[] = [];

  if (sectionEnabled('tokenizer')) {
    const estimator = nodeTokenEstimator();
    const { table, figures } = await benchTokenizer([
      { name: ESTIMATOR_NAME, count: (text) => estimator.estimate([text]) },
    ]);
    show(table);
    closing.tokenizer = figures;
  }

  const hosts: Host[] = [];
  let dynamo: DynamoDbLocal | undefined;
  const needsStack = ['tokenizer', 'profile', 'latency', 'capacity', 'memory', 'ledger'].some(sectionEnabled);
  try {
    if (needsStack) {
      log('starting DynamoDB Local, the simulator, the ledger and two gateways...');
      dynamo = await startDynamoDbLocal();
      const simulator = await spawnHost('simulator', {});
      hosts.push(simulator);
      const proxyOnly = await tryHost('gateway', { ledger: 'memory', bedrock_endpoint: simulator.url }, missing);
      const ledger = await tryHost('ledger', { dynamo_endpoint: dynamo.endpoint, table_prefix: TABLE_PREFIX }, missing);
      const full = ledger
        ? await tryHost('gateway', { ledger: { url: ledger.url, ...ledger.info }, bedrock_endpoint: simulator.url }, missing)
        : null;
      for (const host of [proxyOnly, ledger, full]) if (host) hosts.push(host);

      if (sectionEnabled('latency')) {
        log('latency: floor vs fleeex...');
        const floorCalls = bedrockCalls(simulator.url);
        const targets: Target[] = [{ name: FLOOR, calls: { 'non-stream': floorCalls.nonStream, stream: floorCalls.stream }, gateway: null }];
        for (const [name, host] of [
          [PROXY_ONLY, proxyOnly],
          [FULL_PATH, full],
        ] as const) {
          if (!host) continue;
          const calls = openaiCalls(credentialsOf(host));
          targets.push({ name, calls: { 'non-stream': calls.nonStream, stream: calls.stream }, gateway: host });
        }
        const results = await measureMatrix(targets, log);
        floorCalls.close();
        show(floorVsFleeexTable(results, fmt));
        show(whereTimeGoesTable(results, fmt));
        closing.latency = results;
      }

      if (sectionEnabled('profile')) {
        log('profile of the gateway...');
        const { table, shares } = await benchProfile(PROXY_ONLY, { ledger: 'memory', bedrock_endpoint: simulator.url }, log);
        show(table);
        closing.profile = shares;
        if (ledger) {
          const options = { ledger: { url: ledger.url, ...ledger.info }, bedrock_endpoint: simulator.url };
          show((await benchProfile(FULL_PATH, options, log)).table);
        }
      }

      if (sectionEnabled('tokenizer') && proxyOnly && closing.tokenizer) {
        log('gateway CPU per call by prompt size...');
        const client = rawGatewayClient(credentialsOf(proxyOnly));
        const { table, cpu_us_by_kb } = await benchCallCpuByPromptSize(proxyOnly, client, closing.tokenizer, ESTIMATOR_NAME);
        client.close();
        show(table);
        closing.call_cpu_us_by_kb = cpu_us_by_kb;
      }

      if (sectionEnabled('capacity')) {
        log('capacity...');
        const clients = [];
        const targets: CapacityTarget[] = [];
        for (const [name, host] of [
          [PROXY_ONLY, proxyOnly],
          [FULL_PATH, full],
        ] as const) {
          if (!host) continue;
          const client = rawGatewayClient(credentialsOf(host));
          clients.push(client);
          targets.push({ name, call: client.nonStream, gateway: host });
        }
        if (targets.length > 0) {
          const { table, figures } = await benchCapacity(targets, log);
          show(table);
          closing.capacity = figures;
        }
        for (const client of clients) client.close();
      }

      if (sectionEnabled('memory') && proxyOnly) {
        log('memory...');
        const slow = await spawnHost('simulator', { per_token_ms: SLOW_PER_TOKEN_MS, tokens_per_delta: 1 });
        hosts.push(slow);
        const { table, figures } = await benchMemory(slow.url, log);
        show(table);
        closing.memory = figures;
      }

      if (sectionEnabled('ledger')) {
        log('ledger hold+capture...');
        const overHttp = ledger ? ({ url: ledger.url, ...ledger.info } as LedgerHostCredentials) : null;
        const { table, figures } = await benchLedger(dynamo.endpoint, log, overHttp);
        show(table);
        closing.ledger = figures;
      }
    }
  } finally {
    await Promise.all(hosts.map((host) => host.stop()));
    await dynamo?.stop();
  }

  const elapsedS = Math.round((Date.now() - started) / 1000);
  const markdown = [
    '# fleeex benchmarks',
    '',
    `Command: \`${SETTINGS.quick ? 'BENCH_QUICK=1 ' : ''}npm run bench\` (took ${elapsedS} s).`,
    '',
    machine.markdown,
    '',
    'How it runs: `bench/run.ts` is the load generator (one process); the Bedrock simulator, the ledger and each gateway run in host processes of their own (`bench/host.ts`, driven over IPC, which report their own `process.cpuUsage()` and memory), and DynamoDB Local is its own Java process; loopback only. `BENCH_QUICK=1` makes a smoke run (one short run per figure); `BENCH_ONLY=tokenizer,profile,latency,capacity,memory,ledger` runs only the named sections. No benchmark is part of `npm test`.',
    '',
    ...(SETTINGS.quick ? ['**Quick smoke run (BENCH_QUICK=1): one short run per figure, not the median of five. Do not quote these numbers.**', ''] : []),
    ...(missing.length ? ['Not measured (a part did not start):', '', ...missing.map((m) => `- ${m}`), ''] : []),
    '## Results',
    '',
    ...tables.map(renderMarkdown),
    '## Closing note',
    '',
    closingNote(closing),
    '',
  ].join('\n');
  log(closingNote(closing));
  // A partial run (BENCH_ONLY) must not replace a complete BENCHMARKS.md.
  if (onlySome()) log(`BENCH_ONLY set: BENCHMARKS.md left as it was (${elapsedS} s)`);
  else {
    writeFileSync(BENCHMARKS_PATH, markdown);
    log(`wrote ${BENCHMARKS_PATH} in ${elapsedS} s`);
  }
}

await main();
