// What the gateway needs from a model provider: Bedrock's Converse and ConverseStream, typed with the
// SDK's own shapes so translation stays pure. Adapters throw FleeexError (rate_limit_exceeded,
// invalid_request, upstream_error, upstream_unavailable, upstream_timeout), never SDK exceptions.
import type {
  ConverseRequest,
  ConverseResponse,
  ConverseStreamOutput,
  ConverseStreamRequest,
} from '@aws-sdk/client-bedrock-runtime';

export interface UpstreamPort {
  converse(request: ConverseRequest, signal: AbortSignal): Promise<ConverseResponse>;
  /** Resolves once the provider accepted the call; the iterable then yields events as they arrive. */
  converseStream(request: ConverseStreamRequest, signal: AbortSignal): Promise<AsyncIterable<ConverseStreamOutput>>;
}
