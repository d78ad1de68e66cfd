// A job that runs on an interval (and again at once while it reports more work), never overlapping
// itself: runNow() (the admin trigger, tests) queues behind a run in progress and returns its own result.
import { type JobLogger, logJob } from './log';
import { abortableDelay } from './sqs-poller';

export interface PeriodicJob<T> {
  runNow(): Promise<T>;
  stop(): Promise<void>;
}

export interface PeriodicJobOptions<T> {
  name: string;
  intervalMs: number;
  run: () => Promise<T>;
  /** Run again without waiting when the last run left work behind (bounded pages per run). */
  again?: (result: T) => boolean;
  log?: JobLogger;
}

export function startPeriodicJob<T>(options: PeriodicJobOptions<T>): PeriodicJob<T> {
  const log = options.log ?? logJob;
  const controller = new AbortController();
  let tail: Promise<unknown> = Promise.resolve();

  function runSerial(): Promise<T> {
    const next = tail.catch(() => undefined).then(() => options.run());
    tail = next;
    return next;
  }

  async function loop() {
    while (!controller.signal.aborted) {
      let hurry = false;
      try {
        hurry = options.again?.(await runSerial()) ?? false;
      } catch (error) {
        log('error', 'job_run_failed', { job: options.name, error: error instanceof Error ? error.message : String(error) });
      }
      if (!hurry) await abortableDelay(options.intervalMs, controller.signal);
    }
  }
  const looping = loop();

  return {
    runNow: runSerial,
    async stop() {
      controller.abort();
      await looping;
      await tail.catch(() => undefined);
    },
  };
}
