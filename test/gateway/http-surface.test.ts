// The gateway's HTTP surface outside the metered call, against a real stack: the health check the load
// balancer uses, unknown routes and wrong methods (OpenAI error shape, request id), model lookup by an
// id with a colon, the OpenAPI document (valid, every route present) and the reference page rendered
// in headless Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local/stack';
import { startTestStack } from './harness';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack();
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
