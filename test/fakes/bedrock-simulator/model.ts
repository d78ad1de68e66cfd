// The simulated model: validates a Converse request the way Bedrock does, then derives a deterministic
// answer from the prompt (same conversation -> same answer) with token usage from the simulator's tokenizer.
// Pure: no I/O, no clock. The server (server.ts) only frames what this returns.
import { countSimulatorTokens, splitSimulatorTokens } from './tokenizer';

export const DEFAULT_MAX_TOKENS = 4096;
/** Upper bound for `maxTokens` and for "reply with N words", so one request cannot ask for unbounded work. */
export const SIMULATOR_TOKENS_MAX = 1_000_000;
const STOP_SEQUENCES_MAX = 64;
const TOOL_RESULT_QUOTE_CHARS_MAX = 200;
const SCHEMA_DEPTH_MAX = 8;
const SCHEMA_ARRAY_ITEMS_MAX = 3;
const IMAGE_TOKENS_MAX = 1600;
const IMAGE_PIXELS_PER_TOKEN = 750;
const IMAGE_BYTES_PER_TOKEN_FALLBACK = 750;
const DOCUMENT_BYTES_PER_TOKEN = 4;

export class SimValidationError extends Error {}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';

export type OutputBlock =
  | { kind: 'text'; text: string; pieces: string[] }
  | { kind: 'toolUse'; toolUseId: string; name: string; input: unknown; inputJson: string };

/** The prompt up to its last cache point: what a prompt cache would store. */
export interface CachePrefix {
  key: number;
  tokens: number;
}

export interface ModelAnswer {
  blocks: OutputBlock[];
  stopReason: StopReason;
  /** Every prompt token, cached prefix included (the server splits off cache reads and writes). */
  inputTokens: number;
  outputTokens: number;
  cachePrefix: CachePrefix | undefined;
}

interface ToolSpec {
  name: string;
  schema: unknown;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string): never {
  throw new SimValidationError(message);
}

// FNV-1a over UTF-16 code units: cheap, stable, good enough to seed a PRNG.
function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

// mulberry32: a tiny deterministic PRNG returning integers in [0, bound).
function makeRng(seed: number): (bound: number) => number {
  let state = seed >>> 0;
  return (bound: number) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % bound) | 0;
  };
}

const WORDS = [
  'the', 'a', 'of', 'and', 'to', 'in', 'is', 'it', 'that', 'for', 'on', 'with', 'as', 'this', 'by', 'we',
  'model', 'answer', 'river', 'stone', 'light', 'garden', 'quiet', 'signal', 'wallet', 'gateway', 'token',
  'simple', 'bright', 'window', 'harbor', 'ledger', 'morning', 'careful', 'measure', 'balance', 'journey',
  'mountain', 'question', 'pattern', 'silver', 'orchard', 'lantern', 'meadow', 'thunder', 'compass',
  'velvet', 'horizon', 'whisper', 'granite', 'ember', 'falcon', 'kettle', 'marble', 'nectar', 'paper',
  'remarkable', 'wonderful', 'consider', 'together', 'because', 'perhaps', 'usually', 'certainly',
];
const SHORT_WORDS = ['the', 'a', 'of', 'and', 'to', 'in', 'is', 'it', 'that', 'for', 'on', 'with', 'as', 'by', 'we'];

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Prose of exactly `tokens` tokens (>= 1): sentences of words, each ended by a period. */
function generateProse(rng: (bound: number) => number, tokens: number): string {
  const parts: string[] = [];
  let remaining = tokens;
  let sentenceWordsLeft = 0;
  let atSentenceStart = true;
  while (remaining > 0) {
    if (remaining === 1 && !atSentenceStart) {
      parts.push('.');
      break;
    }
    if (sentenceWordsLeft === 0 && !atSentenceStart) {
      parts.push('.');
      remaining--;
      atSentenceStart = true;
      continue;
    }
    if (atSentenceStart) sentenceWordsLeft = 5 + rng(9);
    // Keep one token for the closing period unless only one is left.
    const budget = remaining > 1 ? remaining - 1 : 1;
    let word = WORDS[rng(WORDS.length)]!;
    if (Math.ceil(word.length / 4) > budget) word = SHORT_WORDS[rng(SHORT_WORDS.length)]!;
    const separator = parts.length === 0 ? '' : ' ';
    parts.push(separator + (atSentenceStart ? capitalize(word) : word));
    remaining -= Math.ceil(word.length / 4);
    sentenceWordsLeft--;
    atSentenceStart = false;
  }
  return parts.join('');
}

