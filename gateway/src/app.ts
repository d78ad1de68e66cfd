// The gateway as one Hono app, shared by the Node and workerd entry points. Routes are wired here and
// nowhere else; every error leaves through onError in the OpenAI shape with the request id.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { FleeexError } from '../../shared/errors';
import { toErrorResponse } from './errors';
import { REQUEST_ID_HEADER, requestId } from './middleware/request-id';
import { provideServices } from './middleware/services';
import { registerHealthz } from './routes/healthz';
import { registerOpenApi } from './routes/openapi';
import { registerV1ChatCompletions } from './routes/v1_chat_completions';
import { registerV1ConnectSessionsCreate } from './routes/v1_connect_sessions_create';
import { registerV1ConnectStatus } from './routes/v1_connect_status';
import { registerV1ModelsGet } from './routes/v1_models_get';
import { registerV1ModelsList } from './routes/v1_models_list';
import { registerV1Usage } from './routes/v1_usage';
import type { GatewayEnv, GatewayServices } from './services';

interface ZodIssueLike {
  path: ReadonlyArray<PropertyKey>;
  message: string;
}

/** `messages[0].content` from zod's `['messages', 0, 'content']`. */
export function paramOf(path: ReadonlyArray<PropertyKey>): string {
  let param = '';
  for (const key of path) param += typeof key === 'number' ? `[${key}]` : param === '' ? String(key) : `.${String(key)}`;
  return param;
}

function validationError(issues: readonly ZodIssueLike[]): FleeexError {
  const issue = issues[0];
  if (!issue) return new FleeexError('invalid_request', 'Invalid request.');
  const param = paramOf(issue.path);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return new FleeexError('invalid_request', `${param ? `${param}: ` : ''}${issue.message}${more}`, { param: param || null });
}

function errorResponse(c: Context<GatewayEnv>, error: unknown): Response {
  let mapped = error;
  if (error instanceof HTTPException) {
    if (error.status === 413) mapped = new FleeexError('payload_too_large', 'The request body is too large.');
    else if (error.status === 415) mapped = new FleeexError('unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
    else if (error.status < 500) mapped = new FleeexError('invalid_request', error.message || 'Invalid request.');
  } else if (!(error instanceof FleeexError)) {
    c.get('services')?.log.error('unhandled error', {
      request_id: c.get('requestId'),
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
  const { status, headers, body } = toErrorResponse(mapped);
  headers[REQUEST_ID_HEADER] = c.get('requestId') ?? '';
  // The rest of an oversized body is never read: the connection cannot carry another request.
  if (status === 413) headers.connection = 'close';
  return c.body(body, status, headers);
}

/** Route patterns by method, built once from the app's routes on the first unmatched request. */
const routeTable = new WeakMap<OpenAPIHono<GatewayEnv>, Array<{ pattern: RegExp; method: string }>>();

/** The methods some route serves at `path` (GET implies HEAD, as Hono answers it), for 405 + Allow. */
function allowedMethods(app: OpenAPIHono<GatewayEnv>, path: string): string[] {
  let table = routeTable.get(app);
  if (!table) {
    table = [];
    for (const route of app.routes) {
      if (route.method === 'ALL' || route.path.includes('*')) continue;
      const source = route.path
        .split('/')
        .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      table.push({ pattern: new RegExp(`^${source}/?$`), method: route.method });
    }
    routeTable.set(app, table);
  }
  const methods = new Set<string>();
  for (const { pattern, method } of table) {
    if (!pattern.test(path)) continue;
    methods.add(method);
    if (method === 'GET') methods.add('HEAD');
  }
  return [...methods];
}

export function createGatewayApp(services: GatewayServices): OpenAPIHono<GatewayEnv> {
  const app = new OpenAPIHono<GatewayEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error.issues);
    },
  });
  app.use('*', requestId(), provideServices(services));
  app.onError((error, c) => errorResponse(c, error));
  app.notFound((c) => {
    const allowed = allowedMethods(app, c.req.path);
    if (allowed.length === 0) return errorResponse(c, new FleeexError('not_found', `No route ${c.req.method} ${c.req.path}.`));
    const allow = allowed.join(', ');
    const response = errorResponse(c, new FleeexError('method_not_allowed', `${c.req.path} accepts ${allow}, not ${c.req.method}.`));
    response.headers.set('allow', allow);
    return response;
  });
  registerHealthz(app);
  registerV1ChatCompletions(app);
  registerV1ModelsList(app);
  registerV1ModelsGet(app);
  registerV1ConnectSessionsCreate(app);
  registerV1ConnectStatus(app);
  registerV1Usage(app);
  registerOpenApi(app);
  return app;
}
