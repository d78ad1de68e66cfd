// The happy paths through the official OpenAI SDK against a real stack: what the SDK sees, and that
// the cost reported equals the wallet's change to the micro-EUR.
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local/stack';
import { MODEL, newUser, startTestStack, type TestUser } from './harness';

let stack: Stack;
let user: TestUser;

beforeAll(async () => {
  stack = await startTestStack();
  user = await newUser(stack);
});
afterAll(() => stack?.stop());

const weatherTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

// A 1x1 transparent PNG.
const PNG_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

async function collect(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('chat completions through the OpenAI SDK', () => {
  it('answers non-streamed and charges exactly the reported cost', async () => {
    const before = await user.balance();
    const { data, response } = await user.client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Reply with 12 words' }] })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]!.message.role).toBe('assistant');
    expect(data.choices[0]!.message.content!.split(' ').length).toBeGreaterThan(5);
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    const cost = (data.usage as unknown as { cost_micros: number }).cost_micros;
    expect(cost).toBeGreaterThan(0);
    expect(response.headers.get('x-fleeex-cost-micros')).toBe(String(cost));
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(before - (await user.balance())).toBe(cost);
    expect(await user.available()).toBe(await user.balance());
  });

  it('streams with include_usage: role first, content deltas, finish, usage with cost, then done', async () => {
    const before = await user.balance();
    const chunks = await collect(
      await user.client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'Reply with 30 words' }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text.length).toBeGreaterThan(40);
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish!.choices[0]!.finish_reason).toBe('stop');
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.completion_tokens).toBeGreaterThan(0);
    const cost = (last.usage as unknown as { cost_micros: number }).cost_micros;
    expect(cost).toBeGreaterThan(0);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.usage).toBeNull();
    expect(before - (await user.balance())).toBe(cost);
  });

  it('streams without include_usage and still charges the wallet', async () => {
    const before = await user.balance();
    const chunks = await collect(
      await user.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true }),
    );
    expect(chunks.every((c) => c.usage === undefined || c.usage === null)).toBe(true);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    const after = await user.balance();
    expect(after).toBeLessThan(before);
    expect(await user.available()).toBe(after);
  });

  it('streams tool calls, then streams the answer to the tool result in a multi-turn conversation', async () => {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Please use get_weather for Paris.' },
    ];
    const chunks = await collect(
      await user.client.chat.completions.create({ model: MODEL, messages, tools: [weatherTool], stream: true }),
    );
    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    for (const chunk of chunks) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        const entry = calls.get(call.index) ?? { id: '', name: '', arguments: '' };
        if (call.id) entry.id = call.id;
        if (call.function?.name) entry.name = call.function.name;
        entry.arguments += call.function?.arguments ?? '';
        calls.set(call.index, entry);
      }
    }
    expect(chunks.find((c) => c.choices[0]?.finish_reason)!.choices[0]!.finish_reason).toBe('tool_calls');
    const call = calls.get(0)!;
    expect(call.name).toBe('get_weather');
    expect(JSON.parse(call.arguments)).toHaveProperty('city');

    messages.push({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }],
    });
    messages.push({ role: 'tool', tool_call_id: call.id, content: '{"temperature_c": 21}' });
    const before = await user.balance();
    const answer = await collect(
      await user.client.chat.completions.create({
        model: MODEL,
        messages,
        tools: [weatherTool],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(answer.find((c) => c.choices[0]?.finish_reason)!.choices[0]!.finish_reason).toBe('stop');
    expect(answer.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBeTruthy();
    expect(answer.some((c) => c.choices[0]?.delta.tool_calls)).toBe(false);
    // The tool result reached the model as a toolResult block of a user turn.
    const sent = stack.simulator!.lastRequest!.body as { messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent.messages[1]!.content.some((block) => 'toolUse' in block)).toBe(true);
    expect(sent.messages[2]!.content[0]).toHaveProperty('toolResult');
    const usage = answer[answer.length - 1]!.usage as unknown as { cost_micros: number };
    expect(before - (await user.balance())).toBe(usage.cost_micros);
  });

  it('returns non-streamed tool calls with JSON arguments', async () => {
    const answer = await user.client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'What is the weather?' }],
      tools: [weatherTool],
      tool_choice: 'required',
    });
    expect(answer.choices[0]!.finish_reason).toBe('tool_calls');
    const call = answer.choices[0]!.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    expect(JSON.parse((call as { function: { arguments: string } }).function.arguments)).toHaveProperty('city');
  });

  it('sends an image part to the model as an image block', async () => {
    const answer = await user.client.chat.completions.create({
      model: MODEL,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this image?' },
            { type: 'image_url', image_url: { url: PNG_DATA_URL } },
          ],
        },
      ],
    });
    expect(answer.choices[0]!.message.content).toBeTruthy();
    const sent = stack.simulator!.lastRequest!.body as { messages: Array<{ content: Array<{ image?: { format: string } }> }> };
    expect(sent.messages[0]!.content[1]!.image!.format).toBe('png');
  });

  it('maps response_format json_schema to a forced tool and returns its input as content', async () => {
    const answer = await user.client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Give me a person.' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'person', schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
      },
    });
    expect(answer.choices[0]!.finish_reason).toBe('stop');
    expect(JSON.parse(answer.choices[0]!.message.content!)).toHaveProperty('name');
  });

  it('lists models with EUR prices and gets one by id', async () => {
    const list = await user.client.models.list();
    const ids = list.data.map((m) => m.id);
    expect(ids).toContain(MODEL);
    const one = (await user.client.models.retrieve(MODEL)) as unknown as { id: string; pricing: { currency: string; output_micros_per_mtok: number } };
    expect(one.id).toBe(MODEL);
    expect(one.pricing.currency).toBe('EUR');
    expect(one.pricing.output_micros_per_mtok).toBeGreaterThan(0);
  });

  it('serves the OpenAPI document and the reference page', async () => {
    const spec = (await (await fetch(`${stack.gatewayUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/chat/completions', '/v1/models', '/v1/models/{model}']));
    const page = await fetch(`${stack.gatewayUrl}/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/openapi.json');
  });
});
