// OpenAI <-> Converse translation, pure.
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { FleeexError } from '../../../shared/errors';
import { type ChatCompletionRequest, ChatCompletionRequestSchema } from '../openai/chat-schemas';
import { translateRequest } from './translate-request';
import { finishReasonOf, translateResponse } from './translate-response';
import { SSE_DONE, StreamTranslator } from './translate-stream';

const req = (body: Record<string, unknown>): ChatCompletionRequest => ChatCompletionRequestSchema.parse({ model: 'm', ...body });

describe('translateRequest', () => {
  it('moves system/developer to system, merges same-role turns and tool results into user turns', () => {
    const t = translateRequest(
      req({
        messages: [
          { role: 'system', content: 'S1' },
          { role: 'user', content: 'U1' },
          { role: 'user', content: [{ type: 'text', text: 'U2' }] },
          { role: 'developer', content: 'S2' },
          { role: 'assistant', content: 'A1', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }, { id: 'c2', type: 'function', function: { name: 'g', arguments: '' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'R1' },
          { role: 'tool', tool_call_id: 'c2', content: '' },
        ],
        stop: 'END',
        temperature: 0.5,
        max_tokens: 50,
      }),
    );
    expect(t.system).toEqual([{ text: 'S1' }, { text: 'S2' }]);
    expect(t.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(t.messages[0]!.content).toEqual([{ text: 'U1' }, { text: 'U2' }]);
    expect(t.messages[1]!.content![1]).toEqual({ toolUse: { toolUseId: 'c1', name: 'f', input: { x: 1 } } });
    expect(t.messages[1]!.content![2]).toEqual({ toolUse: { toolUseId: 'c2', name: 'g', input: {} } });
    expect(t.messages[2]!.content).toEqual([
      { toolResult: { toolUseId: 'c1', content: [{ text: 'R1' }] } },
      { toolResult: { toolUseId: 'c2', content: [{ text: '(no output)' }] } },
    ]);
    // Tool blocks in the history need a tool config even without tools: declared from the history.
    expect(t.toolConfig!.tools!.map((tool) => tool.toolSpec!.name)).toEqual(['f', 'g']);
    expect(t.inferenceConfig).toEqual({ temperature: 0.5, stopSequences: ['END'] });
    expect(t.outputTokensRequested).toBe(50);
  });

  it('maps tool_choice and response_format', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
    const user = [{ role: 'user', content: 'x' }];
    expect(translateRequest(req({ messages: user, tools })).toolConfig!.toolChoice).toEqual({ auto: {} });
    expect(translateRequest(req({ messages: user, tools, tool_choice: 'required' })).toolConfig!.toolChoice).toEqual({ any: {} });
    expect(translateRequest(req({ messages: user, tools, tool_choice: { type: 'function', function: { name: 'f' } } })).toolConfig!.toolChoice).toEqual({ tool: { name: 'f' } });
    expect(translateRequest(req({ messages: user, tools, tool_choice: 'none' })).toolConfig).toBeUndefined();
    const structured = translateRequest(req({ messages: user, response_format: { type: 'json_object' } }));
    expect(structured.structuredOutputTool).toBe('json_object');
    expect(structured.toolConfig!.toolChoice).toEqual({ tool: { name: 'json_object' } });
    expect(() => translateRequest(req({ messages: user, tools, response_format: { type: 'json_object' } }))).toThrow(FleeexError);
  });

  it('decodes data-URL images and refuses remote ones', () => {
    const t = translateRequest(req({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpg;base64,AAEC' } }] }] }));
    const image = t.messages[0]!.content![0]!.image!;
    expect(image.format).toBe('jpeg');
    expect(Array.from(image.source!.bytes!)).toEqual([0, 1, 2]);
    expect(() => translateRequest(req({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] }))).toThrow(/data URL/);
  });
});

describe('responses', () => {
  it('maps stop reasons', () => {
    expect(finishReasonOf('end_turn', false)).toBe('stop');
    expect(finishReasonOf('stop_sequence', false)).toBe('stop');
    expect(finishReasonOf('max_tokens', false)).toBe('length');
    expect(finishReasonOf('model_context_window_exceeded', false)).toBe('length');
    expect(finishReasonOf('tool_use', false)).toBe('tool_calls');
    expect(finishReasonOf('tool_use', true)).toBe('stop');
    expect(finishReasonOf('guardrail_intervened', false)).toBe('content_filter');
  });

  it('translates a Converse answer with text and tool use, counting cached tokens in the prompt', () => {
    const body = translateResponse(
      {
        output: { message: { role: 'assistant', content: [{ text: 'Hi' }, { toolUse: { toolUseId: 't1', name: 'f', input: { a: 1 } } }] } },
        stopReason: 'tool_use',
        usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
        metrics: { latencyMs: 1 },
      },
      { id: 'x', created: 1, model: 'm', structuredOutputTool: null },
      { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 4 },
      42,
    );
    expect(body.choices[0]!.message).toEqual({
      role: 'assistant',
      content: 'Hi',
      refusal: null,
      tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
    });
    expect(body.usage).toEqual({ prompt_tokens: 14, completion_tokens: 5, total_tokens: 19, prompt_tokens_details: { cached_tokens: 4 }, cost_micros: 42 });
  });

  it('numbers streamed tool calls by a running count, not the block index', () => {
    const t = new StreamTranslator({ id: 'x', created: 1, model: 'm', structuredOutputTool: null }, false);
    const frames = [
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Let me' } } },
      { contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'a', name: 'f' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"q":' } } } },
      { contentBlockStart: { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'b', name: 'g' } } } },
      { contentBlockDelta: { contentBlockIndex: 2, delta: { toolUse: { input: '{}' } } } },
      { messageStop: { stopReason: 'tool_use' } },
    ].map((e) => t.event(e as ConverseStreamOutput));
    const chunks = frames.filter(Boolean).map((f) => JSON.parse(f.slice(6)));
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks[2].choices[0].delta.tool_calls[0]).toMatchObject({ index: 0, id: 'a', function: { name: 'f', arguments: '' } });
    expect(chunks[3].choices[0].delta.tool_calls[0]).toEqual({ index: 0, function: { arguments: '{"q":' } });
    expect(chunks[4].choices[0].delta.tool_calls[0]).toMatchObject({ index: 1, id: 'b' });
    expect(chunks[6].choices[0].finish_reason).toBe('tool_calls');
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    expect(SSE_DONE).toBe('data: [DONE]\n\n');
  });
});
