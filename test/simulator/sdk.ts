// The real Bedrock Runtime SDK pointed at a simulator, and a helper that reassembles a ConverseStream.
import {
  BedrockRuntimeClient,
  type ContentBlock,
  ConverseStreamCommand,
  type ConverseStreamCommandInput,
  type ConverseStreamOutput,
  type StopReason,
  type TokenUsage,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export const MODEL_ID = 'anthropic.claude-3-5-haiku-20241022-v1:0';

export function simulatorClient(url: string): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
}

export function userText(text: string): ConverseStreamCommandInput['messages'] {
  return [{ role: 'user', content: [{ text }] }];
}

export interface CollectedStream {
  /** Content blocks rebuilt from the deltas, in the shape Converse returns them. */
  content: ContentBlock[];
  stopReason: StopReason | undefined;
  usage: TokenUsage | undefined;
  latencyMs: number | undefined;
  deltas: number;
  eventTypes: string[];
}

/**
 * Sends a ConverseStream and rebuilds its content. With `idleTimeoutMs`, the call is aborted when no event
 * arrives for that long (the SDK's requestTimeout only covers the wait for response headers, not a body
 * that stalls; a gateway needs its own idle watchdog, as here).
 */
export async function collectStream(client: BedrockRuntimeClient, input: ConverseStreamCommandInput, options: { idleTimeoutMs?: number } = {}): Promise<CollectedStream> {
  const controller = new AbortController();
  let idle: NodeJS.Timeout | undefined;
  const rearm = () => {
    if (options.idleTimeoutMs === undefined) return;
    clearTimeout(idle);
    idle = setTimeout(() => controller.abort(), options.idleTimeoutMs);
  };
  try {
    rearm();
    const response = await client.send(new ConverseStreamCommand(input), { abortSignal: controller.signal });
    return await collectEvents(response.stream!, rearm);
  } finally {
    clearTimeout(idle);
  }
}

async function collectEvents(stream: AsyncIterable<ConverseStreamOutput>, onEvent: () => void): Promise<CollectedStream> {
  const collected: CollectedStream = { content: [], stopReason: undefined, usage: undefined, latencyMs: undefined, deltas: 0, eventTypes: [] };
  const toolInputs = new Map<number, string>();
  for await (const event of stream) {
    onEvent();
    collected.eventTypes.push(Object.keys(event)[0]!);
    if (event.contentBlockStart?.start?.toolUse) {
      const { toolUseId, name } = event.contentBlockStart.start.toolUse;
      collected.content[event.contentBlockStart.contentBlockIndex!] = { toolUse: { toolUseId, name, input: undefined } };
      toolInputs.set(event.contentBlockStart.contentBlockIndex!, '');
    }
    if (event.contentBlockDelta) {
      collected.deltas++;
      const index = event.contentBlockDelta.contentBlockIndex!;
      const delta = event.contentBlockDelta.delta!;
      if (delta.text !== undefined) {
        const block = collected.content[index] ?? { text: '' };
        collected.content[index] = { text: (block.text ?? '') + delta.text };
      }
      if (delta.toolUse) toolInputs.set(index, (toolInputs.get(index) ?? '') + delta.toolUse.input);
    }
    if (event.contentBlockStop) {
      const index = event.contentBlockStop.contentBlockIndex!;
      const input = toolInputs.get(index);
      const block = collected.content[index];
      if (input !== undefined && block?.toolUse) block.toolUse.input = JSON.parse(input);
    }
    if (event.messageStop) collected.stopReason = event.messageStop.stopReason;
    if (event.metadata) {
      collected.usage = event.metadata.usage;
      collected.latencyMs = event.metadata.metrics?.latencyMs;
    }
  }
  return collected;
}
