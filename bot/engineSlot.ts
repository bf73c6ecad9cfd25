import type { UnitInfo } from '../ingest/record.js';
import { type Answerer, engineAnswerer } from '../retrieval/askService.js';
import type { DutyEngine } from '../retrieval/engine.js';
import { Organisation } from '../retrieval/organisation.js';

/** One loaded version of the manuals: the engine, how to ask it, and its units. */
export interface EngineView {
  engine: DutyEngine;
  answerer: Answerer;
  units: readonly UnitInfo[];
  /** Releases what the view holds (an index file); called once no question can still be using it. */
  close?: () => void;
}

/**
 * The engine the bot answers with, behind one holder so that a new manual version is switched in at once:
 * readers take `current` when they start, so a question in flight finishes on the engine it began with.
 */
export class EngineSlot {
  private view: EngineView & { org?: Organisation };
  /** The view replaced by the previous swap, closed at the next one (by then nothing asks it). */
  private retired: EngineView | null = null;
  private readonly listeners: ((view: EngineView) => void)[] = [];

  constructor(first: Omit<EngineView, 'answerer'> & { answerer?: Answerer }) {
    this.view = { ...first, answerer: first.answerer ?? engineAnswerer(first.engine) };
  }

  get current(): EngineView {
    return this.view;
  }

  get engine(): DutyEngine {
    return this.view.engine;
  }

  /** The post and unit structure of the current engine, built once per version. */
  get org(): Organisation {
    const v = this.view;
    v.org ??= new Organisation(v.engine.allRecords(), v.units);
    return v.org;
  }

  /** Puts `next` in place in one step; returns the view it replaced. */
  swap(next: Omit<EngineView, 'answerer'> & { answerer?: Answerer }): EngineView {
    const previous = this.view;
    this.view = { ...next, answerer: next.answerer ?? engineAnswerer(next.engine) };
    this.retired?.close?.();
    this.retired = previous;
    for (const l of this.listeners) l(this.view);
    return previous;
  }

  /** Called after each swap (what was derived from the records, such as deadlines' items, is derived again). */
  onSwap(listener: (view: EngineView) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    this.retired?.close?.();
    this.retired = null;
    this.view.close?.();
  }
}
