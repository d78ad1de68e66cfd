// The UpstreamPort on the real AWS SDK. One client per process; the HTTP handler is chosen by the
// entry point (Node: NodeHttpHandler for plain-HTTP endpoints such as the simulator; workerd: fetch).
import {
  type BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import type { UpstreamPort } from './upstream-port';
import { mapBedrockError } from './bedrock-errors';

export function bedrockUpstream(client: BedrockRuntimeClient): UpstreamPort {
  return {
    async converse(request, signal) {
      try {
        return await client.send(new ConverseCommand(request), { abortSignal: signal });
      } catch (error) {
        throw mapBedrockError(error);
      }
    },
    async converseStream(request, signal) {
      let stream: AsyncIterable<ConverseStreamOutput> | undefined;
      try {
        stream = (await client.send(new ConverseStreamCommand(request), { abortSignal: signal })).stream;
      } catch (error) {
        throw mapBedrockError(error);
      }
      if (!stream) throw mapBedrockError(new Error('ConverseStream returned no stream'));
      return mapErrors(stream);
    },
  };
}

async function* mapErrors(stream: AsyncIterable<ConverseStreamOutput>): AsyncIterable<ConverseStreamOutput> {
  try {
    yield* stream;
  } catch (error) {
    throw mapBedrockError(error);
  }
}
