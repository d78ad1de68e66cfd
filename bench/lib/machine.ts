// What the numbers were measured on, stated next to them.
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export function machineDescription(): { summary: string; markdown: string } {
  const cores = availableParallelism();
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memoryGb = Math.round(totalmem() / 1024 ** 3);
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const summary = `${cores} cores (nproc), ${model}, ${memoryGb} GB, Node ${process.version}, ${date} UTC, load ${load}`;
  return {
    summary,
    markdown:
      `Machine: ${summary}. The machine is shared and noisy (other work may run at the same time), ` +
      'and the load generator runs on the same cores as the system under test: read the numbers as ' +
      'relative, and compare rows of one run rather than runs of different days.',
  };
}
