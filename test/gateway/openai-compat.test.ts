// OpenAI Chat Completions compatibility through the official `openai` SDK against a real stack: how
// the end user is named (header or `user` field, one set of checks), the request fields apps send,
// the response and chunk shapes the SDK and its helpers rely on, and the streamed chunk order.
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local/stack';
import { apiError, MODEL, newUser, openAiClient, startTestStack, type TestUser } from './harness';

let stack: Stack;
let user: TestUser;

beforeAll(async () => {
  stack = await startTestStack();
  user = await newUser(stack);
});
afterAll(() => stack?.stop());

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

const twoTools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
  { type: 'function', function: { name: 'get_time', description: 'Local time in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
];
// The simulator calls every tool the last user turn names, after a short text block.
const bothToolsPrompt = 'Use get_weather and get_time for Paris.';

interface SentToSimulator {
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
}
const lastSent = () => stack.simulator!.lastRequest!.body as SentToSimulator;

describe('request fields', () => {
  it('max_completion_tokens sets the output bound, and wins over the deprecated max_tokens', async () => {
    const prompt = { model: MODEL, messages: [{ role: 'user' as const, content: 'Reply with 200 words' }] };
    const one = await user.client.chat.completions.create({ ...prompt, max_completion_tokens: 7 });
    expect(lastSent().inferenceConfig?.maxTokens).toBe(7);
    expect(one.choices[0]!.finish_reason).toBe('length');
    expect(one.usage!.completion_tokens).toBe(7);
    await user.client.chat.completions.create({ ...prompt, max_completion_tokens: 9, max_tokens: 5 });
    expect(lastSent().inferenceConfig?.maxTokens).toBe(9);
    await user.client.chat.completions.create({ ...prompt, max_tokens: 5 });
    expect(lastSent().inferenceConfig?.maxTokens).toBe(5);
  });

  it('passes temperature, top_p and stop through; accepts the neutral forms of what Bedrock lacks', async () => {
    const answer = await user.client.chat.completions.create({
      ...hello,
      temperature: 0.3,
      top_p: 0.9,
      stop: ['zzz'],
      n: 1,
      seed: 7,
      user: 'ignored-when-the-header-is-set',
      parallel_tool_calls: true,
      metadata: { purpose: 'test' },
      frequency_penalty: 0,
      presence_penalty: 0,
      logprobs: false,
    });
    expect(answer.choices).toHaveLength(1);
    expect(lastSent().inferenceConfig).toMatchObject({ temperature: 0.3, topP: 0.9, stopSequences: ['zzz'] });
  });

  it('refuses n > 1 and remote image URLs with clear messages, before anything is held', async () => {
    const n = await apiError(user.client.chat.completions.create({ ...hello, n: 2 }));
    expect(n.status).toBe(400);
    expect(n.param).toBe('n');
    expect(n.message).toMatch(/n > 1 is not supported/);
    const image = await apiError(
      user.client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }],
      }),
    );
    expect(image.status).toBe(400);
    expect(image.code).toBe('invalid_request');
    expect(image.param).toBe('messages[0].content[0].image_url.url');
    expect(image.message).toMatch(/Remote image URLs are not supported.*data URL/);
    expect((await stack.admin.wallet(user.walletId)).held_micros).toBe(0);
  });

  it('refuses the legacy functions/function_call fields instead of silently answering without them', async () => {
    const legacy = { ...hello, functions: [{ name: 'get_weather', parameters: { type: 'object', properties: {} } }] };
    const functions = await apiError(user.client.chat.completions.create(legacy));
    expect(functions.status).toBe(400);
    expect(functions.param).toBe('functions');
    expect(functions.message).toMatch(/tools/);
    const functionCall = await apiError(user.client.chat.completions.create({ ...hello, function_call: 'auto' }));
    expect(functionCall.status).toBe(400);
    expect(functionCall.param).toBe('function_call');
  });
});

describe('response shapes', () => {
  it('a non-streamed completion has the fields the SDK types promise, and its cost is what the wallet paid', async () => {
    const before = await user.balance();
    const startedS = Math.floor(Date.now() / 1000);
    const answer = await user.client.chat.completions.create({ ...hello, messages: [{ role: 'user', content: 'Reply with 15 words' }] });
    const endedS = Math.ceil(Date.now() / 1000);
    expect(answer.id).toMatch(/^chatcmpl-[A-Za-z0-9_-]+$/);
    expect(answer.object).toBe('chat.completion');
    expect(answer.created).toBeGreaterThanOrEqual(startedS);
    expect(answer.created).toBeLessThanOrEqual(endedS);
    expect(answer.model).toBe(MODEL);
    expect(answer.choices).toHaveLength(1);
    expect(answer.choices[0]).toMatchObject({ index: 0, logprobs: null, finish_reason: 'stop', message: { role: 'assistant', refusal: null } });
    expect(answer.choices[0]!.message.content).toBeTruthy();
    const usage = answer.usage!;
    expect(usage.completion_tokens).toBe(15);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(Number.isInteger(cost(usage))).toBe(true);
    expect(before - (await user.balance())).toBe(cost(usage));
  });

  it('non-streamed tool calls carry distinct ids that can be sent back', async () => {
    const answer = await user.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: bothToolsPrompt }], tools: twoTools });
    expect(answer.choices[0]!.finish_reason).toBe('tool_calls');
    const calls = answer.choices[0]!.message.tool_calls as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall[];
    expect(calls.map((call) => call.function.name)).toEqual(['get_weather', 'get_time']);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    for (const call of calls) {
      expect(call.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(call.type).toBe('function');
      expect(JSON.parse(call.function.arguments)).toHaveProperty('city');
    }
    // The history with both calls and their results is accepted back.
    const followUp = await user.client.chat.completions.create({
      model: MODEL,
      tools: twoTools,
      messages: [
        { role: 'user', content: bothToolsPrompt },
        answer.choices[0]!.message,
        ...calls.map((call) => ({ role: 'tool' as const, tool_call_id: call.id, content: '{"ok":true}' })),
      ],
    });
    expect(followUp.choices[0]!.finish_reason).toBe('stop');
  });
});

