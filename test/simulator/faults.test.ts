// Injected faults surface through the real SDK as its typed errors (or as network errors / timeouts).
import {
  AccessDeniedException,
  type BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InternalServerException,
  ModelErrorException,
  ModelStreamErrorException,
  ModelTimeoutException,
  ResourceNotFoundException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BedrockSimulator, type SimFault, startBedrockSimulator } from '../fakes/bedrock-simulator/index';
import { type CollectedStream, collectStream, MODEL_ID, simulatorClient, userText } from './sdk';

let sim: BedrockSimulator;
let client: BedrockRuntimeClient;

beforeAll(async () => {
  sim = await startBedrockSimulator({ tokensPerDelta: 1 });
  client = simulatorClient(sim.url);
});
afterAll(async () => {
  client.destroy();
  await sim.stop();
});

const messages = userText('reply with 30 words');

function withHeader(command: ConverseCommand, name: string, value: string): ConverseCommand {
  command.middlewareStack.add((next) => (args) => {
    (args.request as { headers: Record<string, string> }).headers[name] = value;
    return next(args);
  }, { step: 'build' });
  return command;
}

async function waitFor(condition: () => boolean, deadlineMs = 2000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const HTTP_FAULTS: [SimFault, new (...args: never[]) => Error, number][] = [
  ['throttle', ThrottlingException, 429],
  ['validation', ValidationException, 400],
  ['unavailable', ServiceUnavailableException, 503],
  ['internal', InternalServerException, 500],
  ['timeout', ModelTimeoutException, 408],
  ['access-denied', AccessDeniedException, 403],
  ['not-found', ResourceNotFoundException, 404],
  ['model-error', ModelErrorException, 424],
];

describe('HTTP error faults', () => {
  it.each(HTTP_FAULTS)('%s by model id suffix surfaces as %O on Converse and ConverseStream', async (fault, ErrorClass, status) => {
    const modelId = `${MODEL_ID}~fault-${fault}`;
    const whole = await client.send(new ConverseCommand({ modelId, messages })).catch((error: unknown) => error);
    expect(whole).toBeInstanceOf(ErrorClass);
    expect((whole as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(status);
    const streamed = await client.send(new ConverseStreamCommand({ modelId, messages })).catch((error: unknown) => error);
    expect(streamed).toBeInstanceOf(ErrorClass);
  });

  it('takes the fault from the x-sim-fault header', async () => {
    const error = await client.send(withHeader(new ConverseCommand({ modelId: MODEL_ID, messages }), 'x-sim-fault', 'throttle')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ThrottlingException);
  });

  it('rejects an unknown fault name rather than ignoring it', async () => {
    const error = await client.send(new ConverseCommand({ modelId: `${MODEL_ID}~fault-nope`, messages })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toContain('nope');
  });

  it('faults the next N requests of one model with setNextFaults, then recovers', async () => {
    sim.setNextFaults(MODEL_ID, 'unavailable', 2);
    const other = await client.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages }));
    expect(other.stopReason).toBe('end_turn');
    for (let i = 0; i < 2; i++) {
      await expect(client.send(new ConverseCommand({ modelId: MODEL_ID, messages }))).rejects.toBeInstanceOf(ServiceUnavailableException);
    }
    const ok = await client.send(new ConverseCommand({ modelId: MODEL_ID, messages }));
    expect(ok.stopReason).toBe('end_turn');
  });
});

describe('stream faults', () => {
  it('stream-error sends a few deltas, then a modelStreamErrorException frame', async () => {
    const deltas: string[] = [];
    const response = await client.send(new ConverseStreamCommand({ modelId: `${MODEL_ID}~fault-stream-error`, messages }));
    const error = await (async () => {
      for await (const event of response.stream!) if (event.contentBlockDelta?.delta?.text) deltas.push(event.contentBlockDelta.delta.text);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelStreamErrorException);
    expect(deltas).toHaveLength(3);
  });

  it('stream-throttle ends a stream with an in-stream ThrottlingException', async () => {
    sim.setNextFaults(undefined, 'stream-throttle', 1);
    await expect(collectStream(client, { modelId: MODEL_ID, messages })).rejects.toBeInstanceOf(ThrottlingException);
  });

  it('a stall is caught by an idle timeout and counted as an abort; stop() closes stalled streams', async () => {
    const local = await startBedrockSimulator();
    const localClient = simulatorClient(local.url);
    try {
      const error = await collectStream(localClient, { modelId: `${MODEL_ID}~fault-stall`, messages }, { idleTimeoutMs: 100 }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/abort/i);
      await waitFor(() => local.stats.abortedByClient === 1);
      expect(local.stats.streamsOpen).toBe(0);

      // A stall the client never gives up on: stop() must end it and resolve.
      const pending = collectStream(localClient, { modelId: `${MODEL_ID}~fault-stall`, messages }).catch((caught: unknown) => caught);
      await waitFor(() => local.stats.streamsOpen === 1);
      await local.stop();
      expect(await pending).toBeInstanceOf(Error);
      expect(local.stats.abortedByClient).toBe(1);
    } finally {
      localClient.destroy();
      await local.stop();
    }
  });

  it('stop() in the middle of a paced stream ends it and leaves no timer behind', async () => {
    const paced = await startBedrockSimulator({ perTokenMs: 1000, tokensPerDelta: 1 });
    const pacedClient = simulatorClient(paced.url);
    try {
      const timersBefore = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
      const pending = collectStream(pacedClient, { modelId: MODEL_ID, messages }).catch((caught: unknown) => caught);
      await waitFor(() => paced.stats.streamsOpen === 1);
      await paced.stop();
      expect(await pending).toBeInstanceOf(Error);
      expect(paced.stats.streamsOpen).toBe(0);
      expect(process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length).toBeLessThanOrEqual(timersBefore);
    } finally {
      pacedClient.destroy();
      await paced.stop();
    }
  });

  it('a stall on Converse is caught by an abort signal', async () => {
    const controller = new AbortController();
    const pending = client.send(new ConverseCommand({ modelId: `${MODEL_ID}~fault-stall`, messages }), { abortSignal: controller.signal });
    const aborted = sim.stats.abortedByClient;
    await waitFor(() => sim.stats.faultsInjected > 0 && sim.lastRequest?.modelId === MODEL_ID && sim.lastRequest.operation === 'converse');
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    await waitFor(() => sim.stats.abortedByClient === aborted + 1);
  });

  it('socket-close cuts a stream after a few deltas; the SDK sees a network error', async () => {
    let collected: CollectedStream | undefined;
    const error = await collectStream(client, { modelId: `${MODEL_ID}~fault-socket-close`, messages })
      .then((result) => {
        collected = result;
      })
      .catch((caught: unknown) => caught);
    expect(collected).toBeUndefined();
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ModelStreamErrorException);
  });

  it('socket-close-early and socket-close on Converse fail before any answer', async () => {
    for (const fault of ['socket-close-early', 'socket-close']) {
      const error = await client.send(new ConverseCommand({ modelId: `${MODEL_ID}~fault-${fault}`, messages })).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBeUndefined();
    }
    const streamed = await collectStream(client, { modelId: `${MODEL_ID}~fault-socket-close-early`, messages }).catch((caught: unknown) => caught);
    expect(streamed).toBeInstanceOf(Error);
    // The simulator still serves the next request.
    expect((await client.send(new ConverseCommand({ modelId: MODEL_ID, messages }))).stopReason).toBe('end_turn');
  });
});
