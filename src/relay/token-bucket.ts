/**
 * Per-peer token buckets (docs/relay.md, "Rates"): each key may spend `burst` tokens at once,
 * refilled at `perSecond`. Memory is bounded by `maxKeys`: the least recently used keys are
 * forgotten first, which at worst hands a forgotten peer a fresh burst.
 */
export interface TokenBucketInit {
  burst: number
  perSecond: number
  maxKeys: number
}

interface Bucket {
  tokens: number
  at: number
}

export class TokenBuckets {
  private readonly init: TokenBucketInit
  private readonly buckets = new Map<string, Bucket>()

  constructor (init: TokenBucketInit) {
    this.init = init
  }

  /** Takes one token for `key` if it has one; says whether it did. */
  tryTake (key: string, now = Date.now()): boolean {
    const { burst, perSecond } = this.init
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now }
    bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.at) * perSecond / 1000)
    bucket.at = now
    // Re-insert so that Map order is least recently used first.
    this.buckets.delete(key)
    this.buckets.set(key, bucket)
    this.evict()
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  get size (): number {
    return this.buckets.size
  }

  private evict (): void {
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.init.maxKeys) break
      this.buckets.delete(key)
    }
  }
}
