// Sign-in over HTTP against DynamoDB Local: codes from the local outbox, bounded attempts and sends,
// expiry, CSRF, session cookie flags, rotation and sign-out, one wallet per email.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNIN_CODE_ATTEMPTS_MAX, SIGNIN_CODE_TTL_MS, SIGNIN_SENDS_PER_EMAIL_MAX, WALLET_PAGE_ENTRIES } from '../../ledger/src/owner/limits';
import { Browser, type OwnerStack, startOwnerStack } from './harness';

let stack: OwnerStack;
const clock = { now: new Date('2026-03-10T12:00:00.000Z') };
const codeFor = (email: string) => stack.ledger.owner!.localMailer!.latestCodeFor(email);

beforeAll(async () => {
  stack = await startOwnerStack({ clock });
});
afterAll(async () => {
  await stack?.stop();
});

async function askCode(browser: Browser, email: string): Promise<Response> {
  const page = await browser.page('/signin');
  return browser.request('/signin', { form: { _csrf: page.csrf, email, next: '/wallet' } });
}

async function enterCode(browser: Browser, email: string, code: string): Promise<Response> {
  const page = await browser.page(`/signin/code?email=${encodeURIComponent(email)}`);
  return browser.request('/signin/code', { form: { _csrf: page.csrf, email, code, next: '/wallet' } });
}

