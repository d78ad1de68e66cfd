// The simulator's own tokenizer. Deliberately not tiktoken: the gateway estimates with tiktoken and must
// live with real counts that differ, as it does with Claude. A "word" is a run of letters/digits (any
// code point above 127 counts as a letter); every other visible character is a piece of its own;
// whitespace belongs to the next piece and costs nothing. A piece costs ceil(length / 4) tokens, so a
// word of 9 letters costs 3 and its 8-letter prefix costs 2: a prefix cut at a token boundary keeps
// counting consistently, which is what lets maxTokens cut a word in the middle.

const WORD_CHARS_PER_TOKEN = 4;

// Character classes of the ASCII range, looked up rather than computed: counting runs over every prompt.
const SPACE = 0;
const WORD = 1;
const OTHER = 2;
const ASCII_CLASS = new Uint8Array(128).map((_, code) => {
  if (code === 32 || (code >= 9 && code <= 13)) return SPACE;
  if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return WORD;
  return OTHER;
});

function classOf(code: number): number {
  return code < 128 ? ASCII_CLASS[code]! : WORD;
}

function isWordCode(code: number): boolean {
  return classOf(code) === WORD;
}

function isSpaceCode(code: number): boolean {
  return classOf(code) === SPACE;
}

/** Token count of `text` (no allocation; used for every input token count). */
export function countSimulatorTokens(text: string): number {
  let tokens = 0;
  let wordLength = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const kind = classOf(text.charCodeAt(i));
    if (kind === WORD) {
      wordLength++;
    } else {
      // ceil(wordLength / 4) for a non-negative integer
      tokens += (wordLength + WORD_CHARS_PER_TOKEN - 1) >> 2;
      wordLength = 0;
      if (kind === OTHER) tokens++;
    }
  }
  return tokens + ((wordLength + WORD_CHARS_PER_TOKEN - 1) >> 2);
}

/**
 * Splits `text` into its tokens: `pieces.join('') === text` and `pieces.length ===
 * countSimulatorTokens(text)` (whitespace rides on the following piece; trailing whitespace on the last).
 */
export function splitSimulatorTokens(text: string): string[] {
  const pieces: string[] = [];
  let pieceStart = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (isSpaceCode(code)) {
      i++;
      continue;
    }
    if (!isWordCode(code)) {
      i++;
      pieces.push(text.slice(pieceStart, i));
      pieceStart = i;
      continue;
    }
    let wordLength = 0;
    while (i < text.length && isWordCode(text.charCodeAt(i))) {
      i++;
      wordLength++;
      if (wordLength === WORD_CHARS_PER_TOKEN) {
        pieces.push(text.slice(pieceStart, i));
        pieceStart = i;
        wordLength = 0;
      }
    }
    if (wordLength > 0) {
      pieces.push(text.slice(pieceStart, i));
      pieceStart = i;
    }
  }
  if (pieceStart < text.length) {
    if (pieces.length === 0) return [];
    pieces[pieces.length - 1] += text.slice(pieceStart);
  }
  return pieces;
}
