// The retry schedule shared by delivery, the forwarder and our relays' subscriptions.
import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../src/runtime/backoff.js'

const policy = { initialMs: 1_000, maxMs: 60_000 }

describe('backoffDelay', () => {
  it('doubles from the initial delay after each failure and stops at the cap (top of the jitter range)', () => {
    const top = (): number => 1
    expect([1, 2, 3, 4, 6, 7, 8, 50].map(n => backoffDelay(n, policy, top))).toEqual([1_000, 2_000, 4_000, 8_000, 32_000, 60_000, 60_000, 60_000])
  })

  it('jitter draws from half to all of the doubled delay', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(2_000)
    expect(backoffDelay(3, policy, () => 0.5)).toBe(3_000)
    expect(backoffDelay(50, policy, () => 0)).toBe(30_000)
  })

  it('spreads retries of nodes that failed together: real draws differ and stay in range', () => {
    const delays = Array.from({ length: 200 }, () => backoffDelay(5, policy))
    expect(delays.every(d => d >= 8_000 && d <= 16_000)).toBe(true)
    expect(new Set(delays).size).toBeGreaterThan(50)
  })

  it('treats 0 failures like the first', () => {
    expect(backoffDelay(0, policy, () => 1)).toBe(1_000)
  })
})