// ---------------------------------------------------------------- validation

function validateContentBlock(block: unknown, path: string, role: string, ids: { uses: string[]; results: string[] }): void {
  if (!isObject(block)) fail(`The content block at ${path} is not an object.`);
  const keys = Object.keys(block);
  if (keys.length !== 1) fail(`The content block at ${path} must set exactly one member, found ${keys.length}.`);
  const key = keys[0]!;
  const value = block[key];
  switch (key) {
    case 'text':
      if (typeof value !== 'string') fail(`${path}.text must be a string.`);
      if (value.trim() === '') fail(`The text field in the ContentBlock object at ${path} is blank. Add text to the text field, and try again.`);
      return;
    case 'image': {
      if (!isObject(value) || !isObject(value.source) || typeof value.source.bytes !== 'string') fail(`${path}.image.source.bytes is required.`);
      if (!['png', 'jpeg', 'gif', 'webp'].includes(String(value.format))) fail(`${path}.image.format must be one of png, jpeg, gif, webp.`);
      return;
    }
    case 'toolUse':
      if (role !== 'assistant') fail(`${path}: toolUse blocks are only allowed in assistant messages.`);
      if (!isObject(value) || typeof value.toolUseId !== 'string' || typeof value.name !== 'string') fail(`${path}.toolUse needs toolUseId and name.`);
      ids.uses.push(value.toolUseId);
      return;
    case 'toolResult':
      if (role !== 'user') fail(`${path}: toolResult blocks are only allowed in user messages.`);
      if (!isObject(value) || typeof value.toolUseId !== 'string' || !Array.isArray(value.content)) fail(`${path}.toolResult needs toolUseId and content.`);
      ids.results.push(value.toolUseId);
      return;
    case 'document':
    case 'cachePoint':
    case 'reasoningContent':
    case 'guardContent':
      return;
    default:
      fail(`The content block at ${path} has an unknown member '${key}'.`);
  }
}

interface ParsedRequest {
  messages: Json[];
  system: unknown[];
  maxTokens: number;
  stopSequences: string[];
  tools: ToolSpec[];
  toolChoice: 'auto' | 'any' | { tool: string };
  /** toolConfig.tools as sent (tool specs and cache points), in prompt order. */
  toolEntries: unknown[];
}

