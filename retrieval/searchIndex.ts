import type { DutyRecord, UnitInfo } from '../ingest/record.js';

/**
 * What the engine needs from an index. SQLite + FTS5 + sqlite-vec on Node; D1 or an in-memory
 * implementation elsewhere.
 */
export interface SearchIndex {
  readonly records: readonly DutyRecord[];
  readonly units: readonly UnitInfo[];
  /** Full-text relevance by record id (higher is better) for index tokens. */
  lexical(tokens: string[], limit: number): Map<string, number>;
  /** Cosine similarity by record id for the k nearest records. */
  nearest(vector: Float32Array, k: number): Map<string, number>;
}
