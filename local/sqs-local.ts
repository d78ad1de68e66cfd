// Starts local-aws-sqs (pure JS, speaks SQS's AWS JSON 1.0 protocol) in this process.
import type { Server } from 'node:http';
import { createSqsServer } from 'local-aws-sqs';
import { freePort } from './free-port';

export interface SqsLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export async function startSqsLocal(options: { port?: number } = {}): Promise<SqsLocal> {
  const port = options.port ?? (await freePort());
  const server: Server = await createSqsServer({ port, hostname: '127.0.0.1', emulateQueueCreationLifecycle: false });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