function parseRequest(body: unknown): ParsedRequest {
  if (!isObject(body)) fail('Malformed input request, please reformat your input and try again.');
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    fail('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
  }
  let previousUses: string[] = [];
  let usesTools = false;
  for (let m = 0; m < messages.length; m++) {
    const message = messages[m];
    if (!isObject(message)) fail(`messages.${m} is not an object.`);
    const role = message.role;
    if (role !== 'user' && role !== 'assistant') fail(`messages.${m}.role must be user or assistant.`);
    if (m === 0 && role !== 'user') {
      fail('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
    }
    if (m > 0 && (messages[m - 1] as Json).role === role) {
      fail('A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.');
    }
    const content = message.content;
    if (!Array.isArray(content) || content.length === 0) {
      fail(`The content field in the Message object at messages.${m} is empty. Add a ContentBlock object to the content field and try again.`);
    }
    const ids = { uses: [] as string[], results: [] as string[] };
    for (let b = 0; b < content.length; b++) validateContentBlock(content[b], `messages.${m}.content.${b}`, role, ids);
    if (ids.uses.length > 0 || ids.results.length > 0) usesTools = true;
    if (role === 'user') {
      const missing = previousUses.filter((id) => !ids.results.includes(id));
      if (missing.length > 0) fail(`Expected toolResult blocks at messages.${m}.content for the following Ids: ${missing.join(', ')}`);
      const unknown = ids.results.filter((id) => !previousUses.includes(id));
      if (unknown.length > 0) {
        fail(`The number of toolResult blocks at messages.${m}.content exceeds the number of toolUse blocks of previous turn.`);
      }
    }
    previousUses = role === 'assistant' ? ids.uses : [];
  }

  const system = body.system ?? [];
  if (!Array.isArray(system)) fail('system must be a list of SystemContentBlock.');

  let maxTokens = DEFAULT_MAX_TOKENS;
  let stopSequences: string[] = [];
  const config = body.inferenceConfig;
  if (config !== undefined) {
    if (!isObject(config)) fail('inferenceConfig must be an object.');
    if (config.maxTokens !== undefined) {
      const value = config.maxTokens;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
        fail(`1 validation error detected: Value '${String(value)}' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1`);
      }
      if (value > SIMULATOR_TOKENS_MAX) fail(`The maximum tokens you requested exceeds the model limit of ${SIMULATOR_TOKENS_MAX}.`);
      maxTokens = value;
    }
    for (const name of ['temperature', 'topP'] as const) {
      const value = config[name];
      if (value !== undefined && (typeof value !== 'number' || value < 0 || value > 1)) {
        fail(`1 validation error detected: Value '${String(value)}' at 'inferenceConfig.${name}' failed to satisfy constraint: Member must have value between 0 and 1`);
      }
    }
    if (config.stopSequences !== undefined) {
      const value = config.stopSequences;
      if (!Array.isArray(value) || value.length > STOP_SEQUENCES_MAX || !value.every((s) => typeof s === 'string' && s.length > 0)) {
        fail(`inferenceConfig.stopSequences must be a list of at most ${STOP_SEQUENCES_MAX} non-empty strings.`);
      }
      stopSequences = value as string[];
    }
  }

  const tools: ToolSpec[] = [];
  let toolEntries: unknown[] = [];
  let toolChoice: ParsedRequest['toolChoice'] = 'auto';
  const toolConfig = body.toolConfig;
  if (toolConfig !== undefined) {
    if (!isObject(toolConfig) || !Array.isArray(toolConfig.tools) || toolConfig.tools.length === 0) {
      fail('The value at toolConfig.tools must contain at least one tool.');
    }
    for (let t = 0; t < toolConfig.tools.length; t++) {
      const tool = toolConfig.tools[t];
      if (isObject(tool) && isObject(tool.cachePoint)) continue;
      const spec = isObject(tool) ? tool.toolSpec : undefined;
      if (!isObject(spec) || typeof spec.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(spec.name)) {
        fail(`toolConfig.tools.${t}.toolSpec.name must match [a-zA-Z0-9_-]{1,64}.`);
      }
      if (!isObject(spec.inputSchema) || !isObject(spec.inputSchema.json)) fail(`toolConfig.tools.${t}.toolSpec.inputSchema.json is required.`);
      if (tools.some((known) => known.name === spec.name)) fail(`The toolConfig contains the tool name '${spec.name}' more than once.`);
      tools.push({ name: spec.name, schema: spec.inputSchema.json });
    }
    toolEntries = toolConfig.tools;
    const choice = toolConfig.toolChoice;
    if (choice !== undefined) {
      if (isObject(choice) && isObject(choice.any)) toolChoice = 'any';
      else if (isObject(choice) && isObject(choice.tool) && typeof choice.tool.name === 'string') {
        const name = choice.tool.name;
        if (!tools.some((tool) => tool.name === name)) fail(`toolConfig.toolChoice names the tool '${name}', which is not in toolConfig.tools.`);
        toolChoice = { tool: name };
      } else if (!(isObject(choice) && isObject(choice.auto))) fail('toolConfig.toolChoice must set one of auto, any, tool.');
    }
  } else if (usesTools) {
    fail('The toolConfig field must be defined when using toolUse and toolResult content blocks.');
  }
  return { messages: messages as Json[], system, maxTokens, stopSequences, tools, toolChoice, toolEntries };
}

// ---------------------------------------------------------------- input tokens

function base64DecodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

// Claude bills images by area (width * height / 750, capped); read the size from PNG/GIF headers and
// fall back to the byte size for formats whose header is costly to parse.
function imageTokens(image: Json): number {
  const source = image.source as Json;
  const base64 = source.bytes as string;
  const header = Buffer.from(base64.slice(0, 32), 'base64');
  let pixels = 0;
  if (image.format === 'png' && header.length >= 24) pixels = header.readUInt32BE(16) * header.readUInt32BE(20);
  else if (image.format === 'gif' && header.length >= 10) pixels = header.readUInt16LE(6) * header.readUInt16LE(8);
  const tokens = pixels > 0 ? Math.ceil(pixels / IMAGE_PIXELS_PER_TOKEN) : Math.ceil(base64DecodedLength(base64) / IMAGE_BYTES_PER_TOKEN_FALLBACK);
  return Math.max(1, Math.min(IMAGE_TOKENS_MAX, tokens));
}

function toolResultText(result: Json): string {
  const parts: string[] = [];
  for (const item of result.content as unknown[]) {
    if (!isObject(item)) continue;
    if (typeof item.text === 'string') parts.push(item.text);
    else if (item.json !== undefined) parts.push(JSON.stringify(item.json));
  }
  return parts.join(' ');
}

