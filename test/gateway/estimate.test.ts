// The input estimate against the model's count (here the simulator's tokenizer, which stands in for
// Claude's): how far off it is, that the hold's padding covers it, and that huge prompts stay cheap.
import { describe, expect, it } from 'vitest';
import { nodeTokenEstimator } from '../../gateway/src/estimate/tiktoken-node';
import { get_encoding } from 'tiktoken';
import { createBoundedEstimator, ENCODE_CHARS_MAX } from '../../gateway/src/estimate/token-estimator';
import { ChatCompletionRequestSchema } from '../../gateway/src/openai/chat-schemas';
import { translateRequest } from '../../gateway/src/upstream/translate-request';
import { boundedInputTokens } from '../../shared/pricing';
import { answerConverse } from '../fakes/bedrock-simulator/model';

const estimator = nodeTokenEstimator();

const PROMPTS: Record<string, string> = {
  prose:
    'The committee met on Tuesday to review the quarterly figures. Revenue grew modestly, while costs rose faster than expected, mostly because of shipping delays and a new warehouse lease. ',
  code: 'function fib(n: number): number {\n  return n < 2 ? n : fib(n - 1) + fib(n - 2);\n}\nconst xs = [1, 2, 3].map((x) => x * 2);\n',
  json: '{"id": 12345, "name": "Widget", "tags": ["a", "b", "c"], "price": {"amount": 1999, "currency": "EUR"}}',
  french: 'Le comité s’est réuni mardi pour examiner les chiffres trimestriels; les coûts ont augmenté plus vite que prévu. ',
};

describe('input estimate', () => {
  for (const [name, text] of Object.entries(PROMPTS)) {
    it(`${name}: the padded estimate covers the model's count`, () => {
      const body = ChatCompletionRequestSchema.parse({
        model: 'm',
        messages: [
          { role: 'system', content: 'You are helpful.' },
          { role: 'user', content: text.repeat(20) },
        ],
      });
      const translated = translateRequest(body);
      const estimate = estimator.estimate(translated.estimateTexts) + translated.fixedTokensEstimate;
      const simulated = answerConverse({ messages: translated.messages, system: translated.system, inferenceConfig: { maxTokens: 10 } }).inputTokens;
      const error = (estimate - simulated) / simulated;
      console.info(`estimate ${name}: tiktoken ${estimate}, simulator ${simulated}, error ${(error * 100).toFixed(1)}%`);
      expect(Math.abs(error)).toBeLessThan(0.6);
      expect(boundedInputTokens(estimate)).toBeGreaterThanOrEqual(simulated);
    });
  }

  it('stays bounded on a 4 MB prompt and over-estimates the part it does not encode', () => {
    const prose = PROMPTS.prose!.repeat(Math.ceil(4_000_000 / PROMPTS.prose!.length));
    // The real tokenizer, counting what it is given: the bound is on work done, not on wall-clock time
    // (which a loaded CI machine makes meaningless).
    const tiktoken = get_encoding('o200k_base');
    let encodedChars = 0;
    const counting = createBoundedEstimator((text) => {
      encodedChars += text.length;
      return tiktoken.encode_ordinary(text).length;
    });
    try {
      const estimate = counting.estimate([prose]);
      expect(encodedChars).toBe(ENCODE_CHARS_MAX);
      // Several texts share one budget.
      encodedChars = 0;
      counting.estimate([prose, prose, 'tail']);
      expect(encodedChars).toBe(ENCODE_CHARS_MAX);
      // The same answer as the process's estimator.
      expect(estimator.estimate([prose])).toBe(estimate);
      const head = prose.slice(0, ENCODE_CHARS_MAX);
      const exactRatio = estimator.estimate([head]) / head.length;
      // The 16 KiB head is encoded exactly; the rest extrapolated at no less than the head's density.
      expect(estimate).toBeGreaterThanOrEqual(Math.floor(exactRatio * prose.length));
    } finally {
      tiktoken.free();
    }
  });
});
