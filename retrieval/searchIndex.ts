import type { DutyRecord, UnitInfo } from '../ingest/record.js';
import type { Catalogue } from './catalogue.js';
import type { FieldIndexData } from './fieldIndex.js';
import type { RecordTexts } from './recordText.js';

/** What an index stores for one family of units (a bureau and its centres), ready to answer from. */
export interface StoredPartition {
  /** The field index over the family's records. */
  fields: FieldIndexData;
  /** Matching texts by record id. */
  texts: Map<string, RecordTexts>;
  /** The family's records in `fields.ids` order, where the index reads them with the partition. */
  records?: DutyRecord[];
  /** The family's record vectors, row-major in `ids` order. */
  vectors: { ids: string[]; dims: number; data: Float32Array } | null;
  /** Its size as read (field index, texts, vectors), for the engine's memory budget. */
  bytes?: number;
}

/**
 * What the engine needs from an index: a catalogue of every record (what routing needs), the records of some
 * rows when a question needs them, and vector neighbours (lexical ranking is the engine's own field index).
 * SQLite + sqlite-vec on Node; an in-memory implementation elsewhere.
 */
export interface SearchIndex {
  readonly catalogue: Catalogue;
  readonly units: readonly UnitInfo[];
  /** The records at these catalogue rows, in that order. */
  recordsAt(rows: readonly number[]): DutyRecord[];
  /** Every record, in catalogue order: loaded on demand where the index does not hold them (rare, admin paths). */
  allRecords(): readonly DutyRecord[];
  /** Cosine similarity by record id for the k nearest records. */
  nearest(vector: Float32Array, k: number): Map<string, number>;
  /** The k nearest among the given records only (a unit's partition). */
  nearestIn?(vector: Float32Array, k: number, ids: readonly string[]): Map<string, number>;
  /** A family's partition as built at ingest, where the index keeps them; the engine builds it otherwise. */
  partition?(family: string): StoredPartition | null;
}
