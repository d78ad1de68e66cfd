// Faults the simulator injects on demand, chosen per request by (first match wins): the `x-sim-fault`
// header, a `~fault-<name>` suffix on the model id, or a queue filled by `setNextFaults`.
import type { StreamExceptionType } from './frames';

export const SIM_FAULTS = [
  'throttle',
  'validation',
  'unavailable',
  'internal',
  'timeout',
  'access-denied',
  'not-found',
  'model-error',
  'stream-error',
  'stream-throttle',
  'stall',
  'socket-close',
  'socket-close-early',
] as const;
export type SimFault = (typeof SIM_FAULTS)[number];

const FAULT_NAMES: ReadonlySet<string> = new Set(SIM_FAULTS);
export function isSimFault(name: string): name is SimFault {
  return FAULT_NAMES.has(name);
}

export const FAULT_MODEL_SUFFIX = '~fault-';

/** Faults answered with an HTTP error before any byte of a response (both operations). */
export const HTTP_ERROR_FAULTS: Partial<Record<SimFault, { status: number; errorType: string; message: string }>> = {
  throttle: { status: 429, errorType: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' },
  validation: { status: 400, errorType: 'ValidationException', message: 'Simulated validation failure (x-sim-fault: validation).' },
  unavailable: { status: 503, errorType: 'ServiceUnavailableException', message: 'Bedrock is unable to process your request.' },
  internal: { status: 500, errorType: 'InternalServerException', message: 'The server encountered an internal error.' },
  timeout: { status: 408, errorType: 'ModelTimeoutException', message: 'Model has timed out in processing the request.' },
  'access-denied': { status: 403, errorType: 'AccessDeniedException', message: "You don't have access to the model with the specified model ID." },
  'not-found': { status: 404, errorType: 'ResourceNotFoundException', message: 'The provided model identifier is invalid.' },
  'model-error': { status: 424, errorType: 'ModelErrorException', message: 'The model returned an error.' },
};

/** Faults that end a stream with an in-stream exception frame after a few deltas. */
export const STREAM_EXCEPTION_FAULTS: Partial<Record<SimFault, { type: StreamExceptionType; message: string }>> = {
  'stream-error': { type: 'modelStreamErrorException', message: 'The model stream ended with an error (simulated).' },
  'stream-throttle': { type: 'throttlingException', message: 'Too many tokens, please wait before trying again.' },
};

interface QueuedFault {
  model: string | undefined;
  fault: SimFault;
  remaining: number;
}

/** Programmatic faults: the next `count` requests (for `model`, or any model) get `fault`. */
export class FaultQueue {
  private readonly queued: QueuedFault[] = [];

  add(model: string | undefined, fault: SimFault, count: number): void {
    if (!Number.isInteger(count) || count < 1) throw new Error(`fault count must be a positive integer, got ${count}`);
    this.queued.push({ model, fault, remaining: count });
  }

  clear(): void {
    this.queued.length = 0;
  }

  take(model: string): SimFault | undefined {
    if (this.queued.length === 0) return undefined;
    const index = this.queued.findIndex((entry) => entry.model === undefined || entry.model === model);
    if (index === -1) return undefined;
    const entry = this.queued[index]!;
    entry.remaining--;
    if (entry.remaining === 0) this.queued.splice(index, 1);
    return entry.fault;
  }
}
