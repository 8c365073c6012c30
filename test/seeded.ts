/**
 * A small deterministic source of test inputs (xorshift32): the same seed gives the same inputs
 * on every run, so a failure names an input that fails again. For inputs only, never for keys.
 */
export interface Seeded {
  /** An integer from 0 to n - 1. */
  next: (n: number) => number
  /** n bytes. */
  bytes: (n: number) => Uint8Array<ArrayBuffer>
}

export function seeded (seed: number): Seeded {
  let state = seed | 0
  const next = (n: number): number => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) % n
  }
  return { next, bytes: (n) => new Uint8Array(Array.from({ length: n }, () => next(256))) }
}
