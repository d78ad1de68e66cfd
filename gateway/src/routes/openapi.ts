// GET /openapi.json (generated from the route definitions) and GET /docs (a self-contained reference
// page rendering it: no CDN, no external assets).
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { GatewayEnv } from '../services';
import { DOCS_PAGE_HTML } from './docs-page';

export function registerOpenApi(app: OpenAPIHono<GatewayEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'appKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'Your fleeex app key (fx_sk_...).',
  });
  app.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'fleeex gateway',
      version: '1.0.0',
      description:
        'OpenAI-compatible chat completions on AWS Bedrock, billed to each end user’s prepaid EUR wallet. Amounts are integers of micro-EUR (1 EUR = 1,000,000).',
    },
  });
  app.get('/docs', (c) => c.html(DOCS_PAGE_HTML));
}
