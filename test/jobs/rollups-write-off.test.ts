// Written-off money in the rollups: a capture above what the wallet could pay and a refund's shortfall
// both post write_off entries; the rollups count them once each (redeliveries change nothing), operators
// see them at GET /admin/usage, and apps never do (the internal route behind the gateway's /v1/usage).
import { beforeAll, describe, expect, it } from 'vitest';
import { createLedgerApp } from '../../ledger/src/app';
import { entryFromItem, ledgerEvent } from '../../ledger/src/core/entries';
import { createJobRouteServices } from '../../ledger/src/jobs/mount';
import { applyEventsToRollups, rollupKeys } from '../../ledger/src/jobs/rollups';
import { registerJobRoutes } from '../../ledger/src/jobs/routes';
import { readRollup, scanAll } from './helpers';
import { HAIKU, pipelineFixture } from './ledger-fixture';

const ADMIN = 'admin-token-for-write-off-test';
const SERVICE = 'service-token-for-write-off-test';
const day = '2026-03-10';
let f: Awaited<ReturnType<typeof pipelineFixture>>;
let app: ReturnType<typeof createLedgerApp>;
let appId = '';
let walletId = '';
let captureWrittenOff = 0;
let capturePriced = 0;
const refundWrittenOff = 4_000;

beforeAll(async () => {
  f = await pipelineFixture();
  app = createLedgerApp({ ledger: f.ledger, serviceTokens: [SERVICE], adminToken: ADMIN });
  registerJobRoutes(app, createJobRouteServices({ dynamo: f.dynamo, tablePrefix: f.prefix, holds: f.ledger.holds, clock: f.clock.now, log: () => undefined }));
  const created = await f.app('write-off');
  appId = created.appId;
  const payer = await f.payer(appId, 2_000);
  walletId = payer.walletId;
  await f.ledger.holds.hold({ hold_id: 'hold_wo', api_key_hash: created.apiKeyHash, app_user_id: payer.appUserId, model: HAIKU, input_tokens_estimate: 10, output_tokens_max: 10 });
  const capture = await f.ledger.holds.capture('hold_wo', { input_tokens: 10, output_tokens: 50_000, usage_source: 'provider' });
  captureWrittenOff = capture.result.written_off_micros;
  capturePriced = capture.result.cost_micros;
  // The wallet is empty now: the whole refund is a shortfall.
  await f.ledger.wallets.debitUpTo(walletId, refundWrittenOff, 'refund-wo', 'refund', { app_id: appId });
  await f.flush();
});

const get = (path: string, token: string) => app.request(path, { headers: { authorization: `Bearer ${token}` } });

describe('written-off money in the rollups', () => {
  it('counts a capture write-off on every item of its app and model, a refund shortfall on the wallet day only', async () => {
    expect(captureWrittenOff).toBeGreaterThan(0);
    const expected = [
      [rollupKeys.walletDay(walletId, day), captureWrittenOff + refundWrittenOff],
      [rollupKeys.appDay(appId, day), captureWrittenOff],
      [rollupKeys.appModelDay(appId, day, HAIKU), captureWrittenOff],
      [rollupKeys.modelDay(day, HAIKU), captureWrittenOff],
    ] as const;
    for (const [key, writtenOff] of expected) {
      expect((await readRollup(f.dynamo, f.rollupsTableName, key))?.written_off_micros).toBe(writtenOff);
    }

    // Redelivering every event (write-offs included) changes nothing.
    const entries = (await scanAll(f.dynamo, f.ledgerTableName)).filter((item) => String(item.sk).startsWith('ENTRY#')).map(entryFromItem);
    expect(entries.filter((entry) => entry.type === 'write_off')).toHaveLength(2);
    const outcomes = await applyEventsToRollups(f.dynamo, f.rollupsTableName, entries.map(ledgerEvent), Date.now());
    expect([...outcomes.values()].every((outcome) => outcome === 'duplicate')).toBe(true);
    for (const [key, writtenOff] of expected) {
      expect((await readRollup(f.dynamo, f.rollupsTableName, key))?.written_off_micros).toBe(writtenOff);
    }
  });

  it('shows write-offs to operators: what was charged plus what was written off is what the calls were priced at', async () => {
    for (const query of [`app_id=${appId}&group_by=day`, `app_id=${appId}&group_by=model`, 'group_by=model']) {
      const response = await get(`/admin/usage?${query}&from=${day}&to=${day}`, ADMIN);
      expect(response.status).toBe(200);
      const { totals } = (await response.json()) as { totals: Record<string, number> };
      expect(totals.written_off_micros).toBe(captureWrittenOff);
      expect(totals.cost_micros! + totals.written_off_micros!).toBe(capturePriced);
      expect(totals.cost_micros).toBe(totals.provider_cost_micros! + totals.margin_micros!);
    }
  });

  it('never shows write-offs to the app', async () => {
    const response = await get(`/internal/v1/apps/${appId}/usage?from=${day}&to=${day}`, SERVICE);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('"calls":1');
    expect(body).not.toMatch(/written_off|margin|provider_cost/);
  });
});
