// Counting tokens before the call, to size the hold. tiktoken's o200k_base is not Claude's (or Llama's)
// tokenizer, so this is an estimate; the ledger pads it (shared/pricing.ts) and capture uses the
// provider's real count.
//
// Cost bound: tokenising is ~0.8 ms per 2 KB here, so a 4 MB prompt would cost seconds of CPU. We
// encode exactly the first ENCODE_CHARS_MAX characters of a request and extrapolate the rest by
// length at the denser of the measured ratio and EXTRAPOLATION_TOKENS_PER_CHAR_MIN, rounding up: the
// extrapolated part can only over-estimate relative to text like the prefix, never fall to zero.

/** Encodes text with a real tokenizer, returning the token count (special tokens treated as text). */
export type CountTokens = (text: string) => number;

export const ENCODE_CHARS_MAX = 16 * 1024;
/**
 * Calibration: Claude's tokenizer yields more tokens than o200k for the same text (measured against
 * the simulator's tokenizer, a stand-in for Claude's: 11% more on code, 21-35% on prose and JSON).
 * Counts are scaled by 7/5 (rounded up) so the estimate errs high; the ledger then pads it again.
 */
export const MODEL_TOKENS_PER_ESTIMATE_NUM = 7;
export const MODEL_TOKENS_PER_ESTIMATE_DEN = 5;

function calibrated(tokens: number): number {
  return Math.floor((tokens * MODEL_TOKENS_PER_ESTIMATE_NUM + MODEL_TOKENS_PER_ESTIMATE_DEN - 1) / MODEL_TOKENS_PER_ESTIMATE_DEN);
}
/** ~1 token per 3 characters: denser than English prose (~4) and most code, so an upper bias. */
export const EXTRAPOLATION_TOKENS_PER_CHAR_MIN = 1 / 3;

export interface TokenEstimator {
  /** Model-token estimate of several texts taken together (calibrated, see above); bounded CPU whatever their size. */
  estimate(texts: readonly string[]): number;
}

export function createBoundedEstimator(countTokens: CountTokens): TokenEstimator {
  return {
    estimate(texts) {
      let budget = ENCODE_CHARS_MAX;
      let encodedChars = 0;
      let encodedTokens = 0;
      let restChars = 0;
      for (const text of texts) {
        if (text.length === 0) continue;
        if (budget === 0) {
          restChars += text.length;
          continue;
        }
        const head = text.length <= budget ? text : text.slice(0, budget);
        encodedTokens += countTokens(head);
        encodedChars += head.length;
        budget -= head.length;
        restChars += text.length - head.length;
      }
      if (restChars === 0) return calibrated(encodedTokens);
      const ratio = Math.max(encodedTokens / encodedChars, EXTRAPOLATION_TOKENS_PER_CHAR_MIN);
      return calibrated(encodedTokens + Math.ceil(restChars * ratio));
    },
  };
}
