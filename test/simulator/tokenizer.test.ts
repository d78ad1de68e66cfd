// The simulator's tokenizer: counting and splitting agree, and prefixes cut at a piece keep their count.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countSimulatorTokens, splitSimulatorTokens } from '../fakes/bedrock-simulator/index';

const textArbitrary = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '7', ' ', '\n', '.', ',', '_', '"', '{', 'é', '日') , maxLength: 200 }),
  fc.string({ maxLength: 200 }),
);

describe('countSimulatorTokens / splitSimulatorTokens', () => {
  it('counts word pieces by ceil(length / 4), punctuation as one, whitespace as none', () => {
    expect(countSimulatorTokens('')).toBe(0);
    expect(countSimulatorTokens('   \n')).toBe(0);
    expect(countSimulatorTokens('word')).toBe(1);
    expect(countSimulatorTokens('words')).toBe(2);
    expect(countSimulatorTokens('Hello, world!')).toBe(2 + 1 + 2 + 1);
    expect(splitSimulatorTokens('Hello, wonderful world.')).toEqual(['Hell', 'o', ',', ' wond', 'erfu', 'l', ' worl', 'd', '.']);
  });

  it('splits into exactly countSimulatorTokens pieces that join back to the text', () => {
    fc.assert(
      fc.property(textArbitrary, (text) => {
        const pieces = splitSimulatorTokens(text);
        expect(pieces.length).toBe(countSimulatorTokens(text));
        if (pieces.length > 0) expect(pieces.join('')).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives every prefix made of whole pieces its piece count (so maxTokens cuts are exact)', () => {
    fc.assert(
      fc.property(textArbitrary, fc.nat(), (text, at) => {
        const pieces = splitSimulatorTokens(text);
        const kept = at % (pieces.length + 1);
        expect(countSimulatorTokens(pieces.slice(0, kept).join(''))).toBe(kept);
      }),
      { numRuns: 2000 },
    );
  });
});
