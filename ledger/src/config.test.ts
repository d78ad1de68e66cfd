import { describe, expect, it } from 'vitest';
import { parseLedgerConfig } from './config';

const TOKEN = 'x'.repeat(32);

describe('parseLedgerConfig', () => {
  it('applies defaults', () => {
    const config = parseLedgerConfig({ FLEEEX_SERVICE_TOKEN: TOKEN, FLEEEX_ADMIN_TOKEN: TOKEN });
    expect(config).toMatchObject({ FLEEEX_LEDGER_PORT: 8788, FLEEEX_TABLE_PREFIX: 'fleeex-', FLEEEX_ENSURE_TABLES: false, FLEEEX_HOLD_TTL_MS: 900_000 });
  });

  it('names the bad variable and never echoes a secret', () => {
    expect(() => parseLedgerConfig({ FLEEEX_SERVICE_TOKEN: 'short-secret', FLEEEX_ADMIN_TOKEN: TOKEN })).toThrow(/FLEEEX_SERVICE_TOKEN/);
    try {
      parseLedgerConfig({ FLEEEX_SERVICE_TOKEN: 'short-secret', FLEEEX_ADMIN_TOKEN: TOKEN });
    } catch (error) {
      expect(String(error)).not.toContain('short-secret');
    }
    expect(() => parseLedgerConfig({ FLEEEX_SERVICE_TOKEN: TOKEN })).toThrow(/FLEEEX_ADMIN_TOKEN/);
    expect(() => parseLedgerConfig({ FLEEEX_SERVICE_TOKEN: TOKEN, FLEEEX_ADMIN_TOKEN: TOKEN, FLEEEX_LEDGER_PORT: 'eighty' })).toThrow(/FLEEEX_LEDGER_PORT/);
  });
});
