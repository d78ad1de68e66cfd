// OpenAI chat request -> Bedrock Converse request. Pure: no I/O, throws FleeexError('invalid_request')
// with the offending `param` for what Bedrock cannot express.
//
// Mapping decisions (documented in gateway/README.md):
// - system and developer messages, wherever they appear, become Converse `system` blocks in order.
// - Consecutive same-role turns are merged (Converse requires user/assistant alternation); `tool`
//   messages become `toolResult` blocks of a user turn. The first turn must be the user's.
// - Images: data URLs only (png, jpeg, gif, webp), decoded here; remote URLs are refused.
// - tool_choice: auto -> auto, required -> any, {function} -> tool. `none` drops the tools unless the
//   history holds tool blocks (Converse then requires a tool config), in which case it acts as auto.
// - response_format json_schema / json_object -> one forced tool whose input schema is the requested
//   schema (`{type:'object'}` for json_object); its input comes back as the message content. This is
//   the only way Converse can guarantee JSON, so it cannot be combined with caller tools.
// - temperature, top_p and stop pass through unchanged: a provider's own range check answers 400.
import type {
  ContentBlock,
  ImageFormat,
  InferenceConfiguration,
  Message,
  SystemContentBlock,
  Tool,
  ToolConfiguration,
} from '@aws-sdk/client-bedrock-runtime';
import type { DocumentType } from '@smithy/types';
import { FleeexError } from '../../../shared/errors';
import { IMAGE_BYTES_MAX, IMAGES_MAX } from '../../../shared/limits';
import { type ChatCompletionRequest, type ChatMessage, JSON_DEPTH_MAX, jsonDepthExceeds } from '../openai/chat-schemas';

/** Upper-biased token estimate per image: Claude scales images to ~1.15 megapixels, ~1,600 tokens. */
export const IMAGE_TOKENS_ESTIMATE = 1_600;
/** Per-message template tokens (role markers) added to the text estimate. */
export const MESSAGE_OVERHEAD_TOKENS_ESTIMATE = 4;

export interface TranslatedRequest {
  system: SystemContentBlock[] | undefined;
  messages: Message[];
  /** Without maxTokens: that comes from the ledger's hold. */
  inferenceConfig: Omit<InferenceConfiguration, 'maxTokens'>;
  toolConfig: ToolConfiguration | undefined;
  /** When response_format became a forced tool: its name (its input is the answer). */
  structuredOutputTool: string | null;
  /** Every text the model will read, for the token estimate. */
  estimateTexts: string[];
  /** Tokens the estimate adds for images and message framing. */
  fixedTokensEstimate: number;
  /** max_completion_tokens ?? max_tokens, or null when the caller left it to the model's maximum. */
  outputTokensRequested: number | null;
}

const JSON_OBJECT_TOOL = 'json_object';
const DATA_URL_PATTERN = /^data:image\/(png|jpeg|jpg|gif|webp);base64,/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

function invalid(message: string, param: string): FleeexError {
  return new FleeexError('invalid_request', message, { param });
}

