// stream_options without a stream: refused as OpenAI refuses it (400 invalid_request_error, param
// stream_options), before anything is held or sent to the model; with a stream it is honoured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local/stack';
import { apiError, MODEL, newUser, startTestStack, type TestUser } from './harness';

let stack: Stack;
let user: TestUser;

beforeAll(async () => {
  stack = await startTestStack();
  user = await newUser(stack);
});
afterAll(() => stack?.stop());

const hello = { model: MODEL, messages: [{ role: 'user' as const, content: 'hello' }] };

describe('stream_options', () => {
  it('is refused with stream false or absent, and nothing is held or sent upstream', async () => {
    const upstreamBefore = stack.simulator!.stats.requests;
    const balanceBefore = await user.balance();
    for (const body of [
      { ...hello, stream: false as const, stream_options: { include_usage: true } },
      { ...hello, stream_options: { include_usage: false } },
    ]) {
      const error = await apiError(user.client.chat.completions.create(body));
      expect(error.status).toBe(400);
      expect(error.type).toBe('invalid_request_error');
      expect(error.param).toBe('stream_options');
      expect(error.message).toMatch(/stream_options/);
    }
    expect(stack.simulator!.stats.requests).toBe(upstreamBefore);
    expect(await user.available()).toBe(balanceBefore);
  });

  it('is accepted as null without a stream, and honoured with one', async () => {
    const plain = await user.client.chat.completions.create({ ...hello, stream_options: null });
    expect(plain.choices[0]?.message.content).toBeTruthy();
    const stream = await user.client.chat.completions.create({ ...hello, stream: true, stream_options: { include_usage: true } });
    let usageChunks = 0;
    for await (const chunk of stream) if (chunk.usage) usageChunks++;
    expect(usageChunks).toBe(1);
  });
});
