import type { DutyRecord, UnitInfo } from '../ingest/record.js';
import type { FieldIndexData } from './fieldIndex.js';
import type { RecordTexts } from './recordText.js';

/** What an index stores for one family of units (a bureau and its centres), ready to answer from. */
export interface StoredPartition {
  /** The field index over the family's records. */
  fields: FieldIndexData;
  /** Matching texts by record id. */
  texts: Map<string, RecordTexts>;
  /** The family's record vectors, row-major in `ids` order. */
  vectors: { ids: string[]; dims: number; data: Float32Array } | null;
}

/**
 * What the engine needs from an index: the records and vector neighbours (lexical ranking is the engine's own
 * field index). SQLite + sqlite-vec on Node; an in-memory implementation elsewhere.
 */
export interface SearchIndex {
  readonly records: readonly DutyRecord[];
  readonly units: readonly UnitInfo[];
  /** Cosine similarity by record id for the k nearest records. */
  nearest(vector: Float32Array, k: number): Map<string, number>;
  /** The k nearest among the given records only (a unit's partition). */
  nearestIn?(vector: Float32Array, k: number, ids: readonly string[]): Map<string, number>;
  /** A family's partition as built at ingest, where the index keeps them; the engine builds it otherwise. */
  partition?(family: string): StoredPartition | null;
}
