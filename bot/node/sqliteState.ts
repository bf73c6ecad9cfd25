import { hostname } from 'node:os';
import { type LeaseOwner, newOwner } from '../leaseOwner.js';
import { SqlState } from '../sqlState.js';
import { BetterSqliteDb } from './betterSqliteDb.js';

/** One owner per process start, shared by every state handle the process opens. */
let thisProcess: LeaseOwner | null = null;

/** The bot's state in one SQLite file (`DATA_DIR/state.db`), separate from the rebuildable index. */
export function openSqliteState(path: string, owner?: LeaseOwner): Promise<SqlState> {
  thisProcess ??= newOwner(hostname(), process.pid);
  return SqlState.open(new BetterSqliteDb(path), owner ?? thisProcess);
}
