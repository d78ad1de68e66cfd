// The owner's whole journey in headless Chromium (Debian's chromium driven by playwright-core): sign
// in with the emailed code (read from the dev outbox page), approve an app's connect request, top up
// through the local checkout, then see the balance and the app's usage. Screenshots of the wallet
// page go to test-artifacts/owner/. No skipping: without /usr/bin/chromium this test fails.
import { mkdirSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OwnerStack, appApi, chat, startOwnerStack } from './harness';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'owner');
const CHROMIUM_PATH = '/usr/bin/chromium';

let stack: OwnerStack;
let browser: Browser;
let appServer: Server;
let appOrigin: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // The app's own page the owner returns to.
  appServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://app');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Demo app</title><h1>Back in the app</h1><p id="status">${url.searchParams.get('status') ?? ''}</p><p id="state">${url.searchParams.get('state') ?? ''}</p>`);
  });
  await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
  appOrigin = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
  const [started, launched] = await Promise.all([
    startOwnerStack({ gateway: true }),
    chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    }),
  ]);
  stack = started;
  browser = launched;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await new Promise<void>((resolve) => (appServer ? appServer.close(() => resolve()) : resolve()));
});

describe('owner journey in headless Chromium', () => {
  it('signs in, approves an app, tops up through the local checkout and sees balance and usage', async () => {
    const app = await stack.createApp('Storybook AI', [appOrigin]);
    const created = await appApi(stack.gateway!.url, app.api_key, '/v1/connect/sessions', {
      app_user_id: 'reader-42',
      return_url: `${appOrigin}/fleeex/return`,
      monthly_cap_micros: 10_000_000,
      state: 'csrf-in-app',
    });
    expect(created.status).toBe(201);
    const { connect_url: connectUrl } = (await created.json()) as { connect_url: string };

    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();

    // 1. The connect link sends an unknown visitor to sign in.
    await page.goto(connectUrl);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/signin');
    await page.getByLabel('Email address').fill('reader@example.com');
    await page.getByRole('button', { name: 'Email me a code' }).click();
    await page.waitForURL(/\/signin\/code/);

    // 2. The code, from the dev-only outbox page (what `npm start` also prints).
    const outbox = await context.newPage();
    await outbox.goto(`${stack.ledger.url}/dev/outbox`);
    const code = (await outbox.getByTestId('outbox-code').first().textContent())!.trim();
    expect(code).toMatch(/^\d{6}$/);
    await outbox.close();
    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // 3. Consent: the app's name and ask; lower the cap and allow.
    await page.waitForURL(/\/connect\//);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('Storybook AI');
    await page.screenshot({ path: join(ARTIFACTS, 'consent.png'), fullPage: true });
    await page.getByLabel(/Monthly limit in EUR/).fill('7.50');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${appOrigin}/**`);
    expect(await page.locator('#status').textContent()).toBe('approved');
    expect(await page.locator('#state').textContent()).toBe('csrf-in-app');

    // 4. Top up €20 through the local checkout (clearly labelled test mode).
    await page.goto(`${stack.ledger.url}/wallet`);
    await expect.poll(() => page.getByTestId('balance').textContent()).toBe('€0.00');
    await page.getByLabel('€20.00').check();
    await page.getByRole('button', { name: 'Top up' }).click();
    await page.waitForURL(/\/checkout\/local\//);
    expect(await page.textContent('body')).toContain('LOCAL TEST MODE');
    await page.getByRole('button', { name: /Pay €20.00/ }).click();
    await page.waitForURL(/\/wallet/);
    await expect.poll(() => page.getByTestId('balance').textContent()).toBe('€20.00');

    // 5. The app spends for its user; the owner sees the usage, the app and what it spent.
    const call = await chat(stack.gateway!.url, app.api_key, 'reader-42', 'anthropic.claude-3-5-haiku-20241022-v1:0', 200);
    expect(call.status).toBe(200);
    await page.reload();
    const balanceText = (await page.getByTestId('balance').textContent())!;
    expect(balanceText).not.toBe('€20.00');
    expect(await page.getByTestId('entry-usage').count()).toBe(1);
    expect(await page.getByTestId('entry-usage').first().textContent()).toContain('Storybook AI');
    expect(await page.getByTestId('entry-topup').count()).toBe(1);
    expect(await page.getByTestId(`grant-${app.app_id}`).textContent()).toContain('of €7.50 monthly cap');
    await page.screenshot({ path: join(ARTIFACTS, 'wallet.png'), fullPage: true });

    // The same page on a phone.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(ARTIFACTS, 'wallet-phone.png'), fullPage: true });

    // Keyboard: the top-up amount is reachable and labelled.
    await page.getByLabel('Other amount in EUR').focus();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('custom-amount');
    await context.close();
  });
});
