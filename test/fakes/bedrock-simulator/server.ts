// The simulator's HTTP server: Bedrock Runtime's Converse (JSON) and ConverseStream (event-stream) on plain
// node:http, fast enough for benchmarks (no framework, one JSON.parse and one JSON.stringify per call).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAULT_MODEL_SUFFIX, FaultQueue, HTTP_ERROR_FAULTS, isSimFault, STREAM_EXCEPTION_FAULTS, type SimFault } from './faults';
import { encodeEvent, encodeException, type StreamEventType } from './frames';
import { answerConverse, type ModelAnswer, SimValidationError } from './model';
import { splitSimulatorTokens } from './tokenizer';

export interface BedrockSimulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Time to first token in ms (delays a Converse answer and a stream's first byte). Default 0. */
  ttftMs?: number;
  /** Delay per output token in ms (between stream deltas; added to a Converse answer). Default 0. */
  perTokenMs?: number;
  /** Output tokens per contentBlockDelta event. Default 3. */
  tokensPerDelta?: number;
}

export interface SimulatorStats {
  /** Every HTTP request received, faulted or not. */
  requests: number;
  converse: number;
  converseStream: number;
  /** ConverseStream responses whose headers are sent and whose connection is still open. */
  streamsOpen: number;
  /** Responses the client went away from before they were complete (aborts, timeouts). */
  abortedByClient: number;
  faultsInjected: number;
  /** Requests answered 400 ValidationException because the request itself was malformed. */
  validationErrors: number;
}

export interface SimulatedRequest {
  /** Decoded model id, without any `~fault-` suffix. */
  modelId: string;
  operation: 'converse' | 'converse-stream';
  body: unknown;
  headers: IncomingHttpHeaders;
}

export interface BedrockSimulator {
  url: string;
  port: number;
  /** Live counters (read them; they change as requests arrive). */
  readonly stats: Readonly<SimulatorStats>;
  /** The last request that reached the model (after body parsing), for asserting what a client sent. */
  readonly lastRequest: SimulatedRequest | undefined;
  /** The next `count` requests for `model` (undefined: any model) get `fault`. */
  setNextFaults(model: string | undefined, fault: SimFault, count?: number): void;
  clearFaults(): void;
  /** Closes every connection (open streams and stalls included) and clears every timer. */
  stop(): Promise<void>;
}

const BODY_BYTES_MAX = 32 * 1024 * 1024;
const TOKENS_PER_DELTA_MAX = 1000;
const LATENCY_MS_MAX = 60_000;
/** Stream faults strike after this many content deltas (or at the end of a shorter answer). */
const FAULT_AFTER_DELTAS = 3;
const MODEL_PATH_PREFIX = '/model/';
const CACHE_PREFIX_TOKENS_MIN = 1024;
const CACHE_TTL_MS = 5 * 60 * 1000;
const CACHE_ENTRIES_MAX = 10_000;

interface Latency {
  ttftMs: number;
  perTokenMs: number;
}

interface StreamStep {
  type: StreamEventType;
  payload: object;
  tokens: number;
}

/** One in-flight response that may hold a timer or stay open (delays, streams, stalls). */
interface Exchange {
  res: ServerResponse;
  timer: NodeJS.Timeout | undefined;
  closedByUs: boolean;
}

function checkNonNegativeInteger(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new Error(`${name} must be an integer in [0, ${max}], got ${value}`);
  return value;
}

function sendError(res: ServerResponse, status: number, errorType: string, message: string): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-errortype': errorType,
    'x-amzn-requestid': randomUUID(),
  });
  res.end(body);
}

// A bug in the simulator is said loudly in the answer rather than left to hang the client.
function guarded(res: ServerResponse, run: () => void): void {
  try {
    run();
  } catch (error) {
    if (!res.headersSent) sendError(res, 500, 'InternalServerException', `simulator bug: ${(error as Error).message}`);
    else res.destroy();
  }
}

function parseLatencyHeader(value: string, defaults: Latency): Latency | undefined {
  const [ttft, perToken] = value.split(',');
  const ttftMs = Number(ttft);
  const perTokenMs = perToken === undefined ? defaults.perTokenMs : Number(perToken);
  const valid = (n: number) => Number.isInteger(n) && n >= 0 && n <= LATENCY_MS_MAX;
  return valid(ttftMs) && valid(perTokenMs) ? { ttftMs, perTokenMs } : undefined;
}

