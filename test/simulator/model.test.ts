// The simulated model on its own (no HTTP): length, cut-off and stop-sequence rules hold for any prompt.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countSimulatorTokens } from '../fakes/bedrock-simulator/index';
import { answerConverse } from '../fakes/bedrock-simulator/model';

function textOf(answer: ReturnType<typeof answerConverse>): string {
  return answer.blocks.map((block) => (block.kind === 'text' ? block.text : '')).join('');
}

describe('answerConverse', () => {
  it('produces min(N, maxTokens) tokens for "reply with N words", with the matching stop reason', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 400 }), (topic, words, maxTokens) => {
        const answer = answerConverse({
          messages: [{ role: 'user', content: [{ text: `${topic} reply with ${words} words` }] }],
          inferenceConfig: { maxTokens },
        });
        const expected = Math.min(words, maxTokens);
        expect(answer.outputTokens).toBe(expected);
        expect(countSimulatorTokens(textOf(answer))).toBe(expected);
        expect(answer.stopReason).toBe(words > maxTokens ? 'max_tokens' : 'end_turn');
      }),
      { numRuns: 300 },
    );
  });

  it('cuts before the earliest stop sequence taken from its own uncut answer', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.nat(), fc.integer({ min: 1, max: 6 }), (topic, at, length) => {
        const messages = [{ role: 'user', content: [{ text: `${topic} reply with 60 words` }] }];
        const full = textOf(answerConverse({ messages }));
        const start = at % (full.length - length);
        const stop = full.slice(start, start + length);
        if (stop.trim() === '') return;
        const answer = answerConverse({ messages, inferenceConfig: { stopSequences: [stop] } });
        expect(answer.stopReason).toBe('stop_sequence');
        expect(textOf(answer)).toBe(full.slice(0, full.indexOf(stop)));
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic and ignores inference settings when choosing words', () => {
    const messages = [{ role: 'user', content: [{ text: 'determinism, please' }] }];
    const plain = textOf(answerConverse({ messages }));
    expect(textOf(answerConverse({ messages, inferenceConfig: { temperature: 1, topP: 0.5 } }))).toBe(plain);
    const cut = textOf(answerConverse({ messages, inferenceConfig: { maxTokens: 5 } }));
    expect(countSimulatorTokens(cut)).toBe(5);
    expect(plain.startsWith(cut)).toBe(true);
  });
});
