// GET /healthz: liveness for the load balancer's and the container's health checks (Terraform's
// target group and ECS task definition call it). Shallow on purpose: it answers whenever this process
// can serve requests, without touching the ledger or Bedrock, so an outage of either does not take
// every gateway task out of rotation at once (calls then fail with 503s that say why).
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { GatewayEnv } from '../services';

export const HealthSchema = z.object({ ok: z.literal(true) }).openapi('Health');

const route = createRoute({
  operationId: 'health',
  method: 'get',
  path: '/healthz',
  summary: 'Liveness check (no auth)',
  description: 'Answers 200 `{"ok":true}` while the gateway process serves requests. Does not check the ledger or the model provider.',
  responses: {
    200: { description: 'The gateway is up.', content: { 'application/json': { schema: HealthSchema } } },
  },
});

export function registerHealthz(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, (c) => c.json({ ok: true as const }, 200, { 'cache-control': 'no-store' }));
}
