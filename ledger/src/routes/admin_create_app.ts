import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { LedgerEnv } from '../http/env';
import { errorResponses, jsonBody, jsonResponse } from '../http/schemas';

const RETURN_ORIGINS_MAX = 20;

const CreateAppSchema = z.object({
  name: z.string().trim().min(1).max(128),
  /** Origins the owner flows may redirect back to (scheme://host[:port], no path). */
  return_origins: z
    .array(z.url().refine((url) => new URL(url).origin === url, 'must be an origin: scheme://host[:port]'))
    .max(RETURN_ORIGINS_MAX)
    .optional(),
});

const CreatedAppSchema = z.object({
  app_id: z.string(),
  name: z.string(),
  return_origins: z.array(z.string()),
  key_id: z.string(),
  api_key: z.string().openapi({ description: 'Shown exactly once; only its SHA-256 is stored.' }),
});

const route = createRoute({
  operationId: 'adminCreateApp',
  method: 'post',
  path: '/admin/apps',
  tags: ['admin'],
  security: [{ adminToken: [] }],
  summary: 'Create an app and its first key',
  request: { body: jsonBody(CreateAppSchema) },
  responses: {
    201: jsonResponse(CreatedAppSchema, 'The app, with its key (shown once)'),
    ...errorResponses('invalid_request', 'unauthorized'),
  },
});

export function registerAdminCreateApp(app: OpenAPIHono<LedgerEnv>) {
  app.openapi(route, async (c) => {
    const created = await c.get('services').ledger.apps.create(c.req.valid('json'));
    c.header('cache-control', 'no-store');
    return c.json(
      { app_id: created.app_id, name: created.name, return_origins: created.return_origins, key_id: created.key_id, api_key: created.api_key },
      201,
    );
  });
}
