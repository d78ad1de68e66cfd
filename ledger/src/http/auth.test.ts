import { describe, expect, it } from 'vitest';
import { tokenMatches } from './auth';

describe('tokenMatches', () => {
  it('accepts any of the accepted tokens and nothing else', () => {
    expect(tokenMatches('current-token', ['current-token', 'previous-token'])).toBe(true);
    expect(tokenMatches('previous-token', ['current-token', 'previous-token'])).toBe(true);
    expect(tokenMatches('current-toke', ['current-token'])).toBe(false);
    expect(tokenMatches('current-token ', ['current-token'])).toBe(false);
    expect(tokenMatches('', ['current-token'])).toBe(false);
    expect(tokenMatches('', [''])).toBe(false);
  });
});
