// Hostile and malformed bodies get a 4xx in the OpenAI error shape, never a 5xx, and never reach the
// ledger or the model (nothing is held).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local/stack';
import { REQUEST_BODY_BYTES_MAX } from '../../shared/limits';
import { MODEL, newUser, startTestStack, type TestUser } from './harness';

let stack: Stack;
let user: TestUser;
let simulatorRequestsBefore: number;

beforeAll(async () => {
  stack = await startTestStack();
  user = await newUser(stack);
  simulatorRequestsBefore = stack.simulator!.stats.requests;
});
afterAll(() => stack?.stop());

function post(body: BodyInit, headers: Record<string, string> = {}) {
  return fetch(`${stack.gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${user.app.api_key}`,
      'x-fleeex-user': user.appUserId,
      'content-type': 'application/json',
      ...headers,
    },
    body,
  });
}

async function expectError(response: Response, status: number, param?: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('x-request-id')).toBeTruthy();
  const body = (await response.json()) as { error: { message: string; type: string; param: string | null; code: string } };
  expect(body.error.type).toBe('invalid_request_error');
  expect(body.error.message.length).toBeGreaterThan(0);
  if (param !== undefined) expect(body.error.param).toBe(param);
  return body.error;
}

const valid = { model: MODEL, messages: [{ role: 'user', content: 'hi' }] };
const json = (value: unknown) => JSON.stringify(value);

describe('malformed input', () => {
  it('bad JSON, empty body, not JSON', async () => {
    await expectError(await post('{"model": "x", "messages": ['), 400);
    await expectError(await post(''), 400);
    await expectError(await post('model=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
  });

  it('invalid UTF-8', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('{"model":"'), 0xff, 0xfe, ...new TextEncoder().encode('","messages":[]}')]);
    const error = await expectError(await post(bytes), 400);
    expect(error.message).toContain('UTF-8');
  });

  it('wrong types name the field', async () => {
    await expectError(await post(json({ ...valid, messages: 'hi' })), 400, 'messages');
    await expectError(await post(json({ ...valid, model: 42 })), 400, 'model');
    await expectError(await post(json({ ...valid, temperature: 'hot' })), 400, 'temperature');
    await expectError(await post(json({ ...valid, messages: [{ role: 'wizard', content: 'x' }] })), 400, 'messages[0].role');
    await expectError(await post(json([1, 2, 3])), 400);
    await expectError(await post('null'), 400);
  });

  it('absurd max_tokens', async () => {
    for (const max_tokens of [1e12, -1, 0, 1.5, '100']) {
      await expectError(await post(json({ ...valid, max_tokens })), 400, 'max_tokens');
    }
    await expectError(await post(json({ ...valid, max_completion_tokens: Number.MAX_SAFE_INTEGER })), 400, 'max_completion_tokens');
  });

  it('a declared huge body is refused before it is read; a chunked one is cut off', async () => {
    const huge = json({ ...valid, messages: [{ role: 'user', content: 'x'.repeat(REQUEST_BODY_BYTES_MAX) }] });
    const error = await expectError(await post(huge), 413);
    expect(error.code).toBe('payload_too_large');

    const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(`${stack.gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.app.api_key}`, 'x-fleeex-user': user.appUserId, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('bounds lists and refuses what Bedrock cannot do', async () => {
    await expectError(await post(json({ ...valid, messages: Array.from({ length: 600 }, () => ({ role: 'user', content: 'x' })) })), 400, 'messages');
    await expectError(await post(json({ ...valid, stop: ['a', 'b', 'c', 'd', 'e'] })), 400, 'stop');
    await expectError(await post(json({ ...valid, n: 2 })), 400, 'n');
    await expectError(await post(json({ ...valid, logprobs: true })), 400, 'logprobs');
    await expectError(await post(json({ ...valid, messages: [] })), 400, 'messages');
    await expectError(await post(json({ ...valid, messages: [{ role: 'system', content: 'only system' }] })), 400, 'messages');
    await expectError(await post(json({ ...valid, messages: [{ role: 'assistant', content: 'I start' }] })), 400, 'messages');
    await expectError(await post(json({ ...valid, tool_choice: 'required' })), 400, 'tool_choice');
  });

  it('remote image URLs and broken data URLs', async () => {
    const image = (url: string) => json({ ...valid, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] });
    const remote = await expectError(await post(image('https://example.com/cat.png')), 400, 'messages[0].content[0].image_url.url');
    expect(remote.message).toContain('data URL');
    await expectError(await post(image('data:image/png;base64,@@@not-base64@@@')), 400);
    await expectError(await post(image('data:image/tiff;base64,AAAA')), 400);
  });

  it('tool call arguments that are not JSON, and hostile nesting', async () => {
    const toolCall = (args: string) =>
      json({
        ...valid,
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: args } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
        ],
      });
    await expectError(await post(toolCall('{not json')), 400, 'messages[1].tool_calls[0].function.arguments');
    await expectError(await post(toolCall(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)), 400);
    const deep = `${'{"a":'.repeat(100_000)}{}${'}'.repeat(100_000)}`;
    const body = `{"model":"${MODEL}","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deep}}}]}`;
    await expectError(await post(body), 400, 'tools[0].function.parameters');
  });

  it('none of it reached the model or held money', async () => {
    expect(stack.simulator!.stats.requests).toBe(simulatorRequestsBefore);
    const wallet = await stack.admin.wallet(user.walletId);
    expect(wallet.held_micros).toBe(0);
    expect(wallet.balance_micros).toBe(5_000_000);
  });
});
