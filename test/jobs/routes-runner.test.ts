// The jobs running as under `npm start` (relay loop, consumer pollers on local SQS, reconciliation
// interval) behind the ledger's real HTTP app: usage appears at /admin/usage and at the internal
// route the gateway uses, reconciliation can be triggered and read, and everything stops cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerApp } from '../../ledger/src/app';
import { startJobs, type RunningJobs } from '../../ledger/src/jobs/local-runner';
import { createJobRouteServices } from '../../ledger/src/jobs/mount';
import { registerJobRoutes } from '../../ledger/src/jobs/routes';
import { eventually } from './helpers';
import { HAIKU, pipelineFixture } from './ledger-fixture';

const ADMIN = 'admin-token-for-jobs-test';
const SERVICE = 'service-token-for-jobs-test';
let f: Awaited<ReturnType<typeof pipelineFixture>>;
let jobs: RunningJobs;
let app: ReturnType<typeof createLedgerApp>;
let appId = '';
let otherAppId = '';
const quiet = () => undefined;

beforeAll(async () => {
  f = await pipelineFixture();
  const jobServices = createJobRouteServices({ dynamo: f.dynamo, tablePrefix: f.prefix, holds: f.ledger.holds, clock: f.clock.now, log: quiet });
  app = createLedgerApp({ ledger: f.ledger, serviceTokens: [SERVICE], adminToken: ADMIN });
  registerJobRoutes(app, jobServices);
  jobs = await startJobs({
    dynamo: f.dynamo,
    sqs: f.sqs,
    tablePrefix: f.prefix,
    jobServices,
    queueName: `${f.prefix}runner`,
    relayIntervalMs: 50,
    reconcileIntervalMs: 60_000,
    log: quiet,
  });
  const created = await f.app('runner');
  const other = await f.app('other');
  appId = created.appId;
  otherAppId = other.appId;
  const p = await f.payer(appId, 5_000_000);
  await f.grantTo(p.walletId, otherAppId);
  for (const [index, [hash, output]] of [
    [created.apiKeyHash, 200],
    [created.apiKeyHash, 300],
    [other.apiKeyHash, 999],
  ].entries()) {
    const holdId = `hold_runner_${index}`;
    await f.ledger.holds.hold({ hold_id: holdId, api_key_hash: hash as string, app_user_id: p.appUserId, model: HAIKU, input_tokens_estimate: 100, output_tokens_max: 1_000 });
    await f.ledger.holds.capture(holdId, { input_tokens: 100, output_tokens: output as number, usage_source: 'provider' });
  }
});

afterAll(async () => {
  await jobs?.stop();
});

const day = '2026-03-10';
const get = (path: string, token: string) => app.request(path, { headers: { authorization: `Bearer ${token}` } });

describe('jobs under npm start', () => {
  it('relays, consumes and reports usage per day and per model to operators', async () => {
    await eventually('usage visible', async () => {
      const response = await get(`/admin/usage?app_id=${appId}&from=${day}&to=${day}`, ADMIN);
      return ((await response.json()) as { totals: { calls: number } }).totals.calls === 2;
    });
    const byModel = await get(`/admin/usage?app_id=${appId}&from=2026-03-01&to=2026-03-31&group_by=model`, ADMIN);
    expect(byModel.status).toBe(200);
    const body = (await byModel.json()) as { data: Array<Record<string, unknown>>; totals: Record<string, number> };
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ day: null, model: HAIKU, calls: 2, input_tokens: 200, output_tokens: 500 });
    expect(body.totals.cost_micros).toBe(body.totals.provider_cost_micros! + body.totals.margin_micros!);
    expect(body.totals.margin_micros).toBeGreaterThan(0);

    await eventually('every app', async () => {
      const all = (await (await get(`/admin/usage?from=${day}&to=${day}`, ADMIN)).json()) as { totals: { calls: number } };
      return all.totals.calls === 3;
    });
  });

  it('serves an app only its own usage to the gateway, without provider cost or margin', async () => {
    const response = await get(`/internal/v1/apps/${appId}/usage?from=${day}&to=${day}`, SERVICE);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { app_id: string; data: Array<Record<string, unknown>>; totals: Record<string, unknown> };
    expect(body.app_id).toBe(appId);
    expect(body.data).toEqual([expect.objectContaining({ day, model: null, calls: 2, output_tokens: 500 })]);
    expect(Object.keys(body.totals).sort()).toEqual(['calls', 'cost_micros', 'input_tokens', 'output_tokens']);
    expect(JSON.stringify(body)).not.toMatch(/margin|provider_cost/);

    expect((await get(`/internal/v1/apps/${appId}/usage?from=${day}&to=${day}`, ADMIN)).status).toBe(401);
    expect((await get(`/admin/usage?from=${day}&to=${day}`, SERVICE)).status).toBe(401);
  });

  it('refuses bad ranges with invalid_request', async () => {
    for (const query of ['from=2026-03-10&to=2026-03-01', 'from=2026-01-01&to=2026-12-31', 'from=yesterday&to=2026-03-01', 'from=2026-03-01&to=2026-03-02&group_by=hour']) {
      const response = await get(`/admin/usage?${query}`, ADMIN);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    }
  });

  it('documents its routes in the ledger OpenAPI spec', async () => {
    const spec = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>> };
    expect(spec.paths['/admin/usage']?.get?.parameters?.map((parameter) => parameter.name).sort()).toEqual(['app_id', 'from', 'group_by', 'to']);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/admin/reconciliation', '/admin/reconciliation/runs', '/internal/v1/apps/{app_id}/usage']),
    );
  });

  it('runs reconciliation on demand and reports it', async () => {
    const run = await app.request('/admin/reconciliation/runs', { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(run.status).toBe(200);
    const runBody = (await run.json()) as { run_id: string; wallets_checked: number; drifts: unknown[] };
    expect(runBody.wallets_checked).toBe(1);
    expect(runBody.drifts).toEqual([]);
    const report = await get('/admin/reconciliation', ADMIN);
    expect(report.status).toBe(200);
    expect(((await report.json()) as { latest_run: { run_id: string } }).latest_run.run_id).toBe(runBody.run_id);
    expect((await get('/admin/reconciliation', SERVICE)).status).toBe(401);
  });
});
