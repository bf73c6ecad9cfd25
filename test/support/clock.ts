import type { Clock } from '../../bot/clock.js';

/** A clock that only moves when told to; sleeping moves it at once. */
export class ManualClock implements Clock {
  readonly slept: number[] = [];
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    this.t += Math.max(0, ms);
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
}
