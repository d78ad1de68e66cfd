// Deterministic prompt text of an exact byte length (ASCII words and punctuation), so runs compare.

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have ' +
  'an they you were their one all we can her has there been if more when will would who so no ledger ' +
  'wallet gateway stream token model prompt capture release hold balance invoice latency throughput ' +
  'configuration Bedrock OpenAI-compatible 2026 micro-EUR 42 p99, (sample) "quoted" it\'s naïve'
).split(' ');

/** A xorshift32 generator: fixed seed, same text on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

export function promptText(bytes: number, seed = 7): string {
  const next = random(seed);
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    const word = WORDS[Math.floor(next() * WORDS.length)]!;
    const piece = next() < 0.08 ? `${word}.\n` : `${word} `;
    parts.push(piece);
    length += Buffer.byteLength(piece);
  }
  const text = parts.join('');
  // Cut to the byte length on a character boundary (the text is ASCII but for one word).
  let cut = text;
  while (Buffer.byteLength(cut) > bytes) cut = cut.slice(0, -1);
  return cut;
}
