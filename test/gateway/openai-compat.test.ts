// OpenAI Chat Completions compatibility through the official `openai` SDK against a real stack: how
// the end user is named (header or `user` field, one set of checks), the request fields apps send,
// the response and chunk shapes the SDK and its helpers rely on, and the streamed chunk order.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local/stack';
import { MODEL, newUser, openAiClient, startTestStack, type TestUser } from './harness';

let stack: Stack;
let user: TestUser;

beforeAll(async () => {
  stack = await startTestStack();
  user = await newUser(stack);
});
afterAll(() => stack?.stop());

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(
    () => new Error('expected an API error'),
    (e: unknown) => e,
  );
  if (error instanceof OpenAI.APIError) return error;
  throw error;
}

const hello = { model: MODEL, messages: [{ role: 'user' as const, content: 'hello' }] };
const cost = (usage: unknown) => (usage as { cost_micros: number }).cost_micros;

describe('naming the end user', () => {
  it('the header wins over the user field; either alone names the same wallet', async () => {
    const before = await user.balance();
    // The user field names someone without a grant: the header's user pays.
    const byHeader = await user.client.chat.completions.create({ ...hello, user: 'someone-else' });
    const byField = await openAiClient(stack, user.app.api_key).chat.completions.create({ ...hello, user: user.appUserId });
    expect(before - (await user.balance())).toBe(cost(byHeader.usage) + cost(byField.usage));
  });

  it('refuses the same malformed ids on both paths, with the same message', async () => {
    const bare = openAiClient(stack, user.app.api_key);
    for (const bad of ['', 'x'.repeat(257), ` ${user.appUserId}`, `${user.appUserId} `]) {
      const viaField = await apiError(bare.chat.completions.create({ ...hello, user: bad }));
      expect(viaField.status, JSON.stringify(bad)).toBe(400);
      expect(viaField.param).toBe('user');
      // HTTP strips a header value's surrounding whitespace, so only the others can be sent as a header.
      if (bad.trim() !== bad) continue;
      const viaHeader = await apiError(bare.chat.completions.create(hello, { headers: { 'x-fleeex-user': bad } }));
      expect(viaHeader.status, JSON.stringify(bad)).toBe(400);
      expect(viaHeader.param).toBe('X-Fleeex-User');
      expect(viaHeader.message.replace('X-Fleeex-User', 'user')).toBe(viaField.message);
    }
    // Control characters cannot travel in a header; in the field they are refused rather than
    // naming a user no header could ever name.
    for (const bad of [`${user.appUserId}\n`, 'a\u0000b', 'tab\there']) {
      const error = await apiError(bare.chat.completions.create({ ...hello, user: bad }));
      expect(error.status, JSON.stringify(bad)).toBe(400);
      expect(error.param).toBe('user');
    }
    const wallet = await stack.admin.wallet(user.walletId);
    expect(wallet.held_micros).toBe(0);
  });

  it('a non-ASCII id names the same user as a header (UTF-8 or Latin-1 bytes) and as a field', async () => {
    const app = await stack.admin.createApp('unicode app');
    const wallet = await stack.admin.createWallet();
    await stack.admin.adjust(wallet.wallet_id, 1_000_000, `seed-${wallet.wallet_id}`);
    const id = 'josé-ñ-1';
    await stack.admin.grant(wallet.wallet_id, app.app_id, id);
    const bare = openAiClient(stack, app.api_key);
    // The SDK (fetch) sends each character below U+0100 as one Latin-1 byte.
    await bare.chat.completions.create(hello, { headers: { 'x-fleeex-user': id } });
    // Other clients send UTF-8: here the UTF-8 bytes, spelled as Latin-1 characters so fetch sends them as is.
    const utf8AsLatin1 = String.fromCharCode(...new TextEncoder().encode(id));
    await bare.chat.completions.create(hello, { headers: { 'x-fleeex-user': utf8AsLatin1 } });
    await bare.chat.completions.create({ ...hello, user: id });
    const after = await stack.admin.wallet(wallet.wallet_id);
    expect(after.balance_micros).toBeLessThan(1_000_000);
    expect(after.held_micros).toBe(0);
  });
});
