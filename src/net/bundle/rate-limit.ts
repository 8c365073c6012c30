/**
 * Per-requester sliding-window rate limit for the bundle service: each bundle hands out a
 * one-time prekey, so a peer asking in a loop would drain them (DESIGN.md "Relays": prekeys
 * are handed out rate-limited). Memory is bounded by `maxPeers`.
 */
export interface RateLimiterInit {
  limit: number
  windowMs: number
  maxPeers: number
}

export class SlidingWindowRateLimiter {
  private readonly init: RateLimiterInit
  /** Peer key -> times (ms) of its accepted requests within the window, oldest first. */
  private readonly hits = new Map<string, number[]>()

  constructor (init: RateLimiterInit) {
    this.init = init
  }

  /** Records a request by `key` and says whether it is within the limit. */
  tryAcquire (key: string, now = Date.now()): boolean {
    const since = now - this.init.windowMs
    const times = (this.hits.get(key) ?? []).filter(t => t > since)
    if (times.length >= this.init.limit) {
      this.hits.set(key, times)
      return false
    }
    times.push(now)
    // Re-insert so that Map order is least recently active first.
    this.hits.delete(key)
    this.hits.set(key, times)
    this.evict(since)
    return true
  }

  get trackedPeers (): number {
    return this.hits.size
  }

  private evict (since: number): void {
    if (this.hits.size <= this.init.maxPeers) {
      return
    }
    for (const [key, times] of this.hits) {
      if (times[times.length - 1] <= since) {
        this.hits.delete(key)
      }
    }
    for (const key of this.hits.keys()) {
      if (this.hits.size <= this.init.maxPeers) {
        break
      }
      this.hits.delete(key)
    }
  }
}
