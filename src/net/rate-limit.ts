/**
 * Per-peer request budgets of the murmur protocols (bundle: one-time prekeys handed out; mailbox:
 * deposits, first contacts, prekeys), on @libp2p/utils' RateLimiter: at most `points` requests
 * per peer in each fixed window of `windowMs`. A window starts with a peer's first request and
 * its entry is dropped when the window ends, so memory follows the peers active in one window.
 * Fixed windows let a peer spend up to twice `points` across a window boundary; the average
 * rate is `points / windowMs`.
 */
import { RateLimiter } from '@libp2p/utils'

export interface RateBudget {
  /** Requests one peer may make per window. */
  points: number
  /** The window (ms). */
  windowMs: number
}

/** A budget given as a burst and a refill rate: `burst` requests per `burst / perSecond` seconds. */
export function budgetOf (burst: number, perSecond: number): RateBudget {
  return { points: burst, windowMs: (burst / perSecond) * 1000 }
}

export class PeerRateLimit {
  private readonly limiter: RateLimiter

  constructor (budget: RateBudget) {
    this.limiter = new RateLimiter({ points: budget.points, duration: budget.windowMs / 1000 })
  }

  /** Counts one request by `peer`; false when it is over its budget for this window. */
  tryConsume (peer: string): boolean {
    try {
      this.limiter.consume(peer)
      return true
    } catch (err) {
      if ((err as Error).name === 'RateLimitError') return false
      throw err
    }
  }
}
