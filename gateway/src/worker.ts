// workerd (Cloudflare Workers) entry point: the same app, with bindings as the environment. The ledger
// is reached over HTTPS with the service token and the LEDGER_MTLS client certificate; Bedrock through the SDK's fetch handler, signed with
// the credentials bound to the worker. Services are built once per isolate, on the first request.
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ExecutionContext } from 'hono';
import { STREAM_DURATION_MS_MAX, UPSTREAM_IDLE_MS_MAX, UPSTREAM_NONSTREAM_TIMEOUT_MS } from '../../shared/limits';
import { createGatewayApp } from './app';
import { parseGatewayConfig } from './config';
import { workerdTokenEstimator } from './estimate/tiktoken-workerd';
import { httpLedgerClient } from './ledger/http-ledger-client';
import { fetchTransportWith } from './ledger/transport';
import { consoleLogger, type GatewayEnv } from './services';
import { bedrockUpstream } from './upstream/bedrock-upstream';

export interface WorkerBindings {
  FLEEEX_LEDGER_URL: string;
  FLEEEX_SERVICE_TOKEN: string;
  FLEEEX_BEDROCK_ENDPOINT?: string;
  FLEEEX_BEDROCK_REGION?: string;
  AWS_REGION?: string;
  AWS_ACCESS_KEY_ID?: string;
  AWS_SECRET_ACCESS_KEY?: string;
  AWS_SESSION_TOKEN?: string;
  /** The client certificate the ledger's edge load balancer verifies (wrangler.toml [[mtls_certificates]]). */
  LEDGER_MTLS?: { fetch(input: string, init: RequestInit): Promise<Response> };
}

let app: Promise<OpenAPIHono<GatewayEnv>> | undefined;

async function buildApp(env: WorkerBindings): Promise<OpenAPIHono<GatewayEnv>> {
  const config = parseGatewayConfig(env as unknown as Record<string, string | undefined>);
  const bedrock = new BedrockRuntimeClient({
    region: config.bedrockRegion,
    maxAttempts: 1,
    ...(config.bedrockEndpoint ? { endpoint: config.bedrockEndpoint } : {}),
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local',
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    },
  });
  return createGatewayApp({
    ledger: httpLedgerClient({
      baseUrl: config.ledgerUrl,
      serviceToken: config.serviceToken,
      // In production every ledger call presents the client certificate; without the binding (miniflare
      // tests, a private network) plain fetch is used.
      ...(env.LEDGER_MTLS ? { transport: fetchTransportWith((input, init) => env.LEDGER_MTLS!.fetch(input, init)) } : {}),
    }),
    upstream: bedrockUpstream(bedrock),
    estimator: await workerdTokenEstimator(),
    limits: {
      upstreamIdleMs: UPSTREAM_IDLE_MS_MAX,
      streamDurationMs: STREAM_DURATION_MS_MAX,
      nonStreamTimeoutMs: UPSTREAM_NONSTREAM_TIMEOUT_MS,
    },
    log: consoleLogger,
    // Work that outlives a response is handed to the request's waitUntil by the chat route.
    background: () => {},
  });
}

export default {
  async fetch(request: Request, env: WorkerBindings, ctx: ExecutionContext): Promise<Response> {
    app ??= buildApp(env);
    // A failed start must not be cached: the next request tries again.
    app.catch(() => {
      app = undefined;
    });
    return (await app).fetch(request, env as unknown as Record<string, unknown>, ctx);
  },
};
