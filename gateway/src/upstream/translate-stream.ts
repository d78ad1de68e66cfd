// Bedrock ConverseStream events -> OpenAI `chat.completion.chunk` SSE frames. Pure and stateful: one
// translator per call. Frames are assembled as strings around a precomputed prefix, so each event
// costs one small JSON.stringify of the delta text rather than a whole object.
import type { ConverseStreamOutput, StopReason } from '@aws-sdk/client-bedrock-runtime';
import type { TokenUsage } from '../../../shared/pricing';
import { mapBedrockError } from './bedrock-errors';
import type { CompletionIdentity } from './translate-response';
import { finishReasonOf, openAiUsageOf, tokenUsageOf } from './translate-response';

export const SSE_DONE = 'data: [DONE]\n\n';

export class StreamTranslator {
  private readonly prefix: string;
  private readonly usageField: string;
  /** contentBlockIndex -> OpenAI tool_calls index (a running count of tool blocks), or -1 for structured output. */
  private readonly toolIndexByBlock = new Map<number, number>();
  private toolCount = 0;
  private roleSent = false;
  /** Text and tool arguments relayed so far: what an estimate charges when the provider's usage never came. */
  readonly relayed: string[] = [];
  stopReason: StopReason | string | undefined;
  usage: TokenUsage | null = null;

  constructor(
    private readonly identity: CompletionIdentity,
    private readonly includeUsage: boolean,
  ) {
    this.prefix = `data: {"id":${JSON.stringify(identity.id)},"object":"chat.completion.chunk","created":${identity.created},"model":${JSON.stringify(identity.model)},"choices":[{"index":0,"delta":`;
    this.usageField = includeUsage ? ',"usage":null' : '';
  }

  get producedOutput(): boolean {
    return this.relayed.length > 0;
  }

  private chunk(delta: string, finishReason: string | null = null): string {
    return `${this.prefix}${delta},"logprobs":null,"finish_reason":${finishReason === null ? 'null' : `"${finishReason}"`}}]${this.usageField}}\n\n`;
  }

  /** The first frame: the assistant role. Sent once, before any content. */
  roleChunk(): string {
    if (this.roleSent) return '';
    this.roleSent = true;
    return this.chunk('{"role":"assistant","content":"","refusal":null}');
  }

  /** Translates one event to zero or more frames. In-stream exceptions are thrown as FleeexError. */
  event(event: ConverseStreamOutput): string {
    if (event.contentBlockDelta) {
      const { contentBlockIndex = 0, delta } = event.contentBlockDelta;
      if (delta?.text !== undefined) {
        if (delta.text.length === 0) return '';
        this.relayed.push(delta.text);
        return this.roleChunk() + this.chunk(`{"content":${JSON.stringify(delta.text)}}`);
      }
      if (delta?.toolUse) {
        const fragment = delta.toolUse.input ?? '';
        const toolIndex = this.toolIndexByBlock.get(contentBlockIndex);
        if (toolIndex === undefined || fragment.length === 0) return '';
        this.relayed.push(fragment);
        const encoded = JSON.stringify(fragment);
        if (toolIndex === -1) return this.roleChunk() + this.chunk(`{"content":${encoded}}`);
        return this.roleChunk() + this.chunk(`{"tool_calls":[{"index":${toolIndex},"function":{"arguments":${encoded}}}]}`);
      }
      return '';
    }
    if (event.contentBlockStart) {
      const toolUse = event.contentBlockStart.start?.toolUse;
      if (!toolUse) return '';
      const blockIndex = event.contentBlockStart.contentBlockIndex ?? 0;
      if (this.identity.structuredOutputTool !== null && toolUse.name === this.identity.structuredOutputTool) {
        this.toolIndexByBlock.set(blockIndex, -1);
        return this.roleChunk();
      }
      const toolIndex = this.toolCount++;
      this.toolIndexByBlock.set(blockIndex, toolIndex);
      const name = toolUse.name ?? '';
      this.relayed.push(name);
      return (
        this.roleChunk() +
        this.chunk(
          `{"tool_calls":[{"index":${toolIndex},"id":${JSON.stringify(toolUse.toolUseId ?? '')},"type":"function","function":{"name":${JSON.stringify(name)},"arguments":""}}]}`,
        )
      );
    }
    if (event.messageStart) return this.roleChunk();
    if (event.messageStop) {
      this.stopReason = event.messageStop.stopReason;
      return this.roleChunk() + this.chunk('{}', finishReasonOf(this.stopReason, this.identity.structuredOutputTool !== null));
    }
    if (event.metadata) {
      if (event.metadata.usage) this.usage = tokenUsageOf(event.metadata.usage);
      return '';
    }
    const exception =
      event.internalServerException ??
      event.modelStreamErrorException ??
      event.serviceUnavailableException ??
      event.throttlingException ??
      event.validationException;
    if (exception) {
      const name = Object.keys(event)[0] ?? 'internalServerException';
      throw mapBedrockError(Object.assign(new Error(exception.message ?? ''), { name: name[0]!.toUpperCase() + name.slice(1) }));
    }
    return '';
  }

  /** The usage frame (include_usage only): `choices: []`, the usage and what was charged. */
  usageChunk(usage: TokenUsage, costMicros: number | null): string {
    if (!this.includeUsage) return '';
    const { id, created, model } = this.identity;
    return `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: openAiUsageOf(usage, costMicros) })}\n\n`;
  }
}
