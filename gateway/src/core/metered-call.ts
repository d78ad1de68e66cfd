// The metered call: hold -> Bedrock -> capture (or release). Exactly one settlement per hold, whatever
// happens to the client: the provider's usage when it arrived, otherwise an estimate of what was
// produced; a release when the provider failed before producing anything.
import type { ConverseRequest } from '@aws-sdk/client-bedrock-runtime';
import { fastRandomId } from '../ids';
import type { CaptureResponse, HoldResponse, ReleaseRequest } from '../../../shared/contracts/ledger-internal';
import type { FleeexError } from '../../../shared/errors';
import { LEDGER_REQUEST_TIMEOUT_MS, OUTPUT_TOKENS_REQUEST_MAX } from '../../../shared/limits';
import type { TokenUsage } from '../../../shared/pricing';
import type { ChatCompletionRequest, ChatCompletionResponse } from '../openai/chat-schemas';
import type { GatewayServices } from '../services';
import { translateRequest } from '../upstream/translate-request';
import { type CompletionIdentity, tokenUsageOf, translateResponse } from '../upstream/translate-response';

export interface PreparedCall {
  hold: HoldResponse;
  converse: ConverseRequest;
  identity: CompletionIdentity;
}

export interface Settlement {
  usage: TokenUsage;
  /** What left the wallet (the ledger's charged_micros), or null when the call was released or the ledger could not be reached. */
  chargedMicros: number | null;
}

/** Steps 1-3: translate (400 on what Bedrock cannot express), estimate, hold, clamp maxTokens. */
export async function prepareCall(
  services: GatewayServices,
  apiKeyHash: string,
  appUserId: string,
  request: ChatCompletionRequest,
  keepAlive: (work: Promise<unknown>) => void = () => {},
): Promise<PreparedCall> {
  const translated = translateRequest(request);
  const inputTokensEstimate = services.estimator.estimate(translated.estimateTexts) + translated.fixedTokensEstimate;
  // The hold id is the idempotency key of every ledger call about this request: made before the first.
  const holdId = fastRandomId('hold');
  let hold: HoldResponse;
  try {
    hold = await services.ledger.hold({
      hold_id: holdId,
      api_key_hash: apiKeyHash,
      app_user_id: appUserId,
      model: request.model,
      input_tokens_estimate: inputTokensEstimate,
      // Unset: ask for the most the ledger allows; it clamps to the model's maximum and the wallet.
      output_tokens_max: translated.outputTokensRequested ?? OUTPUT_TOKENS_REQUEST_MAX,
    });
  } catch (error) {
    // No definite answer (timeouts, outage): the hold may exist without us knowing. Release it
    // rather than leave money reserved until the hold expires.
    const code = (error as FleeexError).code;
    if (code === 'ledger_unavailable' || code === 'internal_error') {
      const release = releaseOrphan(services, holdId);
      services.background(release);
      keepAlive(release);
    }
    throw error;
  }
  return {
    hold,
    converse: {
      modelId: hold.model,
      messages: translated.messages,
      system: translated.system,
      inferenceConfig: { ...translated.inferenceConfig, maxTokens: hold.output_tokens_max },
      toolConfig: translated.toolConfig,
    },
    identity: {
      id: `chatcmpl-${holdId.slice('hold_'.length)}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      structuredOutputTool: translated.structuredOutputTool,
    },
  };
}

/** Captures usage; never throws (a failed capture is logged and the hold expires on the ledger's clock). */
export async function captureUsage(
  services: GatewayServices,
  hold: HoldResponse,
  usage: TokenUsage,
  source: 'provider' | 'estimate',
): Promise<Settlement> {
  let capture: CaptureResponse;
  try {
    capture = await services.ledger.capture(hold.hold_id, { ...usage, usage_source: source });
  } catch (error) {
    services.log.error('capture failed', { hold_id: hold.hold_id, code: (error as FleeexError).code, error: String(error) });
    return { usage, chargedMicros: null };
  }
  return { usage, chargedMicros: capture.charged_micros };
}

export async function releaseHold(services: GatewayServices, hold: HoldResponse, reason: ReleaseRequest['reason']): Promise<void> {
  try {
    await services.ledger.release(hold.hold_id, { reason });
  } catch (error) {
    services.log.error('release failed', { hold_id: hold.hold_id, code: (error as FleeexError).code, error: String(error) });
  }
}

/** Delay before a second release of a possibly orphaned hold: by then a late hold write has landed. */
export const ORPHAN_RELEASE_RETRY_MS = LEDGER_REQUEST_TIMEOUT_MS;

async function releaseOrphan(services: GatewayServices, holdId: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, ORPHAN_RELEASE_RETRY_MS));
    try {
      await services.ledger.release(holdId, { reason: 'gateway_error' });
      return;
    } catch (error) {
      const code = (error as FleeexError).code;
      if (code !== 'hold_not_found') return;
    }
  }
}

/** Usage when the provider's never arrived: our input estimate and the relayed output, counted. */
export function estimatedUsage(services: GatewayServices, hold: HoldResponse, relayed: readonly string[]): TokenUsage {
  return { input_tokens: hold.input_tokens_estimate, output_tokens: services.estimator.estimate(relayed) };
}

/** Steps 4 and 6, non-streamed. */
export async function runCompletion(
  services: GatewayServices,
  call: PreparedCall,
): Promise<{ body: ChatCompletionResponse; chargedMicros: number | null }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), services.limits.nonStreamTimeoutMs);
  let response: Awaited<ReturnType<GatewayServices['upstream']['converse']>>;
  try {
    response = await services.upstream.converse(call.converse, abort.signal);
  } catch (error) {
    await releaseHold(services, call.hold, 'upstream_error');
    throw error;
  } finally {
    clearTimeout(timer);
  }
  let settlement: Settlement;
  if (response.usage) {
    settlement = await captureUsage(services, call.hold, tokenUsageOf(response.usage), 'provider');
  } else {
    const relayed: string[] = [];
    for (const block of response.output?.message?.content ?? []) {
      if (block.text) relayed.push(block.text);
      else if (block.toolUse) relayed.push(block.toolUse.name ?? '', JSON.stringify(block.toolUse.input ?? {}));
    }
    settlement = await captureUsage(services, call.hold, estimatedUsage(services, call.hold, relayed), 'estimate');
  }
  return {
    body: translateResponse(response, call.identity, settlement.usage, settlement.chargedMicros),
    chargedMicros: settlement.chargedMicros,
  };
}
