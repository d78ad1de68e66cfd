import { describe, expect, it } from 'vitest';
import { FleeexError } from '../../shared/errors';
import { INTERNAL_ERROR_MESSAGE, toErrorResponse } from './errors';

describe('toErrorResponse', () => {
  it('never lets a 500 carry its internal message to the caller', () => {
    for (const code of ['hold_not_found', 'hold_already_resolved', 'hold_expired', 'internal_error'] as const) {
      const parts = toErrorResponse(new FleeexError(code, `hold hold_secretid123 is in state pending at WALLET#wal_x`));
      expect(parts.status).toBe(500);
      const body = JSON.parse(parts.body) as { error: { message: string; code: string } };
      expect(body.error.message).toBe(INTERNAL_ERROR_MESSAGE);
      expect(parts.body).not.toContain('hold_secretid123');
      expect(body.error.code).toBe(code);
    }
    const unknown = toErrorResponse(new Error('ECONNREFUSED 10.0.0.1:8788 stack at foo.ts:12'));
    expect(unknown.status).toBe(500);
    expect(unknown.body).not.toContain('ECONNREFUSED');
  });

  it('keeps client-facing messages for client errors', () => {
    const parts = toErrorResponse(new FleeexError('insufficient_balance', 'the wallet cannot afford this call'));
    expect(parts.status).toBe(402);
    expect(parts.headers['x-should-retry']).toBe('false');
    expect(JSON.parse(parts.body).error.message).toBe('the wallet cannot afford this call');
  });
});