describe('email code sign-in', () => {
  it('signs in with the emailed code, sets a safe session cookie and shows the wallet', async () => {
    const browser = new Browser(stack.ledger.url);
    expect((await browser.request('/wallet')).headers.get('location')).toBe('/signin?next=%2Fwallet');
    const where = await browser.signIn('Ada@Example.com', codeFor);
    expect(where).toBe('/wallet');
    const wallet = await browser.page('/wallet');
    expect(wallet.response.status).toBe(200);
    expect(wallet.html).toContain('Your wallet');
    expect(wallet.html).toContain('ada@example.com');
    expect(wallet.response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('marks the session cookie HttpOnly and SameSite=Lax, and rotates it on every sign-in', async () => {
    const browser = new Browser(stack.ledger.url);
    await askCode(browser, 'rotate@example.com');
    const page = await browser.page('/signin/code?email=rotate%40example.com');
    const response = await browser.request('/signin/code', {
      form: { _csrf: page.csrf, email: 'rotate@example.com', code: codeFor('rotate@example.com')!, next: '/wallet' },
    });
    const setCookie = response.headers.getSetCookie().find((line) => line.startsWith('fx_session='))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/); // local mode over plain http
    const first = browser.cookie('fx_session');
    // Signing in again from the same browser (the code page does not redirect signed-in owners).
    const codePage = await browser.page('/signin/code?email=rotate%40example.com');
    expect((await browser.request('/signin', { form: { _csrf: codePage.csrf, email: 'rotate@example.com', next: '/wallet' } })).status).toBe(303);
    expect((await enterCode(browser, 'rotate@example.com', codeFor('rotate@example.com')!)).status).toBe(303);
    const second = browser.cookie('fx_session');
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    // The old session id no longer works.
    const stale = new Browser(stack.ledger.url);
    const staleResponse = await stale.request('/wallet', { headers: { cookie: `fx_session=${first}` } });
    expect(staleResponse.status).toBe(303);
  });

  it('refuses a wrong code, then burns the code after the allowed attempts', async () => {
    const browser = new Browser(stack.ledger.url);
    const email = 'guess@example.com';
    await askCode(browser, email);
    const right = codeFor(email)!;
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < SIGNIN_CODE_ATTEMPTS_MAX; i++) {
      const response = await enterCode(browser, email, wrong);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('not right');
    }
    const blocked = await enterCode(browser, email, right);
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toContain('Too many wrong codes');
    expect(browser.cookie('fx_session')).toBeUndefined();
  });

  it('refuses an expired code and a code used twice', async () => {
    const browser = new Browser(stack.ledger.url);
    const email = 'late@example.com';
    await askCode(browser, email);
    const code = codeFor(email)!;
    clock.now = new Date(clock.now.getTime() + SIGNIN_CODE_TTL_MS + 1_000);
    const late = await enterCode(browser, email, code);
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('expired');

    await askCode(browser, email);
    const fresh = codeFor(email)!;
    expect((await enterCode(browser, email, fresh)).status).toBe(303);
    const again = await enterCode(new Browser(stack.ledger.url), email, fresh);
    expect(again.status).toBe(400);
  });

  it('limits how many codes one email can ask for', async () => {
    const email = 'spam@example.com';
    const statuses: number[] = [];
    for (let i = 0; i < SIGNIN_SENDS_PER_EMAIL_MAX + 2; i++) {
      statuses.push((await askCode(new Browser(stack.ledger.url), email)).status);
    }
    expect(statuses.filter((s) => s === 303)).toHaveLength(SIGNIN_SENDS_PER_EMAIL_MAX);
    expect(statuses.slice(SIGNIN_SENDS_PER_EMAIL_MAX)).toEqual([429, 429]);
  });

  it('refuses form posts without a valid CSRF token or from another origin', async () => {
    const browser = new Browser(stack.ledger.url);
    await browser.page('/signin');
    const missing = await browser.request('/signin', { form: { email: 'x@example.com', next: '/wallet' } });
    expect(missing.status).toBe(403);
    const page = await browser.page('/signin');
    const forged = await browser.request('/signin', { form: { _csrf: page.csrf.replace(/^./, (ch) => (ch === 'a' ? 'b' : 'a')), email: 'x@example.com' } });
    expect(forged.status).toBe(403);
    const crossSite = await browser.request('/signin', { form: { _csrf: page.csrf, email: 'x@example.com' }, headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    const ok = await browser.request('/signin', { form: { _csrf: page.csrf, email: 'x@example.com', next: '/wallet' } });
    expect(ok.status).toBe(303);
  });

  it('signs out: the session is gone server-side', async () => {
    const browser = new Browser(stack.ledger.url);
    await browser.signIn('bye@example.com', codeFor);
    const session = browser.cookie('fx_session')!;
    const wallet = await browser.page('/wallet');
    expect((await browser.request('/signout', { form: { _csrf: wallet.csrf } })).status).toBe(303);
    expect(browser.cookie('fx_session')).toBeUndefined();
    const replay = await new Browser(stack.ledger.url).request('/wallet', { headers: { cookie: `fx_session=${session}` } });
    expect(replay.status).toBe(303);
  });

  it('gives one email one wallet, even when first sign-ins race', async () => {
    const signin = stack.ledger.owner!.signin;
    const ids = await Promise.all(Array.from({ length: 8 }, () => signin.ensureWallet('race@example.com')));
    expect(new Set(ids).size).toBe(1);
    expect(await signin.ensureWallet('race@example.com')).toBe(ids[0]);
  });

  it('never redirects off-site after sign-in', async () => {
    const browser = new Browser(stack.ledger.url);
    const where = await browser.signIn('next@example.com', codeFor, '//evil.example/x');
    expect(where).toBe('/wallet');
  });

  it('pages the wallet history and refuses out-of-range top-ups', async () => {
    const browser = new Browser(stack.ledger.url);
    await browser.signIn('pages@example.com', codeFor);
    const walletId = await stack.ledger.owner!.signin.ensureWallet('pages@example.com');
    for (let i = 0; i < WALLET_PAGE_ENTRIES + 5; i++) {
      const response = await stack.admin(`/admin/wallets/${walletId}/adjustments`, { body: { amount_micros: 10_000, reason: 'test credit', idempotency_key: `page-${i}` } });
      expect(response.status).toBe(201);
    }
    const first = await browser.page('/wallet');
    expect(first.html.match(/data-testid="entry-adjustment"/g)).toHaveLength(WALLET_PAGE_ENTRIES);
    const older = /href="(\/wallet\?cursor=\d+)#history-h"/.exec(first.html)![1]!;
    const second = await browser.page(older);
    expect(second.html.match(/data-testid="entry-adjustment"/g)).toHaveLength(5);
    expect(second.html).not.toContain('>Older<');

    for (const amount of ['4.99', '500.01', '10.001', 'ten']) {
      const response = await browser.request('/wallet/topups', { form: { _csrf: first.csrf, preset: 'custom', custom_amount: amount } });
      expect(response.status, amount).toBe(400);
    }
  });
});
