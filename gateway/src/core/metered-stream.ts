// Step 5, streamed: a pull-driven ReadableStream. Each pull awaits the next Bedrock event and enqueues
// its frame, so nothing is read from the provider faster than the client reads from us (the Node
// adapter waits for 'drain'; workerd does the same natively) and no event waits on another.
//
// Settlement is decoupled from the response: `finish()` runs exactly once, from whichever comes first
// (end of stream, provider error, client cancel, idle or duration timeout), and its promise is handed
// to `background` so it completes even when the client is long gone.
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { FleeexError } from '../../../shared/errors';
import { toErrorEvent } from '../errors';
import type { GatewayServices } from '../services';
import { SSE_DONE, StreamTranslator } from '../upstream/translate-stream';
import { type PreparedCall, type Settlement, captureUsage, estimatedUsage, releaseHold } from './metered-call';

type Ending = 'complete' | 'upstream_error' | 'client_cancelled';

function endedEarly(): FleeexError {
  return new FleeexError('upstream_error', 'The model provider ended the stream before the answer was complete.');
}

const encoder = new TextEncoder();

/**
 * Opens the provider stream and reads its first event before answering, so a call the provider
 * refuses outright still gets a proper HTTP error (and a release) instead of a 200 with an error event.
 */
export async function startStream(
  services: GatewayServices,
  call: PreparedCall,
  includeUsage: boolean,
  keepAlive: (work: Promise<unknown>) => void,
  onSettled: () => void = () => {},
): Promise<ReadableStream<Uint8Array>> {
  const abort = new AbortController();
  const translator = new StreamTranslator(call.identity, includeUsage);
  let settlement: Promise<Settlement> | undefined;
  let cancelled = false;
  let closed = false;

  const finish = (ending: Ending): Promise<Settlement> => {
    if (settlement) return settlement;
    clearTimeout(durationTimer);
    settlement = (async () => {
      if (translator.usage) return captureUsage(services, call.hold, translator.usage, 'provider');
      // Client cancels are charged for what was produced: Bedrock bills the input either way.
      if (ending === 'upstream_error' && !translator.producedOutput) {
        await releaseHold(services, call.hold, 'upstream_error');
        return { usage: { input_tokens: 0, output_tokens: 0 }, chargedMicros: null };
      }
      return captureUsage(services, call.hold, estimatedUsage(services, call.hold, translator.relayed), 'estimate');
    })();
    settlement.finally(onSettled).catch(() => {});
    services.background(settlement);
    keepAlive(settlement);
    return settlement;
  };

  // The duration cap holds even when the client stopped reading (no pull pending to notice the abort).
  const durationTimer = setTimeout(() => {
    abort.abort();
    void finish('upstream_error');
  }, services.limits.streamDurationMs);

  let iterator: AsyncIterator<ConverseStreamOutput>;
  const nextEvent = async (): Promise<IteratorResult<ConverseStreamOutput>> => {
    const idleTimer = setTimeout(() => abort.abort(), services.limits.upstreamIdleMs);
    try {
      return await iterator.next();
    } catch (error) {
      throw abort.signal.aborted && !cancelled
        ? new FleeexError('upstream_timeout', 'The model stopped sending; the stream was closed.')
        : error;
    } finally {
      clearTimeout(idleTimer);
    }
  };

  let firstFrame = '';
  try {
    const idleTimer = setTimeout(() => abort.abort(), services.limits.upstreamIdleMs);
    try {
      iterator = (await services.upstream.converseStream(call.converse, abort.signal))[Symbol.asyncIterator]();
    } catch (error) {
      throw abort.signal.aborted ? new FleeexError('upstream_timeout', 'The model did not start answering in time.') : error;
    } finally {
      clearTimeout(idleTimer);
    }
    const first = await nextEvent();
    if (first.done) throw endedEarly();
    firstFrame = translator.event(first.value);
  } catch (error) {
    await finish('upstream_error');
    throw error;
  }

  // [DONE] waits for the capture even without include_usage: once a client has seen the end of the
  // stream, the wallet already shows the charge. Content was never held back for it.
  const tail = async (): Promise<string> => {
    const { usage, chargedMicros } = await finish('complete');
    return translator.usageChunk(usage, chargedMicros) + SSE_DONE;
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (firstFrame) controller.enqueue(encoder.encode(firstFrame));
      },
      async pull(controller) {
        if (closed || cancelled) return;
        let frame = '';
        try {
          if (settlement) throw new FleeexError('upstream_timeout', 'The stream reached its time limit.');
          while (frame === '') {
            const next = await nextEvent();
            if (cancelled) return;
            if (next.done) {
              // No messageStop: the answer was cut off (no finish_reason to give), not complete.
              if (translator.stopReason === undefined) throw endedEarly();
              frame = await tail();
              closed = true;
              break;
            }
            frame = translator.event(next.value);
          }
        } catch (error) {
          if (cancelled) return;
          abort.abort();
          // Settled before the client sees the end, as for [DONE].
          await finish('upstream_error');
          frame = toErrorEvent(error);
          closed = true;
          if (!(error instanceof FleeexError)) services.log.error('stream failed', { error: String(error) });
        }
        if (cancelled) return;
        controller.enqueue(encoder.encode(frame));
        if (closed) controller.close();
      },
      cancel() {
        cancelled = true;
        abort.abort();
        void finish('client_cancelled');
      },
    },
    { highWaterMark: 0 },
  );
}
