// The gateway's HTTP surface outside the metered call, against a real stack: the health check the load
// balancer uses, unknown routes and wrong methods (OpenAI error shape, request id), model lookup by an
// id with a colon, the OpenAPI document (valid, every route present) and the reference page rendered
// in headless Chromium.
import OpenAI from 'openai';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayApp } from '../../gateway/src/app';
import type { GatewayServices } from '../../gateway/src/services';
import type { Stack } from '../../local/stack';
import { MODEL, newUser, startTestStack, type TestUser } from './harness';

let stack: Stack;
let user: TestUser;

beforeAll(async () => {
  stack = await startTestStack();
  user = await newUser(stack);
});
afterAll(() => stack?.stop());

describe('health check', () => {
  it('GET /healthz answers 200 {ok:true} without a key, with a request id', async () => {
    const response = await fetch(`${stack.gatewayUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await response.json()).toEqual({ ok: true });
  });
});

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

describe('unknown routes and wrong methods', () => {
  it('404 not_found in the OpenAI error shape, with a request id, for an unknown path', async () => {
    const response = await fetch(`${stack.gatewayUrl}/v1/embeddings`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toMatchObject({ type: 'not_found_error', code: 'not_found', param: null });
  });

  it('405 method_not_allowed with an Allow header and a request id for a known path', async () => {
    const cases = [
      { method: 'GET', path: '/v1/chat/completions', allow: 'POST' },
      { method: 'DELETE', path: '/v1/models', allow: 'GET, HEAD' },
      { method: 'POST', path: `/v1/models/${MODEL}`, allow: 'GET, HEAD' },
      { method: 'PUT', path: '/healthz', allow: 'GET, HEAD' },
    ];
    for (const { method, path, allow } of cases) {
      const response = await fetch(`${stack.gatewayUrl}${path}`, { method, headers: { 'x-request-id': `probe-${method}` } });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow')).toBe(allow);
      expect(response.headers.get('x-request-id')).toBe(`probe-${method}`);
      const body = (await response.json()) as ErrorBody;
      expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'method_not_allowed', param: null });
      expect(body.error.message).toContain(allow.split(',')[0]!);
    }
  });

  it('the SDK sees the request id of an error response', async () => {
    const error = await user.client.models.retrieve('acme.no-such-model-v1:0').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    const notFound = error as InstanceType<typeof OpenAI.NotFoundError>;
    expect(notFound.code).toBe('model_not_found');
    expect(notFound.requestID).toMatch(/^req_/);
  });
});

describe('models', () => {
  it('retrieves a model whose id contains a colon, through the SDK and percent-encoded', async () => {
    const { data, response } = await user.client.models.retrieve(MODEL).withResponse();
    expect(data).toMatchObject({ id: MODEL, object: 'model', owned_by: 'anthropic' });
    expect(Number.isInteger(data.created)).toBe(true);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    const encoded = await fetch(`${stack.gatewayUrl}/v1/models/${encodeURIComponent(MODEL)}`, {
      headers: { authorization: `Bearer ${user.app.api_key}` },
    });
    expect(encoded.status).toBe(200);
    expect(((await encoded.json()) as { id: string }).id).toBe(MODEL);
    // Every listed model can be retrieved by its own id.
    for await (const model of user.client.models.list()) {
      expect((await user.client.models.retrieve(model.id)).id).toBe(model.id);
    }
  });
});

interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { operationId?: string; parameters?: Array<{ name: string; in: string; required?: boolean }>; responses: Record<string, { description?: string }> }>>;
  components: { schemas: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

function refsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsOf(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') out.push(child);
      else refsOf(child, out);
    }
  }
  return out;
}

describe('OpenAPI document and reference page', () => {
  let spec: OpenApiDoc;
  beforeAll(async () => {
    const response = await fetch(`${stack.gatewayUrl}/openapi.json`);
    expect(response.status).toBe(200);
    spec = (await response.json()) as OpenApiDoc;
  });

  it('documents every route the app serves (except the document and the page themselves)', () => {
    // The app's own route table: what is served, whatever the document says.
    const app = createGatewayApp({} as GatewayServices);
    const served = app.routes
      .filter((route) => route.method !== 'ALL' && !['/openapi.json', '/docs'].includes(route.path))
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThanOrEqual(7);
    const documented = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    expect(documented.sort()).toEqual([...new Set(served)].sort());
  });

  it('is a well-formed OpenAPI 3.0 document', () => {
    expect(spec.openapi).toMatch(/^3\.0\.\d$/);
    expect(spec.info.title).toBeTruthy();
    expect(spec.info.version).toBeTruthy();
    const operationIds = new Set<string>();
    for (const [path, ops] of Object.entries(spec.paths)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        expect(['get', 'post', 'put', 'patch', 'delete']).toContain(method);
        expect(op.operationId, `${method} ${path}`).toBeTruthy();
        expect(operationIds.has(op.operationId!), `duplicate operationId ${op.operationId}`).toBe(false);
        operationIds.add(op.operationId!);
        for (const name of templated) {
          expect(op.parameters?.find((p) => p.in === 'path' && p.name === name)?.required, `${method} ${path} {${name}}`).toBe(true);
        }
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(op.responses)) {
          expect(status).toMatch(/^[1-5]\d\d$|^default$/);
          expect(response.description, `${method} ${path} ${status}`).toBeTruthy();
        }
      }
    }
    // Every $ref resolves; 3.1-only keywords would make a 3.0 document invalid.
    for (const ref of refsOf(spec)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(spec.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
    }
    const text = JSON.stringify(spec);
    for (const keyword of ['"const":', '"prefixItems":', '"type":"null"', '"type":["']) expect(text).not.toContain(keyword);
  });

  it('renders every operation on /docs in a browser', async () => {
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
      });
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      const response = await page.goto(`${stack.gatewayUrl}/docs`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['x-request-id']).toMatch(/^req_/);
      const operations = Object.values(spec.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
      // Rendered once the spec is fetched: wait on the DOM, not on time.
      await page.waitForFunction((n) => document.querySelectorAll('section.op').length === n, operations);
      const headings = await page.locator('section.op h2 code').allTextContents();
      expect(headings.sort()).toEqual(Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map(() => path)).sort());
      expect(await page.locator('#root').textContent()).not.toContain('Could not load');
      expect(pageErrors).toEqual([]);
    } finally {
      await browser?.close();
    }
  });
});
