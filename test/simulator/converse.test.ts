// Converse through the real SDK: determinism, usage, maxTokens, stop sequences, tools, validation.
import { type BedrockRuntimeClient, ConverseCommand, type ConverseCommandInput, ValidationException } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BedrockSimulator, countSimulatorTokens, DEFAULT_MAX_TOKENS, startBedrockSimulator } from '../fakes/bedrock-simulator/index';
import { MODEL_ID, simulatorClient, userText } from './sdk';

let sim: BedrockSimulator;
let client: BedrockRuntimeClient;

beforeAll(async () => {
  sim = await startBedrockSimulator();
  client = simulatorClient(sim.url);
});
afterAll(async () => {
  client.destroy();
  await sim.stop();
});

function converse(input: Omit<ConverseCommandInput, 'modelId'> & { modelId?: string }) {
  return client.send(new ConverseCommand({ modelId: MODEL_ID, ...input }));
}

function textOf(response: Awaited<ReturnType<typeof converse>>): string {
  return (response.output?.message?.content ?? []).map((block) => block.text ?? '').join('');
}

const WEATHER_TOOL = {
  toolSpec: {
    name: 'get_weather',
    description: 'Current weather in a city',
    inputSchema: {
      json: {
        type: 'object',
        properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer', minimum: 1 } },
        required: ['city', 'unit', 'days'],
      },
    },
  },
};
const TIME_TOOL = { toolSpec: { name: 'get_time', inputSchema: { json: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } } } };

