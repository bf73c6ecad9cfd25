import type { DutyRecord, UnitInfo } from '../ingest/record.js';

/**
 * What the engine needs from an index: the records and vector neighbours (lexical ranking is the engine's own
 * field index). SQLite + sqlite-vec on Node; an in-memory implementation elsewhere.
 */
export interface SearchIndex {
  readonly records: readonly DutyRecord[];
  readonly units: readonly UnitInfo[];
  /** Cosine similarity by record id for the k nearest records. */
  nearest(vector: Float32Array, k: number): Map<string, number>;
}
