// The operator API: auth on every route, 400 with a stable code for bad input, keys shown once and
// stored only as a hash, adjustments (replay, conflict, never below zero), entries paging, prices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../shared/api-keys';
import { LedgerErrorBodySchema } from '../../shared/contracts/ledger-internal';
import { seedPriceVersion } from '../../shared/price-seed';
import { type LedgerServer, startLedgerServer } from '../../ledger/src/server';
import { testDynamoClient, uniqueTablePrefix } from '../harness/aws';
import { scanAll } from './invariants';

const SERVICE_TOKEN = 'svc-0123456789abcdef0123456789abcdef0123';
const ADMIN_TOKEN = 'adm-0123456789abcdef0123456789abcdef0123';
const client = testDynamoClient();
const prefix = uniqueTablePrefix();
let server: LedgerServer;

beforeAll(async () => {
  server = await startLedgerServer({ dynamo: client, tablePrefix: prefix, serviceTokens: [SERVICE_TOKEN], adminToken: ADMIN_TOKEN, ensureTables: true });
});
afterAll(async () => {
  await server?.stop();
});

function admin(method: string, path: string, body?: unknown, init: { token?: string | null; contentType?: string; raw?: string } = {}) {
  const headers: Record<string, string> = {};
  const token = init.token === undefined ? ADMIN_TOKEN : init.token;
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined || init.raw !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  return fetch(`${server.url}${path}`, { method, headers, body: init.raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
}

async function codeOf(response: Response): Promise<string> {
  return LedgerErrorBodySchema.parse(await response.json()).error.code;
}

const ROUTES: Array<[string, string]> = [
  ['POST', '/admin/apps'],
  ['POST', '/admin/apps/app_x/keys'],
  ['DELETE', '/admin/apps/app_x/keys/key_x'],
  ['POST', '/admin/wallets'],
  ['GET', '/admin/wallets/wal_x'],
  ['GET', '/admin/wallets/wal_x/entries'],
  ['POST', '/admin/wallets/wal_x/adjustments'],
  ['GET', '/admin/prices'],
  ['POST', '/admin/prices'],
  ['POST', '/admin/grants'],
  ['DELETE', '/admin/grants/wal_x/app_x'],
];

describe('admin API', () => {
  it('requires the admin token on every route', async () => {
    for (const [method, path] of ROUTES) {
      for (const token of [null, 'nope', SERVICE_TOKEN, `${ADMIN_TOKEN}x`]) {
        const response = await admin(method, path, method === 'GET' ? undefined : {}, { token });
        expect(response.status, `${method} ${path} with ${token}`).toBe(401);
        expect(await codeOf(response)).toBe('unauthorized');
      }
    }
  });

  it('answers bad input with 400 invalid_request (and 415 for a non-JSON body)', async () => {
    const bad: Array<[string, string, unknown]> = [
      ['POST', '/admin/apps', {}],
      ['POST', '/admin/apps', { name: '' }],
      ['POST', '/admin/apps', { name: 'x'.repeat(129) }],
      ['POST', '/admin/apps', { name: 'ok', return_origins: ['https://ok.example/path'] }],
      ['POST', '/admin/wallets/wal_x/adjustments', { amount_micros: 1.5, reason: 'r', idempotency_key: 'k' }],
      ['POST', '/admin/wallets/wal_x/adjustments', { amount_micros: 0, reason: 'r', idempotency_key: 'k' }],
      ['POST', '/admin/wallets/wal_x/adjustments', { amount_micros: 5, reason: '', idempotency_key: 'k' }],
      ['POST', '/admin/prices', { effective_from: 'tomorrow', models: [] }],
      ['POST', '/admin/grants', { wallet_id: 'wal_x' }],
    ];
    for (const [method, path, body] of bad) {
      const response = await admin(method, path, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await codeOf(response)).toBe('invalid_request');
    }
    const malformed = await admin('POST', '/admin/apps', undefined, { raw: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(await codeOf(malformed)).toBe('invalid_request');
    const form = await admin('POST', '/admin/apps', undefined, { raw: 'name=x', contentType: 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(await codeOf(await admin('GET', '/admin/wallets/wal_x/entries?limit=0'))).toBe('invalid_request');
    expect(await codeOf(await admin('GET', '/admin/nothing-here'))).toBe('not_found');
  });

  it('shows an app key once and stores only its hash', async () => {
    const created = await admin('POST', '/admin/apps', { name: 'Key test', return_origins: ['https://app.example'] });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const app = await created.json();
    expect(app.api_key).toMatch(/^fx_sk_[A-Za-z0-9_-]{43}$/);
    const second = await (await admin('POST', `/admin/apps/${app.app_id}/keys`)).json();
    expect(second.api_key).not.toBe(app.api_key);

    const stored = JSON.stringify(await scanAll(client, prefix));
    for (const key of [app.api_key, second.api_key]) {
      expect(stored).not.toContain(key);
      expect(stored).not.toContain(key.slice(6));
      expect(stored).toContain(await hashApiKey(key));
    }

    const authenticate = (hash: string) =>
      fetch(`${server.url}/internal/v1/apps/authenticate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SERVICE_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ api_key_hash: hash }),
      });
    const ok = await authenticate(await hashApiKey(app.api_key));
    expect(await ok.json()).toEqual({ app_id: app.app_id, app_name: 'Key test', key_id: app.key_id });
    expect((await admin('DELETE', `/admin/apps/${app.app_id}/keys/${app.key_id}`)).status).toBe(204);
    expect((await admin('DELETE', `/admin/apps/${app.app_id}/keys/${app.key_id}`)).status).toBe(204);
    expect(await codeOf(await authenticate(await hashApiKey(app.api_key)))).toBe('invalid_api_key');
    expect((await authenticate(await hashApiKey(second.api_key))).status).toBe(200);
    expect(await codeOf(await admin('DELETE', `/admin/apps/${app.app_id}/keys/key_nope`))).toBe('not_found');
    expect(await codeOf(await admin('POST', '/admin/apps/app_nope/keys'))).toBe('not_found');
  });

  it('posts adjustments once, refuses to go below zero, and pages entries newest first', async () => {
    const wallet = await (await admin('POST', '/admin/wallets', { owner_email: 'Ann@Example.com' })).json();
    expect(wallet).toMatchObject({ balance_micros: 0, owner_email: 'ann@example.com' });
    const path = `/admin/wallets/${wallet.wallet_id}/adjustments`;
    const credit = { amount_micros: 1_000_000, reason: 'welcome credit', idempotency_key: `welcome-${wallet.wallet_id}` };
    const first = await admin('POST', path, credit);
    expect(first.status).toBe(201);
    const entry = await first.json();
    expect(entry).toMatchObject({ type: 'adjustment', amount_micros: 1_000_000, balance_after_micros: 1_000_000, app_id: null, model: null });
    const replay = await admin('POST', path, credit);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual(entry);
    expect(await codeOf(await admin('POST', path, { ...credit, amount_micros: 2 }))).toBe('idempotency_conflict');
    const overdraw = await admin('POST', path, { amount_micros: -1_000_001, reason: 'too much', idempotency_key: `over-${wallet.wallet_id}` });
    expect(overdraw.status).toBe(409);
    expect(await codeOf(overdraw)).toBe('insufficient_balance');
    for (let i = 0; i < 4; i++) {
      expect((await admin('POST', path, { amount_micros: -1_000, reason: 'fee', idempotency_key: `fee-${i}-${wallet.wallet_id}` })).status).toBe(201);
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const body: { data: Array<{ balance_after_micros: number }>; next_cursor: string | null } = await (
        await admin('GET', `/admin/wallets/${wallet.wallet_id}/entries${query}`)
      ).json();
      for (const e of body.data) seen.push(e.balance_after_micros);
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([996_000, 997_000, 998_000, 999_000, 1_000_000]);
    expect(await codeOf(await admin('GET', `/admin/wallets/${wallet.wallet_id}/entries?cursor=abc`))).toBe('invalid_request');
    expect(await codeOf(await admin('GET', '/admin/wallets/wal_nope'))).toBe('not_found');
  });

  it('lists prices and publishes new immutable versions', async () => {
    const listed = await (await admin('GET', '/admin/prices')).json();
    expect(listed.current_version).toBe(1);
    const next = { ...seedPriceVersion(), effective_from: '2026-02-01T00:00:00.000Z', note: 'v2' };
    const published = await admin('POST', '/admin/prices', next);
    expect(published.status).toBe(201);
    expect(await published.json()).toMatchObject({ version: 2, note: 'v2' });
    const after = await (await admin('GET', '/admin/prices')).json();
    expect(after.data.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('creates grants idempotently and revokes them', async () => {
    const app = await (await admin('POST', '/admin/apps', { name: 'Grant test' })).json();
    const wallet = await (await admin('POST', '/admin/wallets', {})).json();
    const body = { wallet_id: wallet.wallet_id, app_id: app.app_id, app_user_id: 'user-1', monthly_cap_micros: 5_000_000 };
    const first = await admin('POST', '/admin/grants', body);
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ status: 'active', monthly_cap_micros: 5_000_000, cap_remaining_micros: 5_000_000 });
    expect(await (await admin('POST', '/admin/grants', body)).json()).toMatchObject({ status: 'active', cap_spent_micros: 0 });
    expect((await admin('DELETE', `/admin/grants/${wallet.wallet_id}/${app.app_id}`)).status).toBe(204);
    expect(await codeOf(await admin('DELETE', `/admin/grants/${wallet.wallet_id}/app_nope`))).toBe('not_found');
    expect(await codeOf(await admin('POST', '/admin/grants', { ...body, wallet_id: 'wal_nope' }))).toBe('not_found');
  });
});
