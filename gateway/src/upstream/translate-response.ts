// Bedrock Converse response -> OpenAI chat.completion. Pure.
import type { ConverseResponse, StopReason, TokenUsage as BedrockUsage } from '@aws-sdk/client-bedrock-runtime';
import type { TokenUsage } from '../../../shared/pricing';
import type { ChatCompletionResponse, FinishReason } from '../openai/chat-schemas';

export function finishReasonOf(stopReason: StopReason | string | undefined, structuredOutput: boolean): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return structuredOutput ? 'stop' : 'tool_calls';
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** Bedrock's usage as the ledger's TokenUsage (cache fields default to 0). */
export function tokenUsageOf(usage: BedrockUsage): TokenUsage {
  return {
    input_tokens: usage.inputTokens ?? 0,
    output_tokens: usage.outputTokens ?? 0,
    cache_read_input_tokens: usage.cacheReadInputTokens ?? 0,
    cache_write_input_tokens: usage.cacheWriteInputTokens ?? 0,
  };
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  cost_micros: number | null;
}

/** OpenAI counts cached prompt tokens inside prompt_tokens; Bedrock reports them apart. */
export function openAiUsageOf(usage: TokenUsage, costMicros: number | null): OpenAiUsage {
  const cached = usage.cache_read_input_tokens ?? 0;
  const prompt = usage.input_tokens + cached + (usage.cache_write_input_tokens ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output_tokens,
    total_tokens: prompt + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: cached },
    cost_micros: costMicros,
  };
}

export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
  structuredOutputTool: string | null;
}

export function translateResponse(
  response: ConverseResponse,
  identity: CompletionIdentity,
  usage: TokenUsage,
  costMicros: number | null,
): ChatCompletionResponse {
  let content: string | null = null;
  const toolCalls: NonNullable<ChatCompletionResponse['choices'][number]['message']['tool_calls']> = [];
  for (const block of response.output?.message?.content ?? []) {
    if (block.text !== undefined) {
      content = (content ?? '') + block.text;
    } else if (block.toolUse) {
      const argumentsText = JSON.stringify(block.toolUse.input ?? {});
      if (identity.structuredOutputTool !== null && block.toolUse.name === identity.structuredOutputTool) {
        content = (content ?? '') + argumentsText;
      } else {
        toolCalls.push({
          id: block.toolUse.toolUseId ?? '',
          type: 'function',
          function: { name: block.toolUse.name ?? '', arguments: argumentsText },
        });
      }
    }
  }
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        finish_reason: finishReasonOf(response.stopReason, identity.structuredOutputTool !== null),
        logprobs: null,
      },
    ],
    usage: openAiUsageOf(usage, costMicros),
  };
}
