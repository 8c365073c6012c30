// Per-peer request budgets of the bundle and mailbox protocols (src/net/rate-limit.ts) on
// @libp2p/utils' RateLimiter: `points` per peer per window, each peer on its own, and a peer
// over budget is let in again once its window has passed.
import { describe, expect, it } from 'vitest'
import { budgetOf, PeerRateLimit } from '../../src/net/rate-limit.js'

describe('PeerRateLimit', () => {
  it('allows `points` per window per peer, then refuses that peer only', () => {
    const limit = new PeerRateLimit({ points: 3, windowMs: 60_000 })
    expect([1, 2, 3, 4, 5].map(() => limit.tryConsume('a'))).toEqual([true, true, true, false, false])
    expect(limit.tryConsume('b')).toBe(true)
  })

  it('lets a peer in again when its window has passed', async () => {
    const limit = new PeerRateLimit({ points: 1, windowMs: 150 })
    expect(limit.tryConsume('a')).toBe(true)
    expect(limit.tryConsume('a')).toBe(false)
    await expect.poll(() => limit.tryConsume('a'), { interval: 50, timeout: 2_000 }).toBe(true)
  })

  it('turns a burst and a rate into a window with the same average', () => {
    expect(budgetOf(200, 50)).toEqual({ points: 200, windowMs: 4_000 })
    expect(budgetOf(5, 1 / 60)).toEqual({ points: 5, windowMs: 300_000 })
  })
})