function blockTokens(block: Json): number {
  if (typeof block.text === 'string') return countSimulatorTokens(block.text);
  if (isObject(block.image)) return imageTokens(block.image);
  if (isObject(block.toolUse)) return countSimulatorTokens(String(block.toolUse.name)) + countSimulatorTokens(JSON.stringify(block.toolUse.input ?? {}));
  if (isObject(block.toolResult)) return countSimulatorTokens(toolResultText(block.toolResult));
  if (isObject(block.document) && isObject(block.document.source) && typeof block.document.source.bytes === 'string') {
    return Math.ceil(base64DecodedLength(block.document.source.bytes) / DOCUMENT_BYTES_PER_TOKEN);
  }
  return 0;
}

/**
 * Prompt tokens, walked in Claude's prompt order (tools, system, messages), and the prompt prefix up to
 * the last `cachePoint` (its tokens and a hash of its content), when the request sets one.
 */
function promptTokensOf(request: ParsedRequest, hasCachePoint: boolean): { tokens: number; cachePrefix: CachePrefix | undefined } {
  let tokens = 0;
  let prefixHash = 0x811c9dc5;
  let cachePrefix: CachePrefix | undefined;
  const visit = (entry: unknown, entryTokens: number) => {
    if (isObject(entry) && isObject(entry.cachePoint)) cachePrefix = { key: prefixHash, tokens };
    tokens += entryTokens;
    if (hasCachePoint) prefixHash = hashString(JSON.stringify(entry), prefixHash);
  };
  for (const tool of request.toolEntries) visit(tool, isObject(tool) && isObject(tool.toolSpec) ? countSimulatorTokens(JSON.stringify(tool.toolSpec)) : 0);
  for (const block of request.system) visit(block, isObject(block) && typeof block.text === 'string' ? countSimulatorTokens(block.text) : 0);
  for (const message of request.messages) for (const block of message.content as Json[]) visit(block, blockTokens(block));
  return { tokens, cachePrefix };
}

// ---------------------------------------------------------------- tool input from a JSON schema

function valueForSchema(schema: unknown, rng: (bound: number) => number, depth: number): unknown {
  if (!isObject(schema) || depth > SCHEMA_DEPTH_MAX) return null;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('default' in schema) return schema.default;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) return valueForSchema(options[0], rng, depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return capitalize(WORDS[16 + rng(WORDS.length - 16)]!);
    case 'integer':
      return typeof schema.minimum === 'number' ? Math.ceil(schema.minimum) : 1 + rng(100);
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1 + rng(1000) / 10;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const count = Math.min(SCHEMA_ARRAY_ITEMS_MAX, typeof schema.minItems === 'number' && schema.minItems > 0 ? schema.minItems : 1);
      return Array.from({ length: count }, () => valueForSchema(schema.items, rng, depth + 1));
    }
    default: {
      const properties = isObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
      const value: Json = {};
      for (const name of required) value[name] = valueForSchema(properties[name], rng, depth + 1);
      return value;
    }
  }
}

// ---------------------------------------------------------------- the answer

function textOf(message: Json): string {
  const parts: string[] = [];
  for (const block of message.content as Json[]) if (typeof block.text === 'string') parts.push(block.text);
  return parts.join(' ');
}

const LENGTH_REQUEST = /reply with (\d{1,7}) words?/i;

function targetLength(lastUserText: string, seed: number): number {
  const asked = LENGTH_REQUEST.exec(lastUserText);
  if (asked) return Math.min(SIMULATOR_TOKENS_MAX, Math.max(1, Number(asked[1])));
  return 20 + (seed % 41);
}

function toolUseId(seed: number, index: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const rng = makeRng(seed ^ Math.imul(index + 1, 0x9e3779b1));
  let id = 'tooluse_';
  for (let i = 0; i < 22; i++) id += alphabet[rng(alphabet.length)];
  return id;
}

function chooseTools(request: ParsedRequest, lastUserText: string): string[] {
  if (request.tools.length === 0) return [];
  if (typeof request.toolChoice === 'object') return [request.toolChoice.tool];
  const text = lastUserText.toLowerCase();
  const mentioned = request.tools.filter((tool) => text.includes(tool.name.toLowerCase())).map((tool) => tool.name);
  if (mentioned.length > 0) return mentioned;
  return request.toolChoice === 'any' ? [request.tools[0]!.name] : [];
}

