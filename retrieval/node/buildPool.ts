import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BuildTask } from './indexThread.js';

/** How long an idle helper thread is kept for the next step of the same build (parse, then the index). */
const IDLE_MS = 2000;

/**
 * One helper thread for an index build (parsing files, building the field indexes and embedding while this
 * thread fits the embedder). From source (tsx, vitest) it runs indexThread.ts through a small loader; from
 * the esbuild bundle, dist/indexThread.mjs. Null where neither can be found: the caller then does the work
 * itself, with the same result.
 *
 * One thread serves a whole build: `acquire` starts it (or takes the running one), `release` lets it go,
 * and it ends once nobody has held it for a moment. It never keeps the process alive.
 */
export class BuildThread {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failed: Error | null = null;
  private holders = 0;
  private idle: ReturnType<typeof setTimeout> | null = null;

  private static current: BuildThread | null = null;

  private constructor(private readonly worker: Worker) {
    worker.unref();
    worker.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) this.worker.unref();
      if (m.ok) w?.resolve(m.value);
      else w?.reject(new Error(m.error));
    });
    const fail = (e: Error) => {
      this.failed = e;
      if (BuildThread.current === this) BuildThread.current = null;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`build thread exited (${code})`)));
  }

  /** The build's helper thread, started where none runs; give it back with `release`. Null with INGEST_THREADS=0. */
  static acquire(): BuildThread | null {
    if (process.env.INGEST_THREADS === '0') return null;
    const thread = BuildThread.current && !BuildThread.current.failed ? BuildThread.current : BuildThread.spawn();
    if (!thread) return null;
    BuildThread.current = thread;
    thread.holders++;
    if (thread.idle) clearTimeout(thread.idle);
    thread.idle = null;
    return thread;
  }

  /** A thread of its own (not shared), ended with `close`. */
  static start(): BuildThread | null {
    if (process.env.INGEST_THREADS === '0') return null;
    return BuildThread.spawn();
  }

  private static spawn(): BuildThread | null {
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
    // Held open while a task runs, so that the reply is waited for.
    this.worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...task, id }, transfer);
    });
  }

  /** Gives back an acquired thread: it ends when no one acquires it again soon. */
  release(): void {
    if (--this.holders > 0) return;
    this.idle = setTimeout(() => this.close(), IDLE_MS);
    this.idle.unref();
  }

  close(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    if (BuildThread.current === this) BuildThread.current = null;
    this.worker.removeAllListeners('exit');
    void this.worker.terminate();
  }
}
