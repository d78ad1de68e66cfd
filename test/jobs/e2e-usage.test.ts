// End to end, as under `npm start`: a completion through the gateway is held and captured by the
// ledger, its event flows outbox -> relay -> local SQS -> consumer -> rollups, and the app reads it
// back at the gateway's GET /v1/usage; another app sees none of it.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Stack } from '../../local/stack';
import { MODEL, newUser, startTestStack } from '../gateway/harness';
import { eventually } from './helpers';

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack({ sqsEndpoint: inject('sqsEndpoint') });
});
afterAll(async () => {
  await stack?.stop();
});

describe('GET /v1/usage', () => {
  it("shows an app its own calls and what its users' wallets were charged", async () => {
    const user = await newUser(stack, { balanceMicros: 5_000_000 });
    const stranger = await newUser(stack, { balanceMicros: 1_000_000 });
    const completion = await user.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hello there' }], max_tokens: 50 });
    const charged = 5_000_000 - (await user.balance());
    expect(charged).toBeGreaterThan(0);

    const day = new Date().toISOString().slice(0, 10);
    const usage = async (apiKey: string, query = `from=${day}&to=${day}`) =>
      fetch(`${stack.gatewayUrl}/v1/usage?${query}`, { headers: { authorization: `Bearer ${apiKey}` } });
    let body: { app_id: string; data: Array<Record<string, unknown>>; totals: Record<string, number> } | undefined;
    await eventually('the call reaches the rollups', async () => {
      const response = await usage(user.app.api_key);
      body = (await response.json()) as typeof body;
      return response.status === 200 && body!.totals.calls === 1;
    });
    expect(body!.app_id).toBe(user.app.app_id);
    expect(body!.totals).toEqual({
      calls: 1,
      input_tokens: completion.usage!.prompt_tokens,
      output_tokens: completion.usage!.completion_tokens,
      cost_micros: charged,
    });

    const other = (await (await usage(stranger.app.api_key)).json()) as { totals: { calls: number } };
    expect(other.totals.calls).toBe(0);
    expect((await usage('fx_sk_' + 'x'.repeat(43))).status).toBe(401);
    const bad = await usage(user.app.api_key, 'from=2026-01-01&to=2025-01-01');
    expect(bad.status).toBe(400);
  });
});
