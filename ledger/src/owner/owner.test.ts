// Pure pieces of the owner flows: return URLs, redirects after sign-in, typed amounts, configuration,
// and the production gate (no dev outbox, no local checkout).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OpenAPIHono } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { safeNext } from '../pages/respond';
import { parseCap, parseTypedEur } from '../pages/routes/wallet';
import { devPagesEnabled, parseOwnerConfig, usesLocalCheckout } from './config';
import { originOf, returnUrlWithOutcome } from './connect';
import { registerOwnerRoutes } from './index';
import type { LedgerPort } from './ports';
import { createOwnerServices } from './services';

const PRODUCTION_ENV = {
  FLEEEX_ENV: 'production',
  FLEEEX_LEDGER_PUBLIC_URL: 'https://wallet.fleeex.example',
  FLEEEX_OWNER_SECRET: 'x'.repeat(40),
  STRIPE_SECRET_KEY: 'sk_test_123',
  STRIPE_WEBHOOK_SECRET: 'whsec_123',
  FLEEEX_MAIL_FROM: 'no-reply@fleeex.example',
};

describe('return URLs', () => {
  it('accepts only absolute http(s) URLs without credentials', () => {
    expect(originOf('https://app.example/a?b=1')).toBe('https://app.example');
    expect(originOf('http://127.0.0.1:3000/x')).toBe('http://127.0.0.1:3000');
    for (const bad of ['javascript:alert(1)', '/relative', 'ftp://app.example/', 'https://u:p@app.example/', 'not a url']) {
      expect(originOf(bad), bad).toBeNull();
    }
  });

  it('appends the outcome and the state, keeping the app query', () => {
    const url = new URL(returnUrlWithOutcome('https://app.example/cb?x=1', 'approved', 'a&b=c'));
    expect(url.searchParams.get('x')).toBe('1');
    expect(url.searchParams.get('status')).toBe('approved');
    expect(url.searchParams.get('state')).toBe('a&b=c');
    expect(new URL(returnUrlWithOutcome('https://app.example/cb', 'denied', null)).search).toBe('?status=denied');
  });
});

describe('redirect after sign-in', () => {
  it('follows same-site paths only', () => {
    expect(safeNext('/connect/cs_abc')).toBe('/connect/cs_abc');
    expect(safeNext('/wallet?cursor=12')).toBe('/wallet?cursor=12');
    for (const bad of ['//evil.example', 'https://evil.example', '/\\evil.example', 'javascript:x', undefined, 42, `/${'a'.repeat(600)}`]) {
      expect(safeNext(bad)).toBe('/wallet');
    }
  });
});

describe('typed amounts', () => {
  it('parses euros exactly, with a comma or a dot', () => {
    expect(parseTypedEur('15')).toBe(15_000_000);
    expect(parseTypedEur(' 15,50 ')).toBe(15_500_000);
    expect(parseTypedEur('0.000001')).toBe(1);
    for (const bad of ['', 'abc', '1e3', '1.0000001', '15 EUR']) expect(() => parseTypedEur(bad), bad).toThrow();
  });

  it('reads an empty cap as no cap and bounds the rest', () => {
    expect(parseCap('')).toBeNull();
    expect(parseCap(undefined)).toBeNull();
    expect(parseCap('7.5')).toBe(7_500_000);
    expect(() => parseCap('-1')).toThrow();
    expect(() => parseCap('100000.01')).toThrow();
  });
});

describe('configuration', () => {
  it('defaults to local mode with the local checkout and dev pages', () => {
    const config = parseOwnerConfig({});
    expect(config.mode).toBe('local');
    expect(usesLocalCheckout(config)).toBe(true);
    expect(devPagesEnabled(config)).toBe(true);
    expect(config.secureCookies).toBe(false);
    expect(config.webhookSecret).toMatch(/^whsec_local_/);
  });

  it('fails closed in production without every secret, naming what is missing', () => {
    expect(() => parseOwnerConfig({ FLEEEX_ENV: 'production' })).toThrow(/STRIPE_SECRET_KEY/);
    // On ECS without FLEEEX_ENV: production, not local.
    expect(() => parseOwnerConfig({ ECS_CONTAINER_METADATA_URI_V4: 'http://169.254.170.2/v4/x' })).toThrow(/FLEEEX_ENV=production/);
    const { FLEEEX_OWNER_SECRET: _secret, ...withoutSecret } = PRODUCTION_ENV;
    expect(() => parseOwnerConfig(withoutSecret)).toThrow(/FLEEEX_OWNER_SECRET/);
    expect(() => parseOwnerConfig({ STRIPE_SECRET_KEY: 'sk_test_1' })).toThrow(/STRIPE_WEBHOOK_SECRET/);
    const config = parseOwnerConfig(PRODUCTION_ENV);
    expect(config.secureCookies).toBe(true);
    expect(usesLocalCheckout(config)).toBe(false);
    expect(devPagesEnabled(config)).toBe(false);
  });

  it('never serves the dev outbox or the local checkout in production', async () => {
    const unreachable = new Proxy({}, { get: () => () => Promise.reject(new Error('not used')) }) as LedgerPort;
    const services = createOwnerServices({
      config: parseOwnerConfig(PRODUCTION_ENV),
      dynamo: new DynamoDBClient({ region: 'local', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
      tableName: 'unused',
      ledger: unreachable,
      serverUrl: () => 'http://unused',
      mailer: { sendSigninCode: async () => {} },
      log: () => {},
    });
    expect(services.localMailer).toBeNull();
    const app = new OpenAPIHono();
    registerOwnerRoutes(app, services);
    expect((await app.request('/dev/outbox')).status).toBe(404);
    expect((await app.request('/checkout/local/top_x')).status).toBe(404);
    const signin = await app.request('/signin');
    expect(signin.status).toBe(200);
    expect(signin.headers.getSetCookie().join(';')).toMatch(/Secure/);
  });
});
