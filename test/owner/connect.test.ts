// The connect flow over HTTP: app server -> gateway -> ledger -> owner's browser -> back to the app,
// then the gateway serving (or refusing) that app's user. DynamoDB Local, the Bedrock simulator, the
// real gateway and ledger, all in-process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECT_SESSION_TTL_MS } from '../../ledger/src/owner/limits';
import { type OwnerStack, Browser, appApi, chat, startOwnerStack, topUpThroughCheckout } from './harness';

let stack: OwnerStack;
let gw: string;
const clock = { now: new Date() };
let appA: { app_id: string; api_key: string };
let appB: { app_id: string; api_key: string };
let owner: Browser;
const codeFor = (email: string) => stack.ledger.owner!.localMailer!.latestCodeFor(email);

beforeAll(async () => {
  stack = await startOwnerStack({ clock, gateway: true });
  gw = stack.gateway!.url;
  appA = await stack.createApp('Acme Writer', ['https://acme.example']);
  appB = await stack.createApp('Other App', ['https://other.example']);
  owner = new Browser(stack.ledger.url);
  await owner.signIn('owner@example.com', codeFor);
  await topUpThroughCheckout(owner, '20');
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

async function startSession(apiKey: string, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await appApi(gw, apiKey, '/v1/connect/sessions', body);
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function decide(browser: Browser, connectUrl: string, decision: 'approve' | 'deny', cap?: string): Promise<Response> {
  const path = new URL(connectUrl).pathname;
  const page = await browser.page(path);
  expect(page.response.status).toBe(200);
  const form: Record<string, string> = { _csrf: page.csrf, decision };
  if (cap !== undefined) form['monthly_cap'] = cap;
  return browser.request(path, { form });
}

async function status(apiKey: string, appUserId: string) {
  const response = await appApi(gw, apiKey, `/v1/connect/status?app_user_id=${encodeURIComponent(appUserId)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { connected: boolean; can_spend: boolean; monthly_cap_micros: number | null; spent_this_month_micros: number };
}

describe('connect flow', () => {
  it('approves: the owner signs in from the link, sees the app and the ask, and the gateway then serves the user', async () => {
    expect((await chat(gw, appA.api_key, 'writer-1')).status).toBe(403);
    expect(await status(appA.api_key, 'writer-1')).toMatchObject({ connected: false, can_spend: false });

    const created = await startSession(appA.api_key, {
      app_user_id: 'writer-1',
      return_url: 'https://acme.example/fleeex/back?from=settings',
      monthly_cap_micros: 5_000_000,
      state: 'xyz-123',
    });
    expect(created.status).toBe(201);
    const connectUrl = created.json['connect_url'] as string;
    expect(connectUrl.startsWith(`${stack.ledger.url}/connect/`)).toBe(true);
    expect(Date.parse(created.json['expires_at'] as string)).toBeGreaterThan(Date.now());

    // A fresh browser is sent to sign in first, then back to the consent page.
    const fresh = new Browser(stack.ledger.url);
    const redirect = await fresh.request(new URL(connectUrl).pathname);
    expect(redirect.status).toBe(303);
    const next = new URL(redirect.headers.get('location')!, stack.ledger.url).searchParams.get('next')!;
    expect(next).toBe(new URL(connectUrl).pathname);
    expect(await fresh.signIn('owner@example.com', codeFor, next)).toBe(next);

    const consent = await fresh.page(next);
    expect(consent.html).toContain('Acme Writer');
    expect(consent.html).toContain('€5.00');
    expect(consent.html).toContain('https://acme.example');

    const approved = await decide(fresh, connectUrl, 'approve', '2.50');
    expect(approved.status).toBe(303);
    const back = new URL(approved.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('https://acme.example/fleeex/back');
    expect(Object.fromEntries(back.searchParams)).toEqual({ from: 'settings', status: 'approved', state: 'xyz-123' });

    const served = await chat(gw, appA.api_key, 'writer-1');
    expect(served.status).toBe(200);
    const st = await status(appA.api_key, 'writer-1');
    expect(st).toMatchObject({ connected: true, can_spend: true, monthly_cap_micros: 2_500_000 });
    expect(st.spent_this_month_micros).toBeGreaterThan(0);
    expect(JSON.stringify(st)).not.toContain('balance');

    // The link cannot be used twice.
    const reuse = await owner.request(new URL(connectUrl).pathname);
    expect(reuse.status).toBe(410);
  });

  it('refuses to raise the cap the app asked for', async () => {
    const created = await startSession(appA.api_key, { app_user_id: 'writer-2', return_url: 'https://acme.example/back', monthly_cap_micros: 1_000_000 });
    const raised = await decide(owner, created.json['connect_url'] as string, 'approve', '3');
    expect(raised.status).toBe(400);
    expect((await status(appA.api_key, 'writer-2')).connected).toBe(false);
  });

  it('denies: back to the app with status=denied and nothing granted', async () => {
    const created = await startSession(appA.api_key, { app_user_id: 'writer-3', return_url: 'https://acme.example/back', state: 's3' });
    const denied = await decide(owner, created.json['connect_url'] as string, 'deny');
    expect(denied.status).toBe(303);
    const back = new URL(denied.headers.get('location')!);
    expect(back.searchParams.get('status')).toBe('denied');
    expect(back.searchParams.get('state')).toBe('s3');
    expect((await chat(gw, appA.api_key, 'writer-3')).status).toBe(403);
    expect((await status(appA.api_key, 'writer-3')).connected).toBe(false);
  });

  it('refuses an expired session', async () => {
    const created = await startSession(appA.api_key, { app_user_id: 'writer-4', return_url: 'https://acme.example/back' });
    const path = new URL(created.json['connect_url'] as string).pathname;
    const page = await owner.page(path);
    clock.now = new Date(clock.now.getTime() + CONNECT_SESSION_TTL_MS + 1_000);
    try {
      expect((await owner.request(path)).status).toBe(410);
      const late = await owner.request(path, { form: { _csrf: page.csrf, decision: 'approve' } });
      expect(late.status).toBe(410);
      expect((await status(appA.api_key, 'writer-4')).connected).toBe(false);
    } finally {
      clock.now = new Date();
    }
  });

  it('refuses a return_url on an origin the app did not register', async () => {
    for (const url of ['https://evil.example/back', 'https://acme.example.evil.example/x', 'http://acme.example/back', 'https://user:pw@acme.example/']) {
      const created = await startSession(appA.api_key, { app_user_id: 'writer-5', return_url: url });
      expect(created.status, url).toBe(400);
      expect((created.json['error'] as { code: string }).code, url).toBe('return_url_not_allowed');
    }
    expect((await startSession(appA.api_key, { app_user_id: 'writer-5', return_url: 'javascript:alert(1)' })).status).toBe(400);
  });

  it("keeps apps apart: one app cannot use another app's grant, status or return origin", async () => {
    // writer-1 approved Acme; the same user id means nothing to another app.
    expect((await chat(gw, appB.api_key, 'writer-1')).status).toBe(403);
    expect((await status(appB.api_key, 'writer-1')).connected).toBe(false);
    // Another app cannot start a session that returns to Acme.
    const hijack = await startSession(appB.api_key, { app_user_id: 'writer-1', return_url: 'https://acme.example/back' });
    expect(hijack.status).toBe(400);
    // A session B started, approved by the owner, grants B only.
    const created = await startSession(appB.api_key, { app_user_id: 'b-user', return_url: 'https://other.example/cb' });
    expect((await decide(owner, created.json['connect_url'] as string, 'approve')).status).toBe(303);
    expect((await chat(gw, appB.api_key, 'b-user')).status).toBe(200);
    expect((await chat(gw, appA.api_key, 'b-user')).status).toBe(403);
    // Without a key, nothing.
    expect((await fetch(`${gw}/v1/connect/status?app_user_id=b-user`)).status).toBe(401);
  });

  it('revoke: the very next call from the app is refused', async () => {
    const created = await startSession(appA.api_key, { app_user_id: 'writer-6', return_url: 'https://acme.example/back' });
    await decide(owner, created.json['connect_url'] as string, 'approve');
    expect((await chat(gw, appA.api_key, 'writer-6')).status).toBe(200);
    const wallet = await owner.page('/wallet');
    expect(wallet.html).toContain('Acme Writer');
    const revoked = await owner.request(`/wallet/grants/${appA.app_id}/revoke`, { form: { _csrf: wallet.csrf } });
    expect(revoked.status).toBe(303);
    const refused = await chat(gw, appA.api_key, 'writer-6');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('wallet_not_authorized');
    expect((await status(appA.api_key, 'writer-6')).connected).toBe(false);
  });

  it('cap reached: 402 app_cap_exceeded, and raising the cap on the wallet page lets the app spend again', async () => {
    const created = await startSession(appB.api_key, { app_user_id: 'capped', return_url: 'https://other.example/cb', monthly_cap_micros: 2_000 });
    await decide(owner, created.json['connect_url'] as string, 'approve', '0.002');
    let last: Response | undefined;
    for (let i = 0; i < 20; i++) {
      last = await chat(gw, appB.api_key, 'capped', 'anthropic.claude-sonnet-4-20250514-v1:0', 64);
      if (last.status !== 200) break;
    }
    expect(last!.status).toBe(402);
    expect(((await last!.json()) as { error: { code: string } }).error.code).toBe('app_cap_exceeded');
    const capped = await status(appB.api_key, 'capped');
    expect(capped.spent_this_month_micros).toBeGreaterThan(0);
    expect(capped.spent_this_month_micros).toBeLessThanOrEqual(2_000);

    const wallet = await owner.page('/wallet');
    const saved = await owner.request(`/wallet/grants/${appB.app_id}/cap`, { form: { _csrf: wallet.csrf, monthly_cap: '1' } });
    expect(saved.status).toBe(303);
    expect((await chat(gw, appB.api_key, 'capped', 'anthropic.claude-sonnet-4-20250514-v1:0', 64)).status).toBe(200);
  });
});