function* streamSteps(answer: ModelAnswer, usage: Usage, tokensPerDelta: number, latencyMs: () => number): Generator<StreamStep> {
  yield { type: 'messageStart', payload: { role: 'assistant' }, tokens: 0 };
  for (let index = 0; index < answer.blocks.length; index++) {
    const block = answer.blocks[index]!;
    let pieces: string[];
    if (block.kind === 'text') {
      pieces = block.pieces;
    } else {
      yield { type: 'contentBlockStart', payload: { contentBlockIndex: index, start: { toolUse: { toolUseId: block.toolUseId, name: block.name } } }, tokens: 0 };
      pieces = splitSimulatorTokens(block.inputJson);
    }
    for (let at = 0; at < pieces.length; at += tokensPerDelta) {
      const chunk = pieces.slice(at, at + tokensPerDelta);
      const text = chunk.join('');
      const delta = block.kind === 'text' ? { text } : { toolUse: { input: text } };
      yield { type: 'contentBlockDelta', payload: { contentBlockIndex: index, delta }, tokens: chunk.length };
    }
    yield { type: 'contentBlockStop', payload: { contentBlockIndex: index }, tokens: 0 };
  }
  yield { type: 'messageStop', payload: { stopReason: answer.stopReason }, tokens: 0 };
  yield { type: 'metadata', payload: { usage, metrics: { latencyMs: latencyMs() } }, tokens: 0 };
}

interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/**
 * Claude's prompt cache, as Bedrock reports it: the prefix up to a cachePoint is written on first sight and
 * read for CACHE_TTL_MS after each use; prefixes shorter than CACHE_PREFIX_TOKENS_MIN are not cached.
 */
class PromptCache {
  private readonly expiresAtMs = new Map<number, number>();

  usageOf(answer: ModelAnswer, nowMs: number): Usage {
    const totalTokens = answer.inputTokens + answer.outputTokens;
    const prefix = answer.cachePrefix;
    if (!prefix) return { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens, totalTokens };
    if (prefix.tokens < CACHE_PREFIX_TOKENS_MIN) {
      return { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens, totalTokens, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 };
    }
    const expiresAtMs = this.expiresAtMs.get(prefix.key);
    const hit = expiresAtMs !== undefined && expiresAtMs > nowMs;
    this.expiresAtMs.delete(prefix.key);
    if (this.expiresAtMs.size >= CACHE_ENTRIES_MAX) this.expiresAtMs.delete(this.expiresAtMs.keys().next().value!);
    this.expiresAtMs.set(prefix.key, nowMs + CACHE_TTL_MS);
    return {
      inputTokens: answer.inputTokens - prefix.tokens,
      outputTokens: answer.outputTokens,
      totalTokens,
      cacheReadInputTokens: hit ? prefix.tokens : 0,
      cacheWriteInputTokens: hit ? 0 : prefix.tokens,
    };
  }
}

function converseBody(answer: ModelAnswer, usage: Usage, latencyMs: number): string {
  const content = answer.blocks.map((block) =>
    block.kind === 'text' ? { text: block.text } : { toolUse: { toolUseId: block.toolUseId, name: block.name, input: block.input } },
  );
  return JSON.stringify({
    output: { message: { role: 'assistant', content } },
    stopReason: answer.stopReason,
    usage,
    metrics: { latencyMs },
  });
}

