import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BuildTask } from './indexThread.js';

/**
 * One helper thread for an index build (parsing half the files, building the field indexes while this thread
 * embeds). From source (tsx, vitest) it runs indexThread.ts through a small loader; from the esbuild bundle,
 * dist/indexThread.mjs. Null where neither can be found: the caller then does the work itself, with the same
 * result.
 */
export class BuildThread {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failed: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.ok) w?.resolve(m.value);
      else w?.reject(new Error(m.error));
    });
    const fail = (e: Error) => {
      this.failed = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`build thread exited (${code})`)));
  }

  static start(): BuildThread | null {
    if (process.env.INGEST_THREADS === '0') return null;
    const here = import.meta.url;
    try {
      if (here.endsWith('.ts')) {
        const boot = new URL('./indexThreadBoot.mjs', here);
        return new BuildThread(new Worker(boot, { workerData: { entry: new URL('./indexThread.ts', here).href } }));
      }
      // Bundled: this module sits in dist/ or dist/chunks/, the worker entry in dist/.
      for (const rel of ['./indexThread.mjs', '../indexThread.mjs']) {
        const url = new URL(rel, here);
        if (existsSync(fileURLToPath(url))) return new BuildThread(new Worker(url));
      }
    } catch {
      return null;
    }
    return null;
  }

  run<T>(task: BuildTask, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...task, id }, transfer);
    });
  }

  close(): void {
    this.worker.removeAllListeners('exit');
    void this.worker.terminate();
  }
}
