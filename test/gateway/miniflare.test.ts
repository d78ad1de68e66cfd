// The gateway bundled for workerd with esbuild and run in miniflare, against the simulator and a
// running ledger: one streamed completion, charged to the wallet exactly as reported.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Stack } from '../../local/stack';
import { MODEL, newUser, startTestStack } from './harness';

let stack: Stack;
let mf: Miniflare | undefined;
const outDir = mkdtempSync(join(tmpdir(), 'fleeex-worker-'));

beforeAll(async () => {
  const [started] = await Promise.all([
    startTestStack(),
    build({
      entryPoints: ['gateway/src/worker.ts'],
      outfile: join(outDir, 'worker.js'),
      bundle: true,
      format: 'esm',
      // 'browser' so esbuild honours the AWS SDK's browser map (fetch handler, no Node credential chain).
      platform: 'browser',
      external: ['node:*'],
      conditions: ['workerd', 'worker', 'browser'],
      logLevel: 'error',
      plugins: [
        {
          // workerd compiles the tiktoken WASM at load time: keep it a separate module beside the bundle.
          name: 'wasm-module',
          setup(b) {
            b.onResolve({ filter: /\.wasm$/ }, () => ({ path: './tiktoken_bg.wasm', external: true }));
          },
        },
      ],
    }),
  ]);
  stack = started;
  copyFileSync(createRequire(import.meta.url).resolve('tiktoken/lite/tiktoken_bg.wasm'), join(outDir, 'tiktoken_bg.wasm'));
  mf = new Miniflare({
    modules: true,
    scriptPath: join(outDir, 'worker.js'),
    modulesRoot: outDir,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2025-09-01',
    compatibilityFlags: ['nodejs_compat'],
    bindings: {
      FLEEEX_LEDGER_URL: stack.ledgerUrl,
      FLEEEX_SERVICE_TOKEN: stack.serviceToken,
      FLEEEX_BEDROCK_ENDPOINT: stack.simulator!.url,
      FLEEEX_BEDROCK_REGION: 'us-east-1',
    },
    host: '127.0.0.1',
  });
}, 120_000);

afterAll(async () => {
  await mf?.dispose();
  await stack?.stop();
  rmSync(outDir, { recursive: true, force: true });
});

it('streams a completion through workerd and charges what it reports', async () => {
  const user = await newUser(stack);
  const before = await user.balance();
  const response = await mf!.dispatchFetch('http://gateway.test/v1/chat/completions', {
    method: 'POST',
    headers: { authorization: `Bearer ${user.app.api_key}`, 'x-fleeex-user': user.appUserId, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: 'Reply with 25 words' }],
      stream: true,
      stream_options: { include_usage: true },
    }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const frames = (await response.text()).split('\n\n').filter(Boolean);
  expect(frames[frames.length - 1]).toBe('data: [DONE]');
  const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame.slice('data: '.length)));
  expect(chunks[0].choices[0].delta.role).toBe('assistant');
  const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
  expect(text.length).toBeGreaterThan(20);
  const usage = chunks[chunks.length - 1].usage;
  expect(usage.completion_tokens).toBeGreaterThan(0);
  expect(usage.cost_micros).toBeGreaterThan(0);
  expect(before - (await user.balance())).toBe(usage.cost_micros);
}, 60_000);
