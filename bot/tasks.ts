/**
 * Work started after a webhook has been acknowledged. On Node the promises are tracked so that
 * shutdown and tests can wait for them; on Workers `waitUntil` keeps the isolate alive.
 */
export interface Tasks {
  run(work: Promise<unknown>): void;
  idle(): Promise<void>;
}

export function trackedTasks(onError: (e: unknown) => void): Tasks {
  const pending = new Set<Promise<unknown>>();
  return {
    run(work) {
      const p = work.catch(onError).finally(() => pending.delete(p));
      pending.add(p);
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

const later: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => void setImmediate(fn) : (fn) => void setTimeout(fn, 0);

/**
 * Work run one item per turn of the event loop, after pending I/O: a burst of events is acknowledged
 * first, and one slow item never holds up the acknowledgements of the others for long.
 */
export class TurnQueue {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  constructor(private readonly tasks: Tasks) {}

  push(work: () => Promise<unknown>): void {
    this.tasks.run(new Promise((resolve, reject) => this.waiting.push(() => work().then(resolve, reject))));
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    later(() => {
      this.scheduled = false;
      this.waiting.shift()?.();
      this.schedule();
    });
  }
}