interface RawToolDelta {
  index: number;
  id?: string;
  type?: string;
  function: { name?: string; arguments: string };
}
interface RawChunk {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: Array<{ index: number; delta: { role?: string; content?: string; tool_calls?: RawToolDelta[] }; finish_reason: string | null }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number; cost_micros: number } | null;
}

/** The raw SSE frames of a streamed call, parsed; the SDK is used to send it, not to read it. */
async function rawFrames(body: OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming): Promise<{ chunks: RawChunk[]; last: string }> {
  const response = await user.client.chat.completions.create(body).asResponse();
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  const frames = (await response.text()).split('\n\n').filter((frame) => frame !== '');
  for (const frame of frames) expect(frame.startsWith('data: ')).toBe(true);
  const last = frames.pop()!;
  return { chunks: frames.map((frame) => JSON.parse(frame.slice('data: '.length))), last };
}

describe('streamed chunk order', () => {
  it('role, text, tool calls with a running index, finish_reason, the usage chunk, then [DONE]', async () => {
    const before = await user.balance();
    const { chunks, last } = await rawFrames({
      model: MODEL,
      messages: [{ role: 'user', content: bothToolsPrompt }],
      tools: twoTools,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(last).toBe('data: [DONE]');
    const [first] = chunks;
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: first!.id, object: 'chat.completion.chunk', created: first!.created, model: MODEL });
    }
    expect(first!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.slice(1).every((chunk) => chunk.choices[0]?.delta.role === undefined)).toBe(true);

    const usageChunk = chunks.pop()!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage!.total_tokens).toBe(usageChunk.usage!.prompt_tokens + usageChunk.usage!.completion_tokens);
    expect(before - (await user.balance())).toBe(usageChunk.usage!.cost_micros);
    for (const chunk of chunks) {
      expect(chunk.usage).toBeNull();
      expect(chunk.choices).toHaveLength(1);
      expect(chunk.choices[0]!.index).toBe(0);
    }

    const finish = chunks.pop()!;
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'tool_calls' });
    expect(chunks.every((chunk) => chunk.choices[0]!.finish_reason === null)).toBe(true);

    // Text first (the simulator's preamble), then each call: its opening delta, then argument fragments.
    const kinds = chunks.slice(1).map((chunk) => (chunk.choices[0]!.delta.tool_calls ? 'tool' : 'text'));
    expect(kinds.indexOf('tool')).toBeGreaterThan(0);
    expect(kinds.slice(kinds.indexOf('tool')).every((kind) => kind === 'tool')).toBe(true);
    const toolDeltas = chunks.flatMap((chunk) => chunk.choices[0]!.delta.tool_calls ?? []);
    const opened = toolDeltas.filter((delta) => delta.id !== undefined);
    // The index counts tool calls (0, 1), not Bedrock's content blocks (the text was block 0).
    expect(opened.map((delta) => delta.index)).toEqual([0, 1]);
    for (const delta of opened) {
      expect(delta).toMatchObject({ type: 'function', function: { arguments: '' } });
      expect(delta.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
    expect(opened.map((delta) => delta.function.name)).toEqual(['get_weather', 'get_time']);
    let current = -1;
    for (const delta of toolDeltas) {
      if (delta.id !== undefined) current = delta.index;
      else {
        expect(delta.index).toBe(current);
        expect(Object.keys(delta).sort()).toEqual(['function', 'index']);
      }
    }
    for (const index of [0, 1]) {
      const args = toolDeltas.filter((delta) => delta.index === index).map((delta) => delta.function.arguments).join('');
      expect(JSON.parse(args)).toHaveProperty('city');
    }
  });

  it('without include_usage: no usage chunk and no usage field, still ending with finish_reason then [DONE]', async () => {
    const { chunks, last } = await rawFrames({ ...hello, stream: true });
    expect(last).toBe('data: [DONE]');
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    for (const chunk of chunks) {
      expect(chunk.choices).toHaveLength(1);
      expect(chunk.usage ?? null).toBeNull();
    }
    expect(chunks[chunks.length - 1]!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.slice(0, -1).every((chunk) => chunk.choices[0]!.finish_reason === null)).toBe(true);
  });

  it("the SDK's stream helper assembles both tool calls and the final completion", async () => {
    const stream = user.client.chat.completions.stream({
      model: MODEL,
      messages: [{ role: 'user', content: bothToolsPrompt }],
      tools: twoTools,
      stream_options: { include_usage: true },
    });
    const done: string[] = [];
    stream.on('tool_calls.function.arguments.done', (event) => done.push(event.name));
    const final = await stream.finalChatCompletion();
    expect(done).toEqual(['get_weather', 'get_time']);
    const calls = final.choices[0]!.message.tool_calls as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall[];
    expect(calls.map((call) => JSON.parse(call.function.arguments))).toEqual([expect.objectContaining({ city: expect.any(String) }), expect.objectContaining({ city: expect.any(String) })]);
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(cost(final.usage)).toBeGreaterThan(0);
  });
});