function decodeBase64(data: string): Uint8Array {
  const nodeBuffer = (globalThis as { Buffer?: { from(data: string, encoding: 'base64'): Uint8Array } }).Buffer;
  if (nodeBuffer) return nodeBuffer.from(data, 'base64');
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function imageBlock(url: string, param: string): ContentBlock {
  const match = DATA_URL_PATTERN.exec(url);
  if (!match) {
    if (/^https?:/i.test(url)) {
      throw invalid('Remote image URLs are not supported: send the image inline as a data URL (data:image/png;base64,...).', param);
    }
    throw invalid('An image must be a base64 data URL of a png, jpeg, gif or webp image.', param);
  }
  const payload = url.slice(match[0].length);
  if (payload.length > Math.ceil(IMAGE_BYTES_MAX / 3) * 4 || !BASE64_PATTERN.test(payload)) {
    throw invalid(`An image must be valid base64 of at most ${IMAGE_BYTES_MAX} bytes.`, param);
  }
  const bytes = decodeBase64(payload);
  if (bytes.length === 0 || bytes.length > IMAGE_BYTES_MAX) {
    throw invalid(`An image must be valid base64 of 1 to ${IMAGE_BYTES_MAX} bytes.`, param);
  }
  const format = (match[1] === 'jpg' ? 'jpeg' : match[1]) as ImageFormat;
  return { image: { format, source: { bytes } } };
}

function textOf(content: string | ReadonlyArray<{ type: 'text'; text: string }>): string[] {
  if (typeof content === 'string') return [content];
  return content.map((part) => part.text);
}

interface Turn {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

export function translateRequest(request: ChatCompletionRequest): TranslatedRequest {
  const system: SystemContentBlock[] = [];
  const turns: Turn[] = [];
  const estimateTexts: string[] = [];
  let fixedTokensEstimate = 0;
  let images = 0;
  const historyToolNames = new Set<string>();
  let historyHasToolBlocks = false;

  const push = (role: Turn['role'], blocks: ContentBlock[]) => {
    if (blocks.length === 0) return;
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  request.messages.forEach((message: ChatMessage, i) => {
    const param = `messages[${i}]`;
    fixedTokensEstimate += MESSAGE_OVERHEAD_TOKENS_ESTIMATE;
    switch (message.role) {
      case 'system':
      case 'developer': {
        for (const text of textOf(message.content)) {
          if (text.length === 0) continue;
          system.push({ text });
          estimateTexts.push(text);
        }
        return;
      }
      case 'user': {
        const blocks: ContentBlock[] = [];
        if (typeof message.content === 'string') {
          if (message.content.length > 0) blocks.push({ text: message.content });
          estimateTexts.push(message.content);
        } else {
          message.content.forEach((part, j) => {
            if (part.type === 'text') {
              if (part.text.length > 0) blocks.push({ text: part.text });
              estimateTexts.push(part.text);
            } else {
              images++;
              if (images > IMAGES_MAX) throw invalid(`At most ${IMAGES_MAX} images per request.`, `${param}.content[${j}]`);
              blocks.push(imageBlock(part.image_url.url, `${param}.content[${j}].image_url.url`));
              fixedTokensEstimate += IMAGE_TOKENS_ESTIMATE;
            }
          });
        }
        if (blocks.length === 0) throw invalid('A user message must have non-empty content.', `${param}.content`);
        push('user', blocks);
        return;
      }
      case 'assistant': {
        const blocks: ContentBlock[] = [];
        const parts = message.content == null ? [] : typeof message.content === 'string' ? [message.content] : message.content.map((p) => (p.type === 'text' ? p.text : p.refusal));
        for (const text of parts) {
          if (text.length === 0) continue;
          blocks.push({ text });
          estimateTexts.push(text);
        }
        message.tool_calls?.forEach((call, j) => {
          const argumentsText = call.function.arguments.trim() === '' ? '{}' : call.function.arguments;
          let input: unknown;
          try {
            input = JSON.parse(argumentsText);
          } catch {
            throw invalid('Tool call arguments must be a JSON string.', `${param}.tool_calls[${j}].function.arguments`);
          }
          if (typeof input !== 'object' || input === null || Array.isArray(input) || jsonDepthExceeds(input, JSON_DEPTH_MAX)) {
            throw invalid(`Tool call arguments must encode a JSON object nested at most ${JSON_DEPTH_MAX} levels.`, `${param}.tool_calls[${j}].function.arguments`);
          }
          blocks.push({ toolUse: { toolUseId: call.id, name: call.function.name, input: input as DocumentType } });
          estimateTexts.push(call.function.name, argumentsText);
          historyToolNames.add(call.function.name);
          historyHasToolBlocks = true;
        });
        if (blocks.length === 0) throw invalid('An assistant message needs content or tool_calls.', param);
        push('assistant', blocks);
        return;
      }
      case 'tool': {
        const texts = textOf(message.content).filter((text) => text.length > 0);
        estimateTexts.push(...texts);
        historyHasToolBlocks = true;
        push('user', [
          {
            toolResult: {
              toolUseId: message.tool_call_id,
              content: texts.length > 0 ? texts.map((text) => ({ text })) : [{ text: '(no output)' }],
            },
          },
        ]);
        return;
      }
    }
  });

  if (turns.length === 0) throw invalid('messages must contain at least one user message.', 'messages');
  if (turns[0]!.role !== 'user') {
    throw invalid('The first non-system message must be from the user (Bedrock requires it).', 'messages');
  }

  const tools = translateTools(request, estimateTexts);
  const toolConfig = buildToolConfig(request, tools, historyHasToolBlocks, historyToolNames);

  const inferenceConfig: Omit<InferenceConfiguration, 'maxTokens'> = {};
  if (request.temperature != null) inferenceConfig.temperature = request.temperature;
  if (request.top_p != null) inferenceConfig.topP = request.top_p;
  if (request.stop != null) inferenceConfig.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;

  return {
    system: system.length > 0 ? system : undefined,
    messages: turns,
    inferenceConfig,
    toolConfig: toolConfig.config,
    structuredOutputTool: toolConfig.structuredOutputTool,
    estimateTexts,
    fixedTokensEstimate,
    outputTokensRequested: request.max_completion_tokens ?? request.max_tokens ?? null,
  };
}

function translateTools(request: ChatCompletionRequest, estimateTexts: string[]): Tool[] {
  return (request.tools ?? []).map((tool) => {
    const schema = tool.function.parameters ?? { type: 'object', properties: {} };
    estimateTexts.push(tool.function.name, tool.function.description ?? '', JSON.stringify(schema));
    return {
      toolSpec: {
        name: tool.function.name,
        ...(tool.function.description ? { description: tool.function.description } : {}),
        inputSchema: { json: schema as DocumentType },
      },
    };
  });
}

function buildToolConfig(
  request: ChatCompletionRequest,
  tools: Tool[],
  historyHasToolBlocks: boolean,
  historyToolNames: Set<string>,
): { config: ToolConfiguration | undefined; structuredOutputTool: string | null } {
  const format = request.response_format;
  if (format && format.type !== 'text') {
    if (tools.length > 0 || request.tool_choice !== undefined) {
      throw invalid('response_format json_schema/json_object cannot be combined with tools on Bedrock.', 'response_format');
    }
    const name = format.type === 'json_schema' ? format.json_schema.name : JSON_OBJECT_TOOL;
    const schema = format.type === 'json_schema' ? (format.json_schema.schema ?? { type: 'object' }) : { type: 'object' };
    const description =
      format.type === 'json_schema' && format.json_schema.description
        ? format.json_schema.description
        : 'Give your answer by calling this tool with it as the input.';
    const structured: Tool = { toolSpec: { name, description, inputSchema: { json: schema as DocumentType } } };
    return {
      config: { tools: [structured, ...historyTools(historyToolNames, name)], toolChoice: { tool: { name } } },
      structuredOutputTool: name,
    };
  }

  const choice = request.tool_choice;
  if (choice !== undefined && tools.length === 0) {
    throw invalid('tool_choice needs tools.', 'tool_choice');
  }
  if (tools.length === 0) {
    // Converse refuses tool blocks in the history without a tool config: declare the tools it names.
    return { config: historyHasToolBlocks ? { tools: historyTools(historyToolNames, null) } : undefined, structuredOutputTool: null };
  }
  if (choice === 'none' && !historyHasToolBlocks) return { config: undefined, structuredOutputTool: null };
  if (choice === undefined || choice === 'auto' || choice === 'none') return { config: { tools, toolChoice: { auto: {} } }, structuredOutputTool: null };
  if (choice === 'required') return { config: { tools, toolChoice: { any: {} } }, structuredOutputTool: null };
  const name = choice.function.name;
  if (!tools.some((tool) => tool.toolSpec?.name === name)) {
    throw invalid(`tool_choice names a function that is not in tools: ${name}`, 'tool_choice.function.name');
  }
  return { config: { tools, toolChoice: { tool: { name } } }, structuredOutputTool: null };
}

function historyTools(names: Set<string>, except: string | null): Tool[] {
  const tools: Tool[] = [];
  for (const name of names) {
    if (name === except) continue;
    tools.push({ toolSpec: { name, inputSchema: { json: { type: 'object' } as DocumentType } } });
  }
  return tools;
}
