// Host role: a gateway. With `ledger: 'memory'` it is built from the gateway's own parts
// (createGatewayApp + the Node estimator + the Bedrock upstream, as gateway/src/server.ts does) with
// the bench-only in-memory ledger plugged into its LedgerPort; otherwise it is the real
// startGatewayServer pointed at a ledger host over HTTP.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createGatewayApp } from '../../gateway/src/app';
import { nodeTokenEstimator } from '../../gateway/src/estimate/tiktoken-node';
import { nodeBedrockClient, startGatewayServer } from '../../gateway/src/server';
import { backgroundTracker, consoleLogger, type GatewayServices } from '../../gateway/src/services';
import { bedrockUpstream } from '../../gateway/src/upstream/bedrock-upstream';
import { generateApiKey, hashApiKey } from '../../shared/api-keys';
import { STREAM_DURATION_MS_MAX, UPSTREAM_IDLE_MS_MAX, UPSTREAM_NONSTREAM_TIMEOUT_MS } from '../../shared/limits';
import { MemoryLedger } from '../memory-ledger';
import type { RunningRole } from './role';

const MEMORY_WALLET_MICROS = 1_000_000_000_000; // 1 million EUR: never the limit in a bench run

interface HttpLedgerOptions {
  url: string;
  service_token: string;
  api_key: string;
  app_user_id: string;
}

export async function startRole(options: Record<string, unknown>): Promise<RunningRole> {
  const bedrockEndpoint = String(options.bedrock_endpoint);
  if (options.ledger === 'memory') return startWithMemoryLedger(bedrockEndpoint);
  const ledger = options.ledger as HttpLedgerOptions;
  const server = await startGatewayServer({ ledgerUrl: ledger.url, serviceToken: ledger.service_token, bedrockEndpoint });
  return { url: server.url, info: { api_key: ledger.api_key, app_user_id: ledger.app_user_id }, stop: () => server.stop() };
}

async function startWithMemoryLedger(bedrockEndpoint: string): Promise<RunningRole> {
  const apiKey = generateApiKey();
  const tracker = backgroundTracker();
  const services: GatewayServices = {
    ledger: new MemoryLedger(await hashApiKey(apiKey), MEMORY_WALLET_MICROS),
    upstream: bedrockUpstream(nodeBedrockClient({ endpoint: bedrockEndpoint, region: 'us-east-1' })),
    estimator: nodeTokenEstimator(),
    limits: {
      upstreamIdleMs: UPSTREAM_IDLE_MS_MAX,
      streamDurationMs: STREAM_DURATION_MS_MAX,
      nonStreamTimeoutMs: UPSTREAM_NONSTREAM_TIMEOUT_MS,
    },
    log: consoleLogger,
    background: tracker.background,
  };
  const app = createGatewayApp(services);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    info: { api_key: apiKey, app_user_id: 'bench-user', ledger: 'in-memory (bench only)' },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await tracker.drain();
    },
  };
}
