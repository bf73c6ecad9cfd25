import { SqlState } from '../sqlState.js';
import { BetterSqliteDb } from './betterSqliteDb.js';

/** The bot's state in one SQLite file (`DATA_DIR/state.db`), separate from the rebuildable index. */
export function openSqliteState(path: string): Promise<SqlState> {
  return SqlState.open(new BetterSqliteDb(path));
}
