/**
 * @module clock
 * Time as a dependency, so time-based code is tested by moving a clock instead
 * of sleeping. Pure modules take `now` as an argument; stateful ones take a Clock.
 */
export interface Clock {
  /** Unix milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
