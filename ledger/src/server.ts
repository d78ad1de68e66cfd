// Runs the ledger app on a Node HTTP server: used by `npm start`, main.ts and in-process by tests.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ServerType, serve } from '@hono/node-server';
import { createLedgerApp } from './app';
import type { Clock } from './core/clock';
import { LedgerService } from './core/service';
import type { LedgerServices } from './http/env';
import { type OwnerMountOptions, mountOwner } from './owner/mount';
import type { OwnerServices } from './owner/services';
import { ensureTables } from './store/ensure-tables';
import { createJobRouteServices } from './jobs/mount';
import { type JobRouteServices, registerJobRoutes } from './jobs/routes';

export interface LedgerServerOptions {
  /** A ready client, or an endpoint to build one for (DynamoDB Local). */
  dynamo: DynamoDBClient | { endpoint?: string; region?: string; credentials?: { accessKeyId: string; secretAccessKey: string } };
  tablePrefix: string;
  /** One or two accepted service tokens (rotation). */
  serviceTokens: readonly string[];
  adminToken: string;
  holdTtlMs?: number;
  clock?: Clock;
  port?: number;
  host?: string;
  /** Create missing tables and seed prices before listening. */
  ensureTables?: boolean;
  /** The owner side (sign-in, wallet pages, connect, Stripe webhook): mounted unless `false`. */
  owner?: OwnerMountOptions | false;
}

export interface LedgerServer {
  url: string;
  port: number;
  service: LedgerService;
  /** The owner side's services when mounted (tests read the local outbox through it). */
  owner: OwnerServices | null;
  /** The jobs' route services (usage reports, reconciliation): startJobs() schedules through them. */
  jobs: JobRouteServices;
  stop(): Promise<void>;
}

export async function startLedgerServer(options: LedgerServerOptions): Promise<LedgerServer> {
  if (options.serviceTokens.length === 0 || options.serviceTokens.length > 2) throw new Error('give one or two service tokens');
  const ownsClient = !(options.dynamo instanceof DynamoDBClient);
  const client =
    options.dynamo instanceof DynamoDBClient
      ? options.dynamo
      : new DynamoDBClient({ region: options.dynamo.region ?? 'local', endpoint: options.dynamo.endpoint, credentials: options.dynamo.credentials });
  if (options.ensureTables) await ensureTables(client, options.tablePrefix);
  const service = LedgerService.forDynamo(client, options.tablePrefix, { clock: options.clock, holdTtlMs: options.holdTtlMs });
  if (options.ensureTables) await service.seedPricesIfEmpty();
  const services: LedgerServices = { ledger: service, serviceTokens: options.serviceTokens, adminToken: options.adminToken };
  const app = createLedgerApp(services);
  const jobs = createJobRouteServices({ dynamo: client, tablePrefix: options.tablePrefix, holds: service.holds, clock: options.clock });
  registerJobRoutes(app, jobs);
  let url = '';
  const owner =
    options.owner === false
      ? null
      : mountOwner(app, { core: service, dynamo: client, tablePrefix: options.tablePrefix, serverUrl: () => url }, options.owner ?? {});
  const host = options.host ?? '127.0.0.1';
  const { server, port } = await new Promise<{ server: ServerType; port: number }>((resolve) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, (info) => resolve({ server, port: info.port }));
  });
  url = `http://${host}:${port}`;
  return {
    url,
    port,
    service,
    owner,
    jobs,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close((error) => {
          if (ownsClient) client.destroy();
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}
