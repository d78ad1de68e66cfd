// 200 concurrent streamed calls against a wallet that can afford 20 worst-case calls: the wallet
// never goes below zero, nothing stays held, and the costs the SDK reports sum to the wallet's change.
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nodeTokenEstimator } from '../../gateway/src/estimate/tiktoken-node';
import type { Stack } from '../../local/stack';
import { seedModelPrices } from '../../shared/price-seed';
import { holdAmountMicros } from '../../shared/pricing';
import { eventually, MODEL, newUser, startTestStack } from './harness';

const CALLS = 200;
const AFFORDABLE_CALLS = 20;
const MAX_TOKENS = 300;
const PROMPT = 'Reply with 200 words';

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

it(`${CALLS} concurrent streams on a wallet affording ${AFFORDABLE_CALLS} worst cases`, async () => {
  const price = seedModelPrices().find((p) => p.model === MODEL)!;
  // The gateway's own estimate of this prompt (text plus 4 tokens of message framing).
  const inputEstimate = nodeTokenEstimator().estimate([PROMPT]) + 4;
  const worstCase = holdAmountMicros(price, inputEstimate, MAX_TOKENS);
  const funded = worstCase * AFFORDABLE_CALLS;
  const user = await newUser(stack, { balanceMicros: funded });

  let lowestBalance = funded;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const wallet = await stack.admin.wallet(user.walletId);
      lowestBalance = Math.min(lowestBalance, wallet.balance_micros, wallet.available_micros);
    }
  })();

  const outcomes = await Promise.all(
    Array.from({ length: CALLS }, async () => {
      try {
        const stream = await user.client.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: PROMPT }],
          max_tokens: MAX_TOKENS,
          stream: true,
          stream_options: { include_usage: true },
        });
        let cost: number | null = null;
        for await (const chunk of stream) {
          if (chunk.usage) cost = (chunk.usage as unknown as { cost_micros: number }).cost_micros;
        }
        return { ok: true as const, cost };
      } catch (error) {
        if (error instanceof OpenAI.APIError) return { ok: false as const, status: error.status, code: error.code };
        throw error;
      }
    }),
  );
  sampling = false;
  await sampler;

  const succeeded = outcomes.filter((o) => o.ok);
  const refused = outcomes.filter((o) => !o.ok);
  expect(succeeded.length).toBeGreaterThanOrEqual(AFFORDABLE_CALLS);
  // Refused: the wallet is spent (402), or the ledger gave up on a wallet this contended (503, retry-after).
  for (const o of refused) expect([`402 insufficient_balance`, `503 ledger_unavailable`]).toContain(`${o.status} ${o.code}`);
  const reported = succeeded.reduce((sum, o) => sum + (o.cost ?? Number.NaN), 0);
  // A hold whose answer timed out under this load is released in the background: wait for it.
  const wallet = await eventually(() => stack.admin.wallet(user.walletId), (w) => w.held_micros === 0, 15_000);
  expect(wallet.held_micros).toBe(0);
  expect(wallet.balance_micros).toBeGreaterThanOrEqual(0);
  expect(lowestBalance).toBeGreaterThanOrEqual(0);
  expect(reported).toBe(funded - wallet.balance_micros);
  console.info(`concurrency: ${succeeded.length} streamed, ${refused.length} refused, ${reported} micros charged of ${funded}`);
}, 60_000);
