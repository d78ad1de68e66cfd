// ConverseStream through the real SDK: same answer as Converse, tool-use streaming, cut-offs, pacing.
import { type BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, type ConverseStreamCommandInput, type ToolConfiguration } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BedrockSimulator, countSimulatorTokens, startBedrockSimulator } from '../fakes/bedrock-simulator/index';
import { collectStream, MODEL_ID, simulatorClient, userText } from './sdk';

let sim: BedrockSimulator;
let client: BedrockRuntimeClient;

beforeAll(async () => {
  sim = await startBedrockSimulator({ tokensPerDelta: 2 });
  client = simulatorClient(sim.url);
});
afterAll(async () => {
  client.destroy();
  await sim.stop();
});

const TOOLS: ToolConfiguration = {
  tools: [
    { toolSpec: { name: 'lookup_order', inputSchema: { json: { type: 'object', properties: { order_id: { type: 'string' }, items: { type: 'array', items: { type: 'integer' }, minItems: 2 } }, required: ['order_id', 'items'] } } } },
    { toolSpec: { name: 'refund', inputSchema: { json: { type: 'object', properties: { amount: { type: 'number', minimum: 5 } }, required: ['amount'] } } } },
  ],
};

async function both(input: Omit<ConverseStreamCommandInput, 'modelId'>) {
  const [whole, streamed] = await Promise.all([
    client.send(new ConverseCommand({ modelId: MODEL_ID, ...input })),
    collectStream(client, { modelId: MODEL_ID, ...input }),
  ]);
  return { whole, streamed };
}

describe('ConverseStream', () => {
  it('streams the same text, stop reason and usage as Converse, in Bedrock event order', async () => {
    const { whole, streamed } = await both({ system: [{ text: 'Be kind.' }], messages: userText('Tell me a story, reply with 40 words') });
    expect(streamed.content).toEqual(whole.output?.message?.content);
    expect(streamed.stopReason).toBe('end_turn');
    expect(streamed.usage).toEqual(whole.usage);
    expect(streamed.usage?.outputTokens).toBe(40);
    expect(streamed.deltas).toBe(20);
    expect(streamed.latencyMs).toBeGreaterThanOrEqual(0);
    expect(streamed.eventTypes[0]).toBe('messageStart');
    expect(streamed.eventTypes.slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
    expect(sim.stats.streamsOpen).toBe(0);
  });

  it('streams tool calls as contentBlockStart, partial JSON deltas and contentBlockStop', async () => {
    const { whole, streamed } = await both({ messages: userText('Please lookup_order 42 and then refund it'), toolConfig: TOOLS });
    expect(streamed.stopReason).toBe('tool_use');
    expect(streamed.content).toEqual(whole.output?.message?.content);
    const calls = streamed.content.filter((block) => block.toolUse).map((block) => block.toolUse!);
    expect(calls.map((call) => call.name)).toEqual(['lookup_order', 'refund']);
    expect((calls[0]!.input as { items: unknown[] }).items).toHaveLength(2);
    expect(calls[1]!.input).toEqual({ amount: 5 });
    expect(new Set(calls.map((call) => call.toolUseId)).size).toBe(2);
    expect(streamed.eventTypes.filter((type) => type === 'contentBlockStart')).toHaveLength(2);
    expect(streamed.usage).toEqual(whole.usage);
  });

  it('stops a stream at maxTokens and at a stop sequence like Converse does', async () => {
    const cut = await both({ messages: userText('reply with 300 words'), inferenceConfig: { maxTokens: 33 } });
    expect(cut.streamed.stopReason).toBe('max_tokens');
    expect(cut.streamed.usage?.outputTokens).toBe(33);
    expect(countSimulatorTokens(cut.streamed.content[0]!.text!)).toBe(33);
    expect(cut.streamed.content).toEqual(cut.whole.output?.message?.content);

    const stop = cut.whole.output!.message!.content![0]!.text!.split(' ')[4]!;
    const stopped = await both({ messages: userText('reply with 300 words'), inferenceConfig: { stopSequences: [stop] } });
    expect(stopped.streamed.stopReason).toBe('stop_sequence');
    expect(stopped.streamed.content[0]!.text).not.toContain(stop);
    expect(stopped.streamed.content).toEqual(stopped.whole.output?.message?.content);
  });

  it('streams a long answer (3,000 tokens) completely', async () => {
    const streamed = await collectStream(client, { modelId: MODEL_ID, messages: userText('reply with 3000 words'), inferenceConfig: { maxTokens: 20_000 } });
    expect(streamed.usage?.outputTokens).toBe(3000);
    expect(countSimulatorTokens(streamed.content[0]!.text!)).toBe(3000);
  });

  it('takes tokens per delta from the x-sim-tokens-per-delta header', async () => {
    const command = new ConverseStreamCommand({ modelId: MODEL_ID, messages: userText('reply with 30 words') });
    command.middlewareStack.add((next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-sim-tokens-per-delta'] = '10';
      return next(args);
    }, { step: 'build' });
    const response = await client.send(command);
    let deltas = 0;
    for await (const event of response.stream!) if (event.contentBlockDelta) deltas++;
    expect(deltas).toBe(3);
  });

  it('paces a stream: first token after ttft, then per-token delays', async () => {
    const paced = await startBedrockSimulator({ ttftMs: 40, perTokenMs: 2, tokensPerDelta: 1 });
    const pacedClient = simulatorClient(paced.url);
    try {
      const started = performance.now();
      const streamed = await collectStream(pacedClient, { modelId: MODEL_ID, messages: userText('reply with 20 words') });
      // 40 ms before the first token, then 19 gaps of 2 ms.
      expect(performance.now() - started).toBeGreaterThanOrEqual(40 + 19 * 2 - 1);
      expect(streamed.latencyMs).toBeGreaterThanOrEqual(40 + 19 * 2 - 1);
      expect(streamed.deltas).toBe(20);
    } finally {
      pacedClient.destroy();
      await paced.stop();
    }
  });
});
