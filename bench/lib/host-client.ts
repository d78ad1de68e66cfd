// Parent side of a host process: spawn it with tsx, wait for `ready`, sample its CPU and memory, stop it.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostMessage, HostRole, HostSample, ParentMessage } from './host-protocol';

const HOST_ENTRY = fileURLToPath(new URL('../host.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const SAMPLE_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const STDERR_KEPT_CHARS = 4_096;

export interface Host {
  role: HostRole;
  url: string;
  info: Record<string, unknown>;
  pid: number;
  sample(options?: { gc?: boolean }): Promise<HostSample>;
  stop(): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function spawnHost(
  role: HostRole,
  options: Record<string, unknown> = {},
  extraExecArgv: readonly string[] = [],
): Promise<Host> {
  const child: ChildProcess = fork(HOST_ENTRY, [], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...extraExecArgv],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT_CHARS);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const send = (message: ParentMessage) => child.send(message);

  const pending = new Map<number, (sample: HostSample) => void>();
  let nextId = 1;
  const ready = new Promise<Extract<HostMessage, { type: 'ready' }>>((resolve, reject) => {
    child.on('message', (raw) => {
      const message = raw as HostMessage;
      if (message.type === 'ready') resolve(message);
      else if (message.type === 'error') reject(new Error(`${role} host: ${message.message}`));
      else if (message.type === 'sample') {
        pending.get(message.id)?.(message.sample);
        pending.delete(message.id);
      }
    });
    child.once('exit', (code) => reject(new Error(`${role} host exited with ${code} before ready: ${stderr}`)));
  });
  send({ type: 'start', role, options });
  let started: Extract<HostMessage, { type: 'ready' }>;
  try {
    started = await withTimeout(ready, START_TIMEOUT_MS, `${role} host start`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  return {
    role,
    url: started.url,
    info: started.info,
    pid: child.pid ?? -1,
    sample({ gc = false } = {}) {
      const id = nextId++;
      const answered = new Promise<HostSample>((resolve) => pending.set(id, resolve));
      send({ type: 'sample', id, gc });
      return withTimeout(answered, SAMPLE_TIMEOUT_MS, `${role} host sample`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
