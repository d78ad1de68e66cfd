// The two ways a completion is sent in the bench: straight to the Bedrock simulator with the Bedrock
// SDK (the floor), and through fleeex with the official OpenAI SDK. Same prompt, same output length.
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import OpenAI from 'openai';
import type { Call } from './load';
import { promptText } from './text';

export const BENCH_MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
/** Output length asked of the simulator ("reply with N words"): a short chat answer. */
export const BENCH_REPLY_WORDS = 50;
export const BENCH_MAX_TOKENS = 256;
/** A 1 KB prompt: realistic enough to make the tokenizer estimate do real work. */
export const BENCH_PROMPT = `Please reply with ${BENCH_REPLY_WORDS} words about this text.\n${promptText(1024 - 60)}`;
/** Sockets a client may open: above the highest concurrency the bench uses. */
const SOCKETS_MAX = 2_048;

export function bedrockCalls(simulatorUrl: string): { nonStream: Call; stream: Call; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS_MAX });
  const client = new BedrockRuntimeClient({
    endpoint: simulatorUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: new NodeHttpHandler({ httpAgent: agent }),
    maxAttempts: 1,
  });
  const input = {
    modelId: BENCH_MODEL,
    messages: [{ role: 'user' as const, content: [{ text: BENCH_PROMPT }] }],
    inferenceConfig: { maxTokens: BENCH_MAX_TOKENS },
  };
  return {
    async nonStream() {
      const response = await client.send(new ConverseCommand(input));
      if (!response.usage?.outputTokens) throw new Error('floor: no output');
      return { ttft_ms: null };
    },
    async stream() {
      const start = performance.now();
      const response = await client.send(new ConverseStreamCommand(input));
      let ttft: number | null = null;
      let sawUsage = false;
      for await (const event of response.stream ?? []) {
        if (ttft === null && event.contentBlockDelta?.delta?.text) ttft = performance.now() - start;
        if (event.metadata?.usage) sawUsage = true;
      }
      if (ttft === null || !sawUsage) throw new Error('floor: stream without text or usage');
      return { ttft_ms: ttft };
    },
    close() {
      client.destroy();
      agent.destroy();
    },
  };
}

export interface FleeexCredentials {
  gatewayUrl: string;
  apiKey: string;
  appUserId: string;
}

export function openaiCalls(credentials: FleeexCredentials): { nonStream: Call; stream: Call } {
  const client = new OpenAI({
    baseURL: `${credentials.gatewayUrl}/v1`,
    apiKey: credentials.apiKey,
    maxRetries: 0,
    defaultHeaders: { 'X-Fleeex-User': credentials.appUserId },
  });
  const body = {
    model: BENCH_MODEL,
    messages: [{ role: 'user' as const, content: BENCH_PROMPT }],
    max_tokens: BENCH_MAX_TOKENS,
  };
  return {
    async nonStream() {
      const completion = await client.chat.completions.create(body);
      if (!completion.usage?.completion_tokens) throw new Error('fleeex: no output');
      return { ttft_ms: null };
    },
    async stream() {
      const start = performance.now();
      const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
      let ttft: number | null = null;
      let sawUsage = false;
      for await (const chunk of stream) {
        if (ttft === null && chunk.choices[0]?.delta?.content) ttft = performance.now() - start;
        if (chunk.usage) sawUsage = true;
      }
      if (ttft === null || !sawUsage) throw new Error('fleeex: stream without text or usage');
      return { ttft_ms: ttft };
    },
  };
}