describe('plain text', () => {
  it('answers deterministically, with usage from its own tokenizer and metrics', async () => {
    const prompt = 'Tell me something about rivers, please.';
    const first = await converse({ system: [{ text: 'You are terse.' }], messages: userText(prompt) });
    const second = await converse({ system: [{ text: 'You are terse.' }], messages: userText(prompt) });
    const text = textOf(first);
    expect(first.stopReason).toBe('end_turn');
    expect(first.output?.message?.role).toBe('assistant');
    expect(text).toBe(textOf(second));
    expect(first.usage?.inputTokens).toBe(countSimulatorTokens('You are terse.') + countSimulatorTokens(prompt));
    expect(first.usage?.outputTokens).toBe(countSimulatorTokens(text));
    expect(first.usage?.outputTokens).toBeGreaterThanOrEqual(20);
    expect(first.usage?.outputTokens).toBeLessThanOrEqual(60);
    expect(first.usage?.totalTokens).toBe(first.usage!.inputTokens! + first.usage!.outputTokens!);
    expect(first.metrics?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(first.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives different prompts different answers', async () => {
    const answers = new Set<string>();
    for (const prompt of ['alpha', 'beta', 'gamma', 'delta', 'epsilon']) answers.add(textOf(await converse({ messages: userText(prompt) })));
    expect(answers.size).toBe(5);
  });

  it('replies with exactly N tokens when asked for N words', async () => {
    const response = await converse({ messages: userText('Please reply with 250 words about anything.') });
    expect(response.usage?.outputTokens).toBe(250);
    expect(countSimulatorTokens(textOf(response))).toBe(250);
    expect(response.stopReason).toBe('end_turn');
  });

  it('caps an unbounded length request at the default maxTokens', async () => {
    const response = await converse({ messages: userText('reply with 9000 words') });
    expect(response.stopReason).toBe('max_tokens');
    expect(response.usage?.outputTokens).toBe(DEFAULT_MAX_TOKENS);
  });

  it('counts images by area (PNG header) and tool results by their text', async () => {
    const png = Buffer.alloc(33);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png, 0);
    png.writeUInt32BE(300, 16);
    png.writeUInt32BE(250, 20);
    const response = await converse({ messages: [{ role: 'user', content: [{ text: 'Describe' }, { image: { format: 'png', source: { bytes: png } } }] }] });
    expect(response.usage?.inputTokens).toBe(countSimulatorTokens('Describe') + Math.ceil((300 * 250) / 750));
  });
});

describe('prompt caching', () => {
  it('writes the prefix before a cachePoint once, then reads it; short prefixes are not cached', async () => {
    const longSystem = `You are a meticulous assistant. ${'Remember every rule. '.repeat(400)}`;
    const prefixTokens = countSimulatorTokens(longSystem);
    expect(prefixTokens).toBeGreaterThan(1024);
    const request = (question: string) => ({ system: [{ text: longSystem }, { cachePoint: { type: 'default' as const } }], messages: userText(question) });
    const first = await converse(request('first question'));
    expect(first.usage).toMatchObject({ inputTokens: countSimulatorTokens('first question'), cacheWriteInputTokens: prefixTokens, cacheReadInputTokens: 0 });
    const second = await converse(request('second question'));
    expect(second.usage).toMatchObject({ inputTokens: countSimulatorTokens('second question'), cacheWriteInputTokens: 0, cacheReadInputTokens: prefixTokens });
    expect(second.usage?.totalTokens).toBe(prefixTokens + countSimulatorTokens('second question') + second.usage!.outputTokens!);

    const short = await converse({ system: [{ text: 'Short.' }, { cachePoint: { type: 'default' } }], messages: userText('q') });
    expect(short.usage).toMatchObject({ cacheWriteInputTokens: 0, cacheReadInputTokens: 0, inputTokens: countSimulatorTokens('Short.') + 1 });
    const none = await converse({ messages: userText('q') });
    expect(none.usage?.cacheReadInputTokens).toBeUndefined();
  });
});

describe('maxTokens and stop sequences', () => {
  it('stops at maxTokens with stopReason max_tokens and outputTokens == maxTokens', async () => {
    const full = await converse({ messages: userText('reply with 100 words') });
    const cut = await converse({ messages: userText('reply with 100 words'), inferenceConfig: { maxTokens: 17 } });
    expect(cut.stopReason).toBe('max_tokens');
    expect(cut.usage?.outputTokens).toBe(17);
    expect(countSimulatorTokens(textOf(cut))).toBe(17);
    expect(textOf(full).startsWith(textOf(cut))).toBe(true);
  });

  it('truncates before the earliest stop sequence', async () => {
    const full = textOf(await converse({ messages: userText('reply with 80 words on stops') }));
    const words = full.split(' ');
    const stop = ` ${words[10]} ${words[11]}`;
    const response = await converse({ messages: userText('reply with 80 words on stops'), inferenceConfig: { stopSequences: ['never-there', stop] } });
    expect(response.stopReason).toBe('stop_sequence');
    expect(textOf(response)).toBe(full.slice(0, full.indexOf(stop)));
    expect(response.usage?.outputTokens).toBeLessThan(80);
  });

  it('reports max_tokens when the budget ends before the stop sequence', async () => {
    const full = textOf(await converse({ messages: userText('reply with 80 words on stops') }));
    const stop = full.slice(full.length - 12);
    const response = await converse({ messages: userText('reply with 80 words on stops'), inferenceConfig: { maxTokens: 5, stopSequences: [stop] } });
    expect(response.stopReason).toBe('max_tokens');
    expect(response.usage?.outputTokens).toBe(5);
  });
});

describe('tool use', () => {
  it('calls a tool the prompt names, with input filled from the schema', async () => {
    const response = await converse({ messages: userText('What is the weather in Paris? Use get_weather.'), toolConfig: { tools: [WEATHER_TOOL, TIME_TOOL] } });
    expect(response.stopReason).toBe('tool_use');
    const content = response.output!.message!.content!;
    expect(content[0]?.text).toContain('get_weather');
    const call = content[1]?.toolUse;
    expect(call?.name).toBe('get_weather');
    expect(call?.toolUseId).toMatch(/^tooluse_[A-Za-z0-9]{22}$/);
    const input = call?.input as Record<string, unknown>;
    expect(typeof input.city).toBe('string');
    expect(input.unit).toBe('celsius');
    expect(input.days).toBe(1);
  });

  it('calls the forced tool without preamble and answers a tool result with a text that quotes it', async () => {
    const forced = await converse({ messages: userText('hello'), toolConfig: { tools: [WEATHER_TOOL, TIME_TOOL], toolChoice: { tool: { name: 'get_time' } } } });
    expect(forced.stopReason).toBe('tool_use');
    const content = forced.output!.message!.content!;
    expect(content).toHaveLength(1);
    const call = content[0]!.toolUse!;
    expect(call.name).toBe('get_time');

    const answer = await converse({
      messages: [
        { role: 'user', content: [{ text: 'hello' }] },
        { role: 'assistant', content: [{ toolUse: call }] },
        { role: 'user', content: [{ toolResult: { toolUseId: call.toolUseId, content: [{ json: { time: '12:34' } }] } }] },
      ],
      toolConfig: { tools: [WEATHER_TOOL, TIME_TOOL] },
    });
    expect(answer.stopReason).toBe('end_turn');
    expect(textOf(answer)).toContain('{"time":"12:34"}');
  });

  it('answers in text when tools are offered but none is asked for', async () => {
    const response = await converse({ messages: userText('just chat with me'), toolConfig: { tools: [WEATHER_TOOL] } });
    expect(response.stopReason).toBe('end_turn');
    expect(response.output!.message!.content!.every((block) => block.text !== undefined)).toBe(true);
  });

  it('drops a tool call that does not fit in maxTokens', async () => {
    const response = await converse({ messages: userText('use get_weather'), toolConfig: { tools: [WEATHER_TOOL], toolChoice: { any: {} } }, inferenceConfig: { maxTokens: 3 } });
    expect(response.stopReason).toBe('max_tokens');
    expect(response.usage?.outputTokens).toBe(3);
    expect(response.output!.message!.content!.some((block) => block.toolUse)).toBe(false);
  });
});

describe('validation like Bedrock', () => {
  const cases: [string, Omit<ConverseCommandInput, 'modelId'>, RegExp][] = [
    ['no messages', { messages: [] }, /must start with a user message/],
    ['assistant first', { messages: [{ role: 'assistant', content: [{ text: 'hi' }] }] }, /must start with a user message/],
    [
      'non-alternating roles',
      { messages: [{ role: 'user', content: [{ text: 'a' }] }, { role: 'user', content: [{ text: 'b' }] }] },
      /must alternate/,
    ],
    ['empty content', { messages: [{ role: 'user', content: [] }] }, /content field in the Message object at messages\.0 is empty/],
    ['blank text', { messages: userText('  ') }, /is blank/],
    ['maxTokens 0', { messages: userText('hi'), inferenceConfig: { maxTokens: 0 } }, /maxTokens/],
    ['temperature 2', { messages: userText('hi'), inferenceConfig: { temperature: 2 } }, /temperature/],
    [
      'tool use without toolConfig',
      {
        messages: [
          { role: 'user', content: [{ text: 'a' }] },
          { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'x', input: {} } }] },
          { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'r' }] } }] },
        ],
      },
      /toolConfig field must be defined/,
    ],
    [
      'missing tool result',
      {
        messages: [
          { role: 'user', content: [{ text: 'a' }] },
          { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'get_time', input: {} } }] },
          { role: 'user', content: [{ text: 'no result' }] },
        ],
        toolConfig: { tools: [TIME_TOOL] },
      },
      /Expected toolResult blocks at messages\.2\.content for the following Ids: t1/,
    ],
  ];
  it.each(cases)('rejects %s with a ValidationException', async (_name, input, message) => {
    const before = sim.stats.validationErrors;
    const error = await converse(input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as ValidationException).$metadata.httpStatusCode).toBe(400);
    expect((error as Error).message).toMatch(message);
    expect(sim.stats.validationErrors).toBe(before + 1);
  });
});

describe('model ids and latency', () => {
  it('accepts any model id, URL-decoded, and records the last request', async () => {
    const modelId = 'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-sonnet-4-20250514-v1:0';
    await converse({ modelId, messages: userText('hi') });
    expect(sim.lastRequest?.modelId).toBe(modelId);
    expect(sim.lastRequest?.operation).toBe('converse');
  });

  it('delays the answer by ttft + tokens * per-token latency from the x-sim-latency header', async () => {
    const command = new ConverseCommand({ modelId: MODEL_ID, messages: userText('reply with 10 words') });
    command.middlewareStack.add((next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-sim-latency'] = '30,2';
      return next(args);
    }, { step: 'build' });
    const started = performance.now();
    const response = await client.send(command);
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
    expect(response.metrics?.latencyMs).toBeGreaterThanOrEqual(49);
  });
});
