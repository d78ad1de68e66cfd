// The gateway on Node, in-process: `startGatewayServer(options)` serves the app with @hono/node-server
// and returns its URL and a graceful stop (waits for in-flight settlements). Used by node.ts, the
// local stack and tests.
import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { serve } from '@hono/node-server';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { STREAM_DURATION_MS_MAX, UPSTREAM_IDLE_MS_MAX, UPSTREAM_NONSTREAM_TIMEOUT_MS } from '../../shared/limits';
import { createGatewayApp } from './app';
import { nodeTokenEstimator } from './estimate/tiktoken-node';
import { httpLedgerClient } from './ledger/http-ledger-client';
import { nodeHttpTransport } from './ledger/node-http-transport';
import { type GatewayLimits, type GatewayServices, type Logger, backgroundTracker, consoleLogger } from './services';
import { bedrockUpstream } from './upstream/bedrock-upstream';

/** Sockets to a plain-HTTP Bedrock endpoint (the simulator); one per concurrent call. */
export const UPSTREAM_SOCKETS_MAX = 4_096;

export interface GatewayServerOptions {
  port?: number;
  host?: string;
  ledgerUrl: string;
  serviceToken: string;
  bedrockEndpoint?: string;
  bedrockRegion?: string;
  limits?: Partial<GatewayLimits>;
  log?: Logger;
}

export interface GatewayServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function nodeBedrockClient(options: { endpoint?: string; region: string }): BedrockRuntimeClient {
  const custom = options.endpoint !== undefined;
  const plainHttp = options.endpoint?.startsWith('http:') ?? false;
  return new BedrockRuntimeClient({
    region: options.region,
    // Throttling goes back to the caller with retry-after rather than stalling here.
    maxAttempts: 1,
    ...(custom ? { endpoint: options.endpoint } : {}),
    // A custom endpoint without AWS credentials in the environment is the simulator: it checks none.
    ...(custom && !process.env.AWS_ACCESS_KEY_ID ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    // The default handler speaks HTTP/2, which a plain-HTTP endpoint does not.
    ...(plainHttp ? { requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: UPSTREAM_SOCKETS_MAX }) }) } : {}),
  });
}

export async function startGatewayServer(options: GatewayServerOptions): Promise<GatewayServer> {
  const tracker = backgroundTracker();
  const services: GatewayServices = {
    ledger: httpLedgerClient({ baseUrl: options.ledgerUrl, serviceToken: options.serviceToken, transport: nodeHttpTransport() }),
    upstream: bedrockUpstream(nodeBedrockClient({ endpoint: options.bedrockEndpoint, region: options.bedrockRegion ?? 'us-east-1' })),
    estimator: nodeTokenEstimator(),
    limits: {
      upstreamIdleMs: options.limits?.upstreamIdleMs ?? UPSTREAM_IDLE_MS_MAX,
      streamDurationMs: options.limits?.streamDurationMs ?? STREAM_DURATION_MS_MAX,
      nonStreamTimeoutMs: options.limits?.nonStreamTimeoutMs ?? UPSTREAM_NONSTREAM_TIMEOUT_MS,
      callsInFlightPerKeyMax: options.limits?.callsInFlightPerKeyMax,
    },
    log: options.log ?? consoleLogger,
    background: tracker.background,
  };
  const app = createGatewayApp(services);
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await tracker.drain();
    },
  };
}
