// Every error the gateway answers, produced for real against a real stack, with the status, code and
// headers the OpenAI SDKs act on; and that no failed call leaves money held or charges for nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local/stack';
import { generateApiKey } from '../../shared/api-keys';
import { apiError, eventually, MODEL, newUser, openAiClient, startTestStack, type TestUser } from './harness';

let stack: Stack;
let user: TestUser;

beforeAll(async () => {
  // Default limits: a short timeout here would fail ordinary calls on a loaded machine. The stall
  // test runs on its own stack below.
  stack = await startTestStack();
  user = await newUser(stack);
});
afterAll(() => stack?.stop());

const hello = { model: MODEL, messages: [{ role: 'user' as const, content: 'hello' }] };

describe('identity and permission', () => {
  it('401 invalid_api_key without a key, with a malformed key and with an unknown key', async () => {
    const none = await fetch(`${stack.gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(hello),
    });
    expect(none.status).toBe(401);
    expect(none.headers.get('x-request-id')).toBeTruthy();
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');

    for (const key of ['not-a-key', generateApiKey()]) {
      const error = await apiError(openAiClient(stack, key, 'someone').chat.completions.create(hello));
      expect(error.status).toBe(401);
      expect(error.code).toBe('invalid_api_key');
      expect(error.type).toBe('authentication_error');
    }
  });

  it('401 with a revoked key, and nothing held', async () => {
    const revoked = await newUser(stack);
    await revoked.client.chat.completions.create(hello);
    await stack.admin.revokeKey(revoked.app.app_id, revoked.app.key_id);
    const error = await apiError(revoked.client.chat.completions.create(hello));
    expect(error.status).toBe(401);
    expect(error.code).toBe('invalid_api_key');
    expect(await revoked.available()).toBe(await revoked.balance());
  });

  it('403 wallet_not_authorized (no grant), telling how to authorize, with x-should-retry: false', async () => {
    const stranger = await newUser(stack, { grant: false });
    const error = await apiError(stranger.client.chat.completions.create(hello));
    expect(error.status).toBe(403);
    expect(error.code).toBe('wallet_not_authorized');
    expect(error.message).toContain('/v1/connect/sessions');
    // The ledger's reason and the hint read as separate sentences.
    expect(error.message).toMatch(/^403 [A-Z].*[.!?] Send the user through the connect flow/);
    expect(error.headers?.get('x-should-retry')).toBe('false');
  });

  it('403 after the owner revokes the grant', async () => {
    const revoked = await newUser(stack);
    await stack.admin.revokeGrant(revoked.walletId, revoked.app.app_id);
    const error = await apiError(revoked.client.chat.completions.create(hello));
    expect(error.status).toBe(403);
    expect(error.code).toBe('wallet_not_authorized');
  });

  it('400 when the end user is not named', async () => {
    const error = await apiError(openAiClient(stack, user.app.api_key).chat.completions.create(hello));
    expect(error.status).toBe(400);
    expect(error.param).toBe('user');
  });

  it('takes the user field when the header is absent', async () => {
    const answer = await openAiClient(stack, user.app.api_key).chat.completions.create({ ...hello, user: user.appUserId });
    expect(answer.choices[0]!.message.content).toBeTruthy();
  });
});

describe('money', () => {
  it('402 insufficient_balance on an empty wallet, with x-should-retry: false', async () => {
    const broke = await newUser(stack, { balanceMicros: 0 });
    const error = await apiError(broke.client.chat.completions.create(hello));
    expect(error.status).toBe(402);
    expect(error.code).toBe('insufficient_balance');
    expect(error.headers?.get('x-should-retry')).toBe('false');
  });

  it('402 app_cap_exceeded once the monthly cap is spent', async () => {
    const capped = await newUser(stack, { capMicros: 0 });
    const error = await apiError(capped.client.chat.completions.create(hello));
    expect(error.status).toBe(402);
    expect(error.code).toBe('app_cap_exceeded');
    expect(error.headers?.get('x-should-retry')).toBe('false');
    expect(await capped.balance()).toBe(5_000_000);
  });

  it('clamps max_tokens to what a small wallet affords instead of refusing', async () => {
    const small = await newUser(stack, { balanceMicros: 2_000 });
    const answer = await small.client.chat.completions.create({ ...hello, messages: [{ role: 'user', content: 'Reply with 2000 words' }], max_tokens: 8_000 });
    expect(answer.choices[0]!.finish_reason).toBe('length');
    expect(await small.balance()).toBeGreaterThanOrEqual(0);
    const sent = stack.simulator!.lastRequest!.body as { inferenceConfig: { maxTokens: number } };
    expect(sent.inferenceConfig.maxTokens).toBeLessThan(8_000);
  });

  it('404 model_not_found for a model without a price', async () => {
    const error = await apiError(user.client.chat.completions.create({ ...hello, model: 'acme.unknown-model-v1:0' }));
    expect(error.status).toBe(404);
    expect(error.code).toBe('model_not_found');
  });
});

describe('upstream failures', () => {
  const cases = [
    { fault: 'throttle', status: 429, code: 'rate_limit_exceeded' },
    { fault: 'unavailable', status: 503, code: 'upstream_unavailable' },
    { fault: 'internal', status: 502, code: 'upstream_error' },
    { fault: 'timeout', status: 504, code: 'upstream_timeout' },
    { fault: 'validation', status: 400, code: 'invalid_request' },
    // The SDK reports a reset connection as a TimeoutError with code ECONNRESET: not a timeout.
    { fault: 'socket-close-early', status: 503, code: 'upstream_unavailable' },
    { fault: 'socket-close', status: 503, code: 'upstream_unavailable' },
  ] as const;
  for (const { fault, status, code } of cases) {
    for (const stream of [false, true]) {
      it(`${fault} ${stream ? 'streamed' : 'non-streamed'} -> ${status} ${code}, released, no charge`, async () => {
        const before = await user.balance();
        stack.simulator!.setNextFaults(MODEL, fault);
        const error = await apiError(user.client.chat.completions.create({ ...hello, stream }));
        expect(error.status).toBe(status);
        expect(error.code).toBe(code);
        if (status === 429 || status === 503) expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
        expect(await user.balance()).toBe(before);
        expect(await user.available()).toBe(before);
      });
    }
  }

  it('a mid-stream fault ends the stream with an error event and charges only what was produced', async () => {
    const prompt = { model: MODEL, messages: [{ role: 'user' as const, content: 'Reply with 300 words' }] };
    const full = await user.client.chat.completions.create(prompt);
    const fullCost = (full.usage as unknown as { cost_micros: number }).cost_micros;

    const before = await user.balance();
    stack.simulator!.setNextFaults(MODEL, 'stream-error');
    const stream = await user.client.chat.completions.create({ ...prompt, stream: true });
    let text = '';
    const error = await apiError(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(error.message).toMatch(/model provider failed/);
    expect(text.length).toBeGreaterThan(0);
    const charged = before - (await user.balance());
    expect(charged).toBeGreaterThan(0);
    expect(charged).toBeLessThan(fullCost);
    expect(await user.available()).toBe(await user.balance());
  });
});

/**
 * Idle and non-streamed limits for the slow stack: long enough that a loaded CI machine never trips
 * them on a model that is merely slow (5 ms a token), short enough for the stall test to wait them out.
 */
const SLOW_STACK_TIMEOUT_MS = 2_500;

describe('slow model: stalls and client disconnects', () => {
  let slow: Stack;
  beforeAll(async () => {
    slow = await startTestStack({
      simulatorOptions: { perTokenMs: 5, tokensPerDelta: 1 },
      gatewayLimits: { callsInFlightPerKeyMax: 2, upstreamIdleMs: SLOW_STACK_TIMEOUT_MS, nonStreamTimeoutMs: SLOW_STACK_TIMEOUT_MS },
    });
  });
  afterAll(() => slow?.stop());

  it('a stalled model times out: 504 and released before output, an error event after', async () => {
    // Both calls stall at once (their own users), so the test waits out the limit once, not twice.
    const [quiet, streaming] = await Promise.all([newUser(slow), newUser(slow)]);
    slow.simulator!.setNextFaults(MODEL, 'stall', 2);
    const [error, streamed] = await Promise.all([
      apiError(quiet.client.chat.completions.create(hello)),
      (async () => {
        // Streamed, the simulator stalls after a few deltas: an error event, and only those are charged.
        const stream = await streaming.client.chat.completions.create({ ...hello, stream: true });
        let text = '';
        const streamError = await apiError(
          (async () => {
            for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
          })(),
        );
        return { streamError, text };
      })(),
    ]);
    expect(error.status).toBe(504);
    expect(error.code).toBe('upstream_timeout');
    expect(await quiet.balance()).toBe(5_000_000);
    expect(await quiet.available()).toBe(5_000_000);

    expect(streamed.streamError.code).toBe('upstream_timeout');
    expect(streamed.text.length).toBeGreaterThan(0);
    expect(await streaming.available()).toBe(await streaming.balance());
    expect(await streaming.balance()).toBeLessThan(5_000_000);
  });

  it('aborts the upstream call and captures what was produced', async () => {
    const viewer = await newUser(slow);
    const before = await viewer.balance();
    const controller = new AbortController();
    const stream = await viewer.client.chat.completions.create(
      { model: MODEL, messages: [{ role: 'user', content: 'Reply with 2000 words' }], stream: true, max_tokens: 4000 },
      { signal: controller.signal },
    );
    let deltas = 0;
    // The SDK ends the iteration quietly on abort.
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) deltas++;
      if (deltas === 10) controller.abort();
    }
    expect(deltas).toBeGreaterThanOrEqual(10);
    const settled = await eventually(() => slow.admin.wallet(viewer.walletId), (wallet) => wallet.held_micros === 0);
    expect(settled.held_micros).toBe(0);
    const charged = before - settled.balance_micros;
    expect(charged).toBeGreaterThan(0);
    // 2000 output tokens would cost far more than the ~10 relayed plus the input.
    expect(charged).toBeLessThan(2000 * 4);
    // The simulator sees the socket close on its own schedule, not necessarily before the capture lands.
    const aborted = await eventually(async () => slow.simulator!.stats.abortedByClient, (n) => n >= 1);
    expect(aborted).toBeGreaterThanOrEqual(1);
  });

  it('429 with retry-after past the in-flight calls allowed per key; the slot returns once settled', async () => {
    const busy = await newUser(slow);
    const long = { model: MODEL, messages: [{ role: 'user' as const, content: 'Reply with 2000 words' }], stream: true as const };
    const controllers = [new AbortController(), new AbortController()];
    const streams = await Promise.all(controllers.map((controller) => busy.client.chat.completions.create(long, { signal: controller.signal })));
    const error = await apiError(busy.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }));
    expect(error.status).toBe(429);
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.headers?.get('retry-after')).toBe('1');
    for (const controller of controllers) controller.abort();
    for (const stream of streams) for await (const _chunk of stream);
    await eventually(() => slow.admin.wallet(busy.walletId), (w) => w.held_micros === 0);
    const answer = await eventually(
      () => busy.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }).catch(() => null),
      (a) => a !== null,
    );
    expect(answer!.choices[0]!.message.content).toBeTruthy();
  });
});
