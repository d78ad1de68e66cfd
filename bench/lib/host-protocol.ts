// Messages between the bench (parent, the load generator) and a host process (child, the system
// under test). Keeping the system under test in its own process gives it its own event loop and its
// own CPU accounting (`process.cpuUsage()`), reported back over IPC.

export type HostRole = 'simulator' | 'ledger' | 'gateway';

export interface HostStart {
  type: 'start';
  role: HostRole;
  /** Role-specific options, JSON-serialisable. */
  options: Record<string, unknown>;
}

export interface HostSampleRequest {
  type: 'sample';
  id: number;
  /** Run a full garbage collection before sampling memory (hosts run with --expose-gc). */
  gc: boolean;
}

export interface HostStop {
  type: 'stop';
}

export type ParentMessage = HostStart | HostSampleRequest | HostStop;

export interface HostSample {
  /** The host's monotonic clock (CLOCK_MONOTONIC, as V8's profiler stamps samples), microseconds. */
  monotonic_us: number;
  /** Process CPU time since start, microseconds (user + system). */
  cpu_us: number;
  rss_bytes: number;
  heap_used_bytes: number;
  /** V8 heap committed (used + free space V8 keeps): part of RSS. */
  heap_total_bytes: number;
  /** Memory of ArrayBuffers and Buffers (off the JS heap), as process.memoryUsage() reports it. */
  array_buffers_bytes: number;
}

export type HostMessage =
  | { type: 'ready'; url: string; info: Record<string, unknown> }
  | { type: 'sample'; id: number; sample: HostSample }
  | { type: 'error'; message: string };
