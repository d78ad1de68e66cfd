// The streamed call against a scripted provider: backpressure (nothing is read from the provider
// faster than the client reads), exactly one settlement per hold, and what each ending charges.
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import type { CaptureRequest, HoldResponse, ReleaseRequest } from '../../../shared/contracts/ledger-internal';
import { FleeexError } from '../../../shared/errors';
import { createBoundedEstimator } from '../estimate/token-estimator';
import type { LedgerPort } from '../ledger/ledger-port';
import { backgroundTracker, type GatewayServices } from '../services';
import type { UpstreamPort } from '../upstream/upstream-port';
import type { PreparedCall } from './metered-call';
import { startStream } from './metered-stream';

const hold: HoldResponse = {
  hold_id: 'hold_test_0001',
  app_id: 'app_1',
  wallet_id: 'wal_1',
  model: 'm',
  price_version: 1,
  amount_micros: 1_000,
  output_tokens_max: 100,
  input_tokens_estimate: 7,
  expires_at: '2030-01-01T00:00:00.000Z',
};
const call: PreparedCall = {
  hold,
  converse: { modelId: 'm', messages: [] },
  identity: { id: 'chatcmpl-1', created: 1, model: 'm', structuredOutputTool: null },
};

function harness(events: (signal: AbortSignal) => AsyncIterable<ConverseStreamOutput>) {
  const settlements: Array<{ kind: 'capture'; request: CaptureRequest } | { kind: 'release'; request: ReleaseRequest }> = [];
  let signal: AbortSignal | undefined;
  const ledger: Pick<LedgerPort, 'capture' | 'release'> = {
    async capture(holdId, request) {
      settlements.push({ kind: 'capture', request });
      return { hold_id: holdId, status: 'captured', entry_id: 'e', price_version: 1, cost_micros: 5, charged_micros: 5, written_off_micros: 0, released_micros: 995, balance_after_micros: 0 };
    },
    async release(holdId, request) {
      settlements.push({ kind: 'release', request });
      return { hold_id: holdId, status: 'released', released_micros: 1_000 };
    },
  };
  const upstream: UpstreamPort = {
    converse: () => Promise.reject(new Error('not used')),
    converseStream: async (_request, s) => {
      signal = s;
      return events(s);
    },
  };
  const tracker = backgroundTracker();
  const services = {
    ledger: ledger as LedgerPort,
    upstream,
    estimator: createBoundedEstimator((text) => Math.ceil(text.length / 4)),
    limits: { upstreamIdleMs: 60_000, streamDurationMs: 60_000, nonStreamTimeoutMs: 60_000 },
    log: { error: () => {}, warn: () => {} },
    background: tracker.background,
  } satisfies GatewayServices;
  return { services, settlements, drain: tracker.drain, signal: () => signal };
}

