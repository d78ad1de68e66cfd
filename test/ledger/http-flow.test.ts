// The ledger over HTTP, as the gateway and operators use it: auth, the internal hold/capture/release
// contract, the admin API and the generated spec.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../shared/api-keys';
import { CaptureResponseSchema, HoldResponseSchema, LedgerErrorBodySchema } from '../../shared/contracts/ledger-internal';
import { type LedgerServer, startLedgerServer } from '../../ledger/src/server';
import { testDynamoClient, uniqueTablePrefix } from '../harness/aws';
import { HAIKU } from './fixture';

const SERVICE_TOKEN = 'service-token-0123456789abcdef0123456789';
const SERVICE_TOKEN_OLD = 'service-token-old-0123456789abcdef012345';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789abcd';

let server: LedgerServer;

beforeAll(async () => {
  server = await startLedgerServer({
    dynamo: testDynamoClient(),
    tablePrefix: uniqueTablePrefix(),
    serviceTokens: [SERVICE_TOKEN, SERVICE_TOKEN_OLD],
    adminToken: ADMIN_TOKEN,
    ensureTables: true,
  });
});
afterAll(async () => {
  await server?.stop();
});

function call(method: string, path: string, token: string | null, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}
const admin = (method: string, path: string, body?: unknown) => call(method, path, ADMIN_TOKEN, body);
const internal = (method: string, path: string, body?: unknown) => call(method, `/internal/v1${path}`, SERVICE_TOKEN, body);

async function errorCode(response: Response): Promise<string> {
  return LedgerErrorBodySchema.parse(await response.json()).error.code;
}

async function seed(balanceMicros: number) {
  const app = await (await admin('POST', '/admin/apps', { name: 'Acme chat' })).json();
  const wallet = await (await admin('POST', '/admin/wallets', {})).json();
  const credit = await admin('POST', `/admin/wallets/${wallet.wallet_id}/adjustments`, {
    amount_micros: balanceMicros,
    reason: 'seed',
    idempotency_key: `seed-${wallet.wallet_id}`,
  });
  expect(credit.status).toBe(201);
  const grant = await admin('POST', '/admin/grants', { wallet_id: wallet.wallet_id, app_id: app.app_id, app_user_id: 'u-1' });
  expect(grant.status).toBe(201);
  return { app, wallet, keyHash: await hashApiKey(app.api_key) };
}

describe('ledger HTTP API', () => {
  it('refuses requests without a valid token, and accepts both service tokens', async () => {
    expect((await call('GET', '/internal/v1/prices/current', null)).status).toBe(401);
    expect((await call('GET', '/internal/v1/prices/current', 'wrong-token')).status).toBe(401);
    expect((await call('GET', '/internal/v1/prices/current', ADMIN_TOKEN)).status).toBe(401);
    expect((await call('GET', '/admin/prices', SERVICE_TOKEN)).status).toBe(401);
    expect(await errorCode(await call('POST', '/admin/apps', null, { name: 'x' }))).toBe('unauthorized');
    expect((await call('GET', '/internal/v1/prices/current', SERVICE_TOKEN)).status).toBe(200);
    expect((await call('GET', '/internal/v1/prices/current', SERVICE_TOKEN_OLD)).status).toBe(200);
  });

  it('runs hold -> capture and hold -> release through the internal API', async () => {
    const { app, wallet, keyHash } = await seed(2_000_000);
    const holdBody = { hold_id: 'hold_http_0001', api_key_hash: keyHash, app_user_id: 'u-1', model: HAIKU, input_tokens_estimate: 500, output_tokens_max: 200 };
    const created = await internal('POST', '/holds', holdBody);
    expect(created.status).toBe(201);
    const hold = HoldResponseSchema.parse(await created.json());
    expect(hold).toMatchObject({ app_id: app.app_id, wallet_id: wallet.wallet_id, output_tokens_max: 200 });
    const replay = await internal('POST', '/holds', holdBody);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual(hold);

    const captured = await internal('POST', '/holds/hold_http_0001/capture', { input_tokens: 480, output_tokens: 150, usage_source: 'provider' });
    expect(captured.status).toBe(200);
    const capture = CaptureResponseSchema.parse(await captured.json());
    expect(capture.charged_micros).toBe(capture.cost_micros);
    expect(capture.released_micros).toBe(hold.amount_micros - capture.charged_micros);

    const second = await internal('POST', '/holds', { ...holdBody, hold_id: 'hold_http_0002' });
    expect((await internal('POST', '/holds/hold_http_0002/release', { reason: 'client_cancelled' })).status).toBe(200);
    expect(second.status).toBe(201);
    expect(await errorCode(await internal('POST', '/holds/hold_http_0002/capture', { input_tokens: 1, output_tokens: 1, usage_source: 'provider' }))).toBe(
      'hold_already_resolved',
    );

    const balance = await (await admin('GET', `/admin/wallets/${wallet.wallet_id}`)).json();
    expect(balance).toEqual({
      wallet_id: wallet.wallet_id,
      currency: 'EUR',
      balance_micros: 2_000_000 - capture.charged_micros,
      held_micros: 0,
      available_micros: 2_000_000 - capture.charged_micros,
    });
  });

  it('maps hold refusals to their codes', async () => {
    const { keyHash } = await seed(1_000);
    const base = { api_key_hash: keyHash, app_user_id: 'u-1', model: HAIKU, input_tokens_estimate: 10, output_tokens_max: 100 };
    expect(await errorCode(await internal('POST', '/holds', { ...base, hold_id: 'hold_err_0001', model: 'nope.model' }))).toBe('model_not_found');
    expect(await errorCode(await internal('POST', '/holds', { ...base, hold_id: 'hold_err_0002', app_user_id: 'stranger' }))).toBe('wallet_not_authorized');
    expect(await errorCode(await internal('POST', '/holds', { ...base, hold_id: 'hold_err_0003', api_key_hash: 'a'.repeat(64) }))).toBe('invalid_api_key');
    const tooPoor = await internal('POST', '/holds', { ...base, hold_id: 'hold_err_0004', input_tokens_estimate: 100_000 });
    expect(tooPoor.status).toBe(409);
    expect(await errorCode(tooPoor)).toBe('insufficient_balance');
    expect(await errorCode(await internal('POST', '/holds', { ...base, hold_id: 'x' }))).toBe('invalid_request');
  });

  it('serves the OpenAPI document with every route', async () => {
    const spec = await (await fetch(`${server.url}/openapi.json`)).json();
    expect(spec.openapi).toBe('3.1.0');
    for (const path of ['/internal/v1/holds', '/internal/v1/holds/{hold_id}/capture', '/admin/apps', '/admin/wallets/{wallet_id}/entries', '/admin/grants']) {
      expect(spec.paths[path], path).toBeDefined();
    }
  });
});