export async function startBedrockSimulator(options: BedrockSimulatorOptions = {}): Promise<BedrockSimulator> {
  const defaults: Latency = {
    ttftMs: checkNonNegativeInteger('ttftMs', options.ttftMs ?? 0, LATENCY_MS_MAX),
    perTokenMs: checkNonNegativeInteger('perTokenMs', options.perTokenMs ?? 0, LATENCY_MS_MAX),
  };
  const defaultTokensPerDelta = checkNonNegativeInteger('tokensPerDelta', options.tokensPerDelta ?? 3, TOKENS_PER_DELTA_MAX) || 1;
  const stats: SimulatorStats = { requests: 0, converse: 0, converseStream: 0, streamsOpen: 0, abortedByClient: 0, faultsInjected: 0, validationErrors: 0 };
  const faults = new FaultQueue();
  const promptCache = new PromptCache();
  const exchanges = new Set<Exchange>();
  let lastRequest: SimulatedRequest | undefined;
  let stopping = false;
  let stopped: Promise<void> | undefined;

  function validationError(res: ServerResponse, message: string): void {
    stats.validationErrors++;
    sendError(res, 400, 'ValidationException', message);
  }

  function track(res: ServerResponse, isStream: boolean): Exchange {
    const exchange: Exchange = { res, timer: undefined, closedByUs: false };
    exchanges.add(exchange);
    res.on('close', () => {
      if (exchange.timer) clearTimeout(exchange.timer);
      exchange.timer = undefined;
      exchanges.delete(exchange);
      if (isStream && res.headersSent) stats.streamsOpen--;
      if (!res.writableFinished && !exchange.closedByUs && !stopping) stats.abortedByClient++;
    });
    return exchange;
  }

  function destroySocket(exchange: Exchange): void {
    exchange.closedByUs = true;
    exchange.res.socket?.destroy();
  }

  function answerNonStream(res: ServerResponse, answer: ModelAnswer, usage: Usage, fault: SimFault | undefined, latency: Latency, startedMs: number): void {
    const delayMs = latency.ttftMs + latency.perTokenMs * answer.outputTokens;
    if (fault === undefined && delayMs === 0) {
      respondJson(res, answer, usage, startedMs);
      return;
    }
    const exchange = track(res, false);
    if (fault === 'stall') return;
    if (fault === 'socket-close') {
      destroySocket(exchange);
      return;
    }
    exchange.timer = setTimeout(() => {
      exchange.timer = undefined;
      respondJson(res, answer, usage, startedMs);
    }, delayMs);
  }

  function respondJson(res: ServerResponse, answer: ModelAnswer, usage: Usage, startedMs: number): void {
    const body = converseBody(answer, usage, Math.round(performance.now() - startedMs));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': randomUUID() });
    res.end(body);
  }

  function answerStream(res: ServerResponse, answer: ModelAnswer, usage: Usage, fault: SimFault | undefined, latency: Latency, tokensPerDelta: number, startedMs: number): void {
    const exchange = track(res, true);
    const steps = streamSteps(answer, usage, tokensPerDelta, () => Math.round(performance.now() - startedMs));
    let pending: StreamStep | undefined;
    let deltasSent = 0;

    const start = () => {
      exchange.timer = undefined;
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': randomUUID() });
      stats.streamsOpen++;
      pump();
    };

    // Writes steps until a delay, a full socket buffer, a fault or the end; corked so that steps written
    // together leave in one packet.
    const pump = () => {
      exchange.timer = undefined;
      if (res.destroyed) return;
      res.cork();
      try {
        for (;;) {
          let step = pending;
          pending = undefined;
          if (!step) {
            const next = steps.next();
            if (next.done) {
              res.end();
              return;
            }
            step = next.value;
            const isDelta = step.type === 'contentBlockDelta';
            if (fault !== undefined && ((isDelta && deltasSent >= FAULT_AFTER_DELTAS) || step.type === 'messageStop')) {
              injectStreamFault(exchange, fault);
              return;
            }
            if (isDelta && deltasSent > 0 && latency.perTokenMs > 0) {
              pending = step;
              exchange.timer = setTimeout(pump, latency.perTokenMs * step.tokens);
              return;
            }
          }
          if (step.type === 'contentBlockDelta') deltasSent++;
          if (!res.write(encodeEvent(step.type, step.payload))) {
            res.once('drain', pump);
            return;
          }
        }
      } finally {
        res.uncork();
      }
    };

    if (latency.ttftMs > 0) exchange.timer = setTimeout(start, latency.ttftMs);
    else start();
  }

  function injectStreamFault(exchange: Exchange, fault: SimFault): void {
    const exception = STREAM_EXCEPTION_FAULTS[fault];
    if (exception) {
      exchange.res.end(encodeException(exception.type, exception.message));
      return;
    }
    // A stall keeps the response open, with no timer, until the client gives up or stop() closes it.
    if (fault === 'socket-close') destroySocket(exchange);
  }

  function onBody(req: IncomingMessage, res: ServerResponse, raw: Buffer, modelId: string, isStream: boolean, fault: SimFault | undefined, startedMs: number): void {
    let latency = defaults;
    const latencyHeader = req.headers['x-sim-latency'];
    if (typeof latencyHeader === 'string') {
      const parsed = parseLatencyHeader(latencyHeader, defaults);
      if (!parsed) {
        validationError(res, `x-sim-latency must be "ttft_ms,per_token_ms" with integers in [0, ${LATENCY_MS_MAX}].`);
        return;
      }
      latency = parsed;
    }
    let tokensPerDelta = defaultTokensPerDelta;
    const deltaHeader = req.headers['x-sim-tokens-per-delta'];
    if (typeof deltaHeader === 'string') {
      tokensPerDelta = Number(deltaHeader);
      if (!Number.isInteger(tokensPerDelta) || tokensPerDelta < 1 || tokensPerDelta > TOKENS_PER_DELTA_MAX) {
        validationError(res, `x-sim-tokens-per-delta must be an integer in [1, ${TOKENS_PER_DELTA_MAX}].`);
        return;
      }
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      validationError(res, 'Malformed input request, please reformat your input and try again.');
      return;
    }
    lastRequest = { modelId, operation: isStream ? 'converse-stream' : 'converse', body, headers: req.headers };

    // Stream-only faults on Converse become their non-stream counterparts.
    const effectiveFault = !isStream && fault === 'stream-error' ? 'model-error' : !isStream && fault === 'stream-throttle' ? 'throttle' : fault;
    const httpError = effectiveFault === undefined ? undefined : HTTP_ERROR_FAULTS[effectiveFault];
    if (httpError) {
      sendError(res, httpError.status, httpError.errorType, httpError.message);
      return;
    }

    let answer: ModelAnswer;
    try {
      answer = answerConverse(body);
    } catch (error) {
      if (error instanceof SimValidationError) {
        validationError(res, error.message);
        return;
      }
      throw error;
    }
    const usage = promptCache.usageOf(answer, Date.now());
    if (isStream) answerStream(res, answer, usage, effectiveFault, latency, tokensPerDelta, startedMs);
    else answerNonStream(res, answer, usage, effectiveFault, latency, startedMs);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const startedMs = performance.now();
    stats.requests++;
    const url = req.url ?? '';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const slashAt = path.lastIndexOf('/');
    const operation = path.slice(slashAt + 1);
    if (req.method !== 'POST' || !path.startsWith(MODEL_PATH_PREFIX) || slashAt <= MODEL_PATH_PREFIX.length || (operation !== 'converse' && operation !== 'converse-stream')) {
      sendError(res, 404, 'UnknownOperationException', `Unknown operation ${req.method} ${path}`);
      return;
    }
    const isStream = operation === 'converse-stream';
    if (isStream) stats.converseStream++;
    else stats.converse++;

    let modelId: string;
    try {
      modelId = decodeURIComponent(path.slice(MODEL_PATH_PREFIX.length, slashAt));
    } catch {
      validationError(res, 'The provided model identifier is not valid URL encoding.');
      return;
    }
    let fault: SimFault | undefined;
    const suffixAt = modelId.indexOf(FAULT_MODEL_SUFFIX);
    if (suffixAt !== -1) {
      const name = modelId.slice(suffixAt + FAULT_MODEL_SUFFIX.length);
      if (!isSimFault(name)) {
        validationError(res, `Unknown simulator fault '${name}' in the model id.`);
        return;
      }
      fault = name;
      modelId = modelId.slice(0, suffixAt);
    }
    const faultHeader = req.headers['x-sim-fault'];
    if (typeof faultHeader === 'string') {
      if (!isSimFault(faultHeader)) {
        validationError(res, `Unknown simulator fault '${faultHeader}' in x-sim-fault.`);
        return;
      }
      fault = faultHeader;
    }
    fault ??= faults.take(modelId);
    if (fault !== undefined) stats.faultsInjected++;
    if (fault === 'socket-close-early') {
      req.socket.destroy();
      return;
    }

    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= BODY_BYTES_MAX) chunks.push(chunk);
    });
    req.on('end', () => {
      if (bytes > BODY_BYTES_MAX) {
        validationError(res, `Input is too long: the request body exceeds ${BODY_BYTES_MAX} bytes.`);
        return;
      }
      guarded(res, () => onBody(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), modelId, isStream, fault, startedMs));
    });
  }

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => guarded(res, () => handle(req, res)));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    stats,
    get lastRequest() {
      return lastRequest;
    },
    setNextFaults(model, fault, count = 1) {
      faults.add(model, fault, count);
    },
    clearFaults() {
      faults.clear();
    },
    stop() {
      if (stopped) return stopped;
      stopping = true;
      for (const exchange of exchanges) {
        if (exchange.timer) clearTimeout(exchange.timer);
        exchange.timer = undefined;
      }
      stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return stopped;
    },
  };
}