async function settle(rounds = 200) {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

const delta = (text: string): ConverseStreamOutput => ({ contentBlockDelta: { contentBlockIndex: 0, delta: { text } } }) as ConverseStreamOutput;

describe('startStream', () => {
  it('reads from the provider only as fast as the client reads, and settles once on cancel', async () => {
    let produced = 0;
    const h = harness(async function* (signal) {
      yield { messageStart: { role: 'assistant' } } as ConverseStreamOutput;
      while (!signal.aborted) {
        produced++;
        yield delta('x'.repeat(1_000));
      }
    });
    const reader = (await startStream(h.services, call, true, () => {})).getReader();
    for (let i = 0; i < 10; i++) await reader.read();
    await settle();
    // The role frame, then one event per frame read: nothing is pumped ahead of the reader.
    expect(produced).toBeLessThanOrEqual(10);
    await reader.cancel();
    await h.drain();
    expect(h.signal()!.aborted).toBe(true);
    expect(h.settlements).toHaveLength(1);
    const [settlement] = h.settlements;
    expect(settlement!.kind).toBe('capture');
    const request = (settlement as { request: CaptureRequest }).request;
    expect(request.usage_source).toBe('estimate');
    expect(request.input_tokens).toBe(hold.input_tokens_estimate);
    // The estimator counted what was relayed (the 1000-char deltas, not what was merely produced),
    // calibrated to model tokens (x 7/5).
    expect(request.output_tokens).toBe((produced * 250 * 7) / 5);
  });

  it('captures the provider usage at the end and reports the charge before [DONE]', async () => {
    const h = harness(async function* () {
      yield { messageStart: { role: 'assistant' } } as ConverseStreamOutput;
      yield delta('hello');
      yield { messageStop: { stopReason: 'end_turn' } } as ConverseStreamOutput;
      yield { metadata: { usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 }, metrics: { latencyMs: 1 } } } as ConverseStreamOutput;
    });
    const text = await new Response(await startStream(h.services, call, true, () => {})).text();
    const frames = text.split('\n\n').filter(Boolean);
    expect(frames[frames.length - 1]).toBe('data: [DONE]');
    const usage = JSON.parse(frames[frames.length - 2]!.slice(6)).usage;
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 2, cost_micros: 5 });
    expect(h.settlements).toEqual([
      { kind: 'capture', request: { input_tokens: 3, output_tokens: 2, cache_read_input_tokens: 0, cache_write_input_tokens: 0, usage_source: 'provider' } },
    ]);
  });

  it('releases when the provider fails before any output, and refuses to start', async () => {
    const h = harness(async function* () {
      yield* [];
      throw new FleeexError('upstream_error', 'boom');
    });
    await expect(startStream(h.services, call, false, () => {})).rejects.toMatchObject({ code: 'upstream_error' });
    await h.drain();
    expect(h.settlements).toEqual([{ kind: 'release', request: { reason: 'upstream_error' } }]);
  });

  it('ends with an error event after output, charging the relayed text', async () => {
    const h = harness(async function* () {
      yield { messageStart: { role: 'assistant' } } as ConverseStreamOutput;
      yield delta('abcdefgh');
      throw new FleeexError('upstream_error', 'The model provider failed while answering.');
    });
    const text = await new Response(await startStream(h.services, call, false, () => {})).text();
    const frames = text.split('\n\n').filter(Boolean);
    expect(JSON.parse(frames[frames.length - 1]!.slice(6)).error.code).toBe('upstream_error');
    expect(h.settlements).toHaveLength(1);
    expect((h.settlements[0] as { request: CaptureRequest }).request).toMatchObject({ output_tokens: 3, usage_source: 'estimate' });
  });

  it('closes a stalled stream at the idle limit with an error event', async () => {
    const h = harness(async function* (signal) {
      yield { messageStart: { role: 'assistant' } } as ConverseStreamOutput;
      yield delta('abcd');
      await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    h.services.limits.upstreamIdleMs = 20;
    const text = await new Response(await startStream(h.services, call, false, () => {})).text();
    expect(text).toContain('"code":"upstream_timeout"');
    expect(h.settlements).toHaveLength(1);
  });

  it('a provider stream that ends without messageStop is an error, not a silent [DONE]', async () => {
    const h = harness(async function* () {
      yield { messageStart: { role: 'assistant' } } as ConverseStreamOutput;
      yield delta('abcdefgh');
    });
    const text = await new Response(await startStream(h.services, call, true, () => {})).text();
    const frames = text.split('\n\n').filter(Boolean);
    expect(frames).not.toContain('data: [DONE]');
    expect(JSON.parse(frames[frames.length - 1]!.slice(6)).error.code).toBe('upstream_error');
    expect(h.settlements).toHaveLength(1);
    expect((h.settlements[0] as { request: CaptureRequest }).request).toMatchObject({ output_tokens: 3, usage_source: 'estimate' });

    // Ended before anything at all: refused with an HTTP error, and released.
    const empty = harness(async function* () {
      yield* [];
    });
    await expect(startStream(empty.services, call, true, () => {})).rejects.toMatchObject({ code: 'upstream_error' });
    await empty.drain();
    expect(empty.settlements).toEqual([{ kind: 'release', request: { reason: 'upstream_error' } }]);
  });
});
