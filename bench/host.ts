// A host process: runs one part of the system under test (simulator, ledger or gateway) in its own
// event loop, started and sampled by the bench over IPC (see lib/host-protocol.ts).
import type { HostMessage, HostRole, ParentMessage } from './lib/host-protocol';
import type { RunningRole } from './roles/role';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Each role module (roles/<role>.ts) exports `startRole`; loaded on demand so a host imports only its part. */
async function startRole(role: HostRole, options: Record<string, unknown>): Promise<RunningRole> {
  const module = (await import(`./roles/${role}`)) as { startRole(options: Record<string, unknown>): Promise<RunningRole> };
  return module.startRole(options);
}

function send(message: HostMessage): void {
  process.send?.(message);
}

let running: RunningRole | undefined;

process.on('message', async (raw) => {
  const message = raw as ParentMessage;
  try {
    if (message.type === 'start') {
      running = await startRole(message.role, message.options);
      send({ type: 'ready', url: running.url, info: running.info });
    } else if (message.type === 'sample') {
      if (message.gc) globalThis.gc?.();
      const cpu = process.cpuUsage();
      const memory = process.memoryUsage();
      send({
        type: 'sample',
        id: message.id,
        sample: {
          monotonic_us: Number(process.hrtime.bigint() / 1000n),
          cpu_us: cpu.user + cpu.system,
          rss_bytes: memory.rss,
          heap_used_bytes: memory.heapUsed,
          heap_total_bytes: memory.heapTotal,
          array_buffers_bytes: memory.arrayBuffers,
        },
      });
    } else if (message.type === 'stop') {
      await running?.stop();
      process.exit(0);
    }
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  }
});

// The bench owns this process: when it goes away (even killed), so do we.
process.on('disconnect', () => process.exit(0));
