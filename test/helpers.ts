import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { DutyEngine } from '../retrieval/engine.js';
import { loadConfig } from '../bot/config.js';
import { openEngine } from '../bot/runtime/nodeEngine.js';

/** A scratch copy of the shipped seeds and a fresh data folder, so tests may edit both. */
export function scratch(): { root: string; seedsDir: string; dataDir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'gzt-'));
  const seedsDir = join(root, 'seeds');
  cpSync(join(import.meta.dirname, '..', 'seeds'), seedsDir, { recursive: true });
  const dataDir = join(root, 'data');
  return { root, seedsDir, dataDir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function engineIn(dirs: { seedsDir: string; dataDir: string }, force = false) {
  return openEngine(loadConfig({ SEEDS_DIR: dirs.seedsDir, DATA_DIR: dirs.dataDir }), { force });
}

/** An engine over a scratch copy of the seeds for one test file: opened before, removed after. */
export function useEngine(): () => DutyEngine {
  let dirs: ReturnType<typeof scratch> | undefined;
  let engine: DutyEngine | undefined;
  beforeAll(async () => {
    dirs = scratch();
    engine = (await engineIn(dirs)).engine;
  });
  afterAll(() => dirs?.cleanup());
  return () => engine!;
}
