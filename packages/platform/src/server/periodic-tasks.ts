/**
 * Background work a subgraph repeats on a timer (publishing aggregated usage,
 * closing billing periods). Whoever hosts the subgraph starts its tasks: the
 * gateway in embedded mode, the subgraph's own process in distributed mode.
 * A run never overlaps the previous one, and a failing run is logged and
 * retried at the next tick: each task is written to resume where it stopped.
 */
import type { Logger } from '../logger.js';

export interface PeriodicTask {
  name: string;
  /** Milliseconds between the end of one run and the next tick; 0 disables the task. */
  intervalMs: number;
  run(): Promise<unknown>;
}

export interface RunningTasks {
  /** Waits for runs in progress, then stops every timer. */
  stop(): Promise<void>;
}

export function startPeriodicTasks(tasks: readonly PeriodicTask[], logger: Logger): RunningTasks {
  const timers: NodeJS.Timeout[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;
  for (const task of tasks) {
    if (task.intervalMs <= 0) continue;
    let running = false;
    const timer = setInterval(() => {
      if (running || stopped) return;
      running = true;
      const run = task
        .run()
        .catch((err) => logger.error({ err, task: task.name }, 'periodic task failed; the next run continues where it stopped'))
        .finally(() => {
          running = false;
          inFlight.delete(run);
        });
      inFlight.add(run);
    }, task.intervalMs);
    timer.unref();
    timers.push(timer);
  }
  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
