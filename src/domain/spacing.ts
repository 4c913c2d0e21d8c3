/**
 * The even spacing that holds a sliding window: starts at least `window / perWindow` apart never fit more
 * than `perWindow` into any `window`. A count per window would not: a reservoir refilled on fixed ticks
 * lets a burst at the end of one tick and another at the start of the next through together. `margin`
 * widens the spacing by that share, for jitter between a start and its arrival. In the window's unit,
 * unrounded: each caller rounds to its own.
 */
export function evenSpacing(perWindow: number, window: number, margin = 0): number {
  return (window / perWindow) * (1 + margin);
}
