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
