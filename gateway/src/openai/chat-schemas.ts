// The OpenAI Chat Completions request and response, as zod schemas with OpenAI's field names. Every
// list and string is bounded by a named constant from shared/limits.ts; fields Bedrock cannot honour
// are accepted only in their neutral form (n = 1, no logprobs, zero penalties) and refused otherwise.
import { z } from '@hono/zod-openapi';
import { AppUserIdSchema } from '../../../shared/contracts/ledger-internal';
import {
  CONTENT_PARTS_MAX,
  IMAGE_BYTES_MAX,
  MESSAGES_MAX,
  OUTPUT_TOKENS_REQUEST_MAX,
  STOP_SEQUENCE_CHARS_MAX,
  STOP_SEQUENCES_MAX,
  TEXT_PART_CHARS_MAX,
  TOOL_NAME_CHARS_MAX,
  TOOL_SCHEMA_BYTES_MAX,
  TOOLS_MAX,
} from '../../../shared/limits';

/** A data URL carrying IMAGE_BYTES_MAX bytes in base64, plus room for its `data:image/...;base64,` header. */
export const IMAGE_URL_CHARS_MAX = Math.ceil(IMAGE_BYTES_MAX / 3) * 4 + 64;
export const MODEL_ID_CHARS_MAX = 128;
export const TOOL_CALL_ID_CHARS_MAX = 64;
export const TOOL_DESCRIPTION_CHARS_MAX = 10_000;
export const TOOL_CALLS_PER_MESSAGE_MAX = 128;
export const TOOL_ARGUMENTS_CHARS_MAX = TEXT_PART_CHARS_MAX;
export const NAME_CHARS_MAX = 256;

const text = z.string().max(TEXT_PART_CHARS_MAX);

const TextPartSchema = z.object({ type: z.literal('text'), text });
const ImagePartSchema = z.object({
  type: z.literal('image_url'),
  image_url: z.object({
    url: z.string().min(1).max(IMAGE_URL_CHARS_MAX),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});
const RefusalPartSchema = z.object({ type: z.literal('refusal'), refusal: text });

const textContent = z.union([text, z.array(TextPartSchema).max(CONTENT_PARTS_MAX)]);

const toolName = z
  .string()
  .min(1)
  .max(TOOL_NAME_CHARS_MAX)
  .regex(/^[A-Za-z0-9_-]+$/, 'tool names may contain only letters, digits, _ and -');
const toolCallId = z
  .string()
  .min(1)
  .max(TOOL_CALL_ID_CHARS_MAX)
  .regex(/^[A-Za-z0-9_-]+$/, 'tool call ids may contain only letters, digits, _ and -');

export const ToolCallSchema = z.object({
  id: toolCallId,
  type: z.literal('function'),
  function: z.object({ name: toolName, arguments: z.string().max(TOOL_ARGUMENTS_CHARS_MAX) }),
});

const SystemMessageSchema = z.object({
  role: z.enum(['system', 'developer']),
  content: textContent,
  name: z.string().max(NAME_CHARS_MAX).optional(),
});
const UserMessageSchema = z.object({
  role: z.literal('user'),
  content: z.union([
    text,
    z
      .array(z.discriminatedUnion('type', [TextPartSchema, ImagePartSchema]))
      .max(CONTENT_PARTS_MAX),
  ]),
  name: z.string().max(NAME_CHARS_MAX).optional(),
});
const AssistantMessageSchema = z.object({
  role: z.literal('assistant'),
  content: z
    .union([text, z.array(z.discriminatedUnion('type', [TextPartSchema, RefusalPartSchema])).max(CONTENT_PARTS_MAX)])
    .nullish(),
  refusal: text.nullish(),
  tool_calls: z.array(ToolCallSchema).max(TOOL_CALLS_PER_MESSAGE_MAX).optional(),
  name: z.string().max(NAME_CHARS_MAX).optional(),
});
const ToolMessageSchema = z.object({
  role: z.literal('tool'),
  tool_call_id: toolCallId,
  content: textContent,
});

export const ChatMessageSchema = z.discriminatedUnion('role', [
  SystemMessageSchema,
  UserMessageSchema,
  AssistantMessageSchema,
  ToolMessageSchema,
]);
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/** Nesting allowed in caller JSON we forward (schemas, tool arguments): deeper would overflow serializers. */
export const JSON_DEPTH_MAX = 64;

/** True when `value` nests objects/arrays deeper than `max`. Iterative: safe on hostile input. */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

const jsonSchemaObject = z
  .record(z.string(), z.unknown())
  .refine((schema) => !jsonDepthExceeds(schema, JSON_DEPTH_MAX), { message: `a JSON schema may nest at most ${JSON_DEPTH_MAX} levels`, abort: true })
  .refine((schema) => JSON.stringify(schema).length <= TOOL_SCHEMA_BYTES_MAX, {
    message: `a JSON schema may be at most ${TOOL_SCHEMA_BYTES_MAX} bytes`,
  });

export const ToolSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    name: toolName,
    description: z.string().max(TOOL_DESCRIPTION_CHARS_MAX).optional(),
    parameters: jsonSchemaObject.optional(),
    strict: z.boolean().nullish(),
  }),
});

const ToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: toolName }) }),
]);

const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: toolName,
      description: z.string().max(TOOL_DESCRIPTION_CHARS_MAX).optional(),
      schema: jsonSchemaObject.optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

/** A field accepted by the schema only to be refused with `message` (zod would otherwise strip it silently). */
function refusedLegacy(message: string) {
  return z
    .unknown()
    .refine((value) => value === undefined || value === null, { error: message })
    .optional()
    .openapi({ description: `Not supported: ${message}.` });
}

const outputTokens = z.number().int().min(1).max(OUTPUT_TOKENS_REQUEST_MAX);
const stopSequence = z.string().min(1).max(STOP_SEQUENCE_CHARS_MAX);

export const ChatCompletionRequestSchema = z
  .object({
    model: z.string().min(1).max(MODEL_ID_CHARS_MAX).openapi({ example: 'anthropic.claude-3-5-haiku-20241022-v1:0' }),
    messages: z.array(ChatMessageSchema).min(1).max(MESSAGES_MAX),
    max_completion_tokens: outputTokens.nullish(),
    max_tokens: outputTokens.nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    stop: z.union([stopSequence, z.array(stopSequence).max(STOP_SEQUENCES_MAX)]).nullish(),
    stream: z.boolean().nullish(),
    stream_options: z
      .object({ include_usage: z.boolean().optional() })
      .nullish()
      .openapi({ description: 'Only with `stream: true` (refused otherwise, as by OpenAI).' }),
    tools: z.array(ToolSchema).max(TOOLS_MAX).optional(),
    tool_choice: ToolChoiceSchema.optional(),
    parallel_tool_calls: z.boolean().optional(),
    response_format: ResponseFormatSchema.optional(),
    // The same rules as the X-Fleeex-User header (checked in the route) and the connect flow.
    user: AppUserIdSchema.optional().openapi({ description: 'The end user whose wallet pays, when the X-Fleeex-User header is absent.' }),
    n: z.literal(1, { error: 'n > 1 is not supported: Bedrock returns one choice per call' }).nullish(),
    seed: z.number().int().nullish(),
    logprobs: z.literal(false, { error: 'logprobs are not available from Bedrock' }).nullish(),
    frequency_penalty: z.literal(0, { error: 'frequency_penalty is not supported by Bedrock' }).nullish(),
    presence_penalty: z.literal(0, { error: 'presence_penalty is not supported by Bedrock' }).nullish(),
    metadata: z.record(z.string(), z.string().max(512)).optional(),
    // Legacy function calling: refused rather than stripped, or the model would silently answer without them.
    functions: refusedLegacy('functions is the legacy form of tools: send tools: [{type: "function", function: {...}}] instead'),
    function_call: refusedLegacy('function_call is the legacy form of tool_choice: send tool_choice instead'),
  })
  // As OpenAI does: options of a stream that will not happen are a mistake, not something to ignore.
  .refine((request) => request.stream === true || request.stream_options == null, {
    error: 'stream_options is only allowed when stream is true',
    path: ['stream_options'],
  })
  .openapi('ChatCompletionRequest');
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;

const UsageSchema = z
  .object({
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    total_tokens: z.number().int(),
    prompt_tokens_details: z.object({ cached_tokens: z.number().int() }),
    cost_micros: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'What this call took from the wallet, in micro-EUR (1 EUR = 1,000,000). null if the ledger could not be reached to settle it.' }),
  })
  .openapi('Usage');

export const ChatCompletionResponseSchema = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        message: z.object({
          role: z.literal('assistant'),
          content: z.string().nullable(),
          refusal: z.null(),
          tool_calls: z.array(ToolCallSchema).optional(),
        }),
        finish_reason: z.enum(['stop', 'length', 'tool_calls', 'content_filter']),
        logprobs: z.null(),
      }),
    ),
    usage: UsageSchema,
  })
  .openapi('ChatCompletion', {
    description:
      'With `stream: true` the body is instead `text/event-stream` of `chat.completion.chunk` objects ending with `data: [DONE]`; with `stream_options.include_usage` the last chunk carries `usage` (with `cost_micros`).',
  });
export type ChatCompletionResponse = z.infer<typeof ChatCompletionResponseSchema>;

export const ErrorBodySchema = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string(),
      param: z.string().nullable(),
      code: z.string(),
    }),
  })
  .openapi('Error');

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';