/** Cuts `pieces` at the first stop sequence; returns the kept text and the tokens consumed to find it. */
function applyStopSequences(pieces: string[], stopSequences: string[]): { text: string; consumed: number } | undefined {
  if (stopSequences.length === 0) return undefined;
  let text = '';
  for (let i = 0; i < pieces.length; i++) {
    const from = text.length;
    text += pieces[i];
    let cut = -1;
    for (const sequence of stopSequences) {
      const at = text.indexOf(sequence, Math.max(0, from - sequence.length + 1));
      if (at !== -1 && (cut === -1 || at < cut)) cut = at;
    }
    if (cut !== -1) return { text: text.slice(0, cut), consumed: i + 1 };
  }
  return undefined;
}

function textBlock(text: string): OutputBlock {
  return { kind: 'text', text, pieces: splitSimulatorTokens(text) };
}

/** Validates `body` (a parsed Converse request) and answers it; throws SimValidationError like Bedrock's 400. */
export function answerConverse(body: unknown): ModelAnswer {
  const request = parseRequest(body);
  const messagesJson = JSON.stringify(request.messages);
  const systemJson = JSON.stringify(request.system);
  const hasCachePoint = messagesJson.includes('"cachePoint"') || systemJson.includes('"cachePoint"') || request.toolEntries.some((tool) => isObject(tool) && isObject(tool.cachePoint));
  const prompt = promptTokensOf(request, hasCachePoint);
  const seed = hashString(messagesJson, hashString(systemJson));
  const rng = makeRng(seed);
  const last = request.messages[request.messages.length - 1]!;
  const lastUser = last.role === 'user' ? last : request.messages[request.messages.length - 2]!;
  const lastUserText = textOf(lastUser);
  const target = targetLength(lastUserText, seed);

  const toolResults = (lastUser.content as Json[]).filter((block) => isObject(block.toolResult));
  const planned: OutputBlock[] = [];
  const toolNames = last.role === 'user' && toolResults.length === 0 ? chooseTools(request, lastUserText) : [];
  if (toolNames.length > 0) {
    // Claude explains itself before an unforced call; a forced one (any/tool) goes straight to the call.
    if (request.toolChoice === 'auto') planned.push(textBlock(`I will call ${toolNames.join(' and ')} to answer that.`));
    toolNames.forEach((name, index) => {
      const schema = request.tools.find((tool) => tool.name === name)!.schema;
      const input = valueForSchema(schema, rng, 0);
      planned.push({ kind: 'toolUse', toolUseId: toolUseId(seed, index), name, input, inputJson: JSON.stringify(input) });
    });
  } else if (toolResults.length > 0) {
    const quoted = toolResults.map((block) => toolResultText(block.toolResult as Json)).join(' ').replace(/\s+/g, ' ').trim();
    const quote = quoted.length > TOOL_RESULT_QUOTE_CHARS_MAX ? quoted.slice(0, TOOL_RESULT_QUOTE_CHARS_MAX) : quoted;
    planned.push(textBlock(`The tool returned ${quote}. ${generateProse(rng, target)}`));
  } else {
    planned.push(textBlock(generateProse(rng, target)));
  }

  // Spend the token budget block by block: text is cut at a token (and at a stop sequence), a tool call is
  // all or nothing, as a partial call is useless.
  const blocks: OutputBlock[] = [];
  let outputTokens = 0;
  let stopReason: StopReason = toolNames.length > 0 ? 'tool_use' : 'end_turn';
  for (const block of planned) {
    const budget = request.maxTokens - outputTokens;
    if (block.kind === 'text') {
      const stopped = applyStopSequences(block.pieces, request.stopSequences);
      const pieces = block.pieces.length > budget && (!stopped || stopped.consumed > budget) ? block.pieces.slice(0, budget) : undefined;
      if (pieces) {
        if (pieces.length > 0) blocks.push({ kind: 'text', text: pieces.join(''), pieces });
        outputTokens += pieces.length;
        stopReason = 'max_tokens';
        break;
      }
      if (stopped) {
        if (stopped.text.length > 0) blocks.push(textBlock(stopped.text));
        outputTokens += stopped.consumed;
        stopReason = 'stop_sequence';
        break;
      }
      blocks.push(block);
      outputTokens += block.pieces.length;
    } else {
      const cost = countSimulatorTokens(block.name) + countSimulatorTokens(block.inputJson);
      if (cost > budget) {
        outputTokens = request.maxTokens;
        stopReason = 'max_tokens';
        break;
      }
      blocks.push(block);
      outputTokens += cost;
    }
  }
  return { blocks, stopReason, inputTokens: prompt.tokens, outputTokens, cachePrefix: prompt.cachePrefix };
}
