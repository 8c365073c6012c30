/**
 * Exponential backoff with jitter, for the loops that retry something remote: the outbox's
 * delivery, the relay's forwarder, our relays' subscriptions (DESIGN.md "Delivery", "Relays").
 * Doubling alone puts every node that lost the same peer at the same moment on the same
 * schedule; the jitter spreads them out. The delay is drawn from [half, all] of the doubled
 * one ("equal jitter"), so a retry never comes later than doubling alone would bring it, and
 * never sooner than half of it.
 */

export interface BackoffPolicy {
  /** The delay after the first failure, before jitter (ms). */
  initialMs: number
  /** The cap of the doubled delay, before jitter (ms). */
  maxMs: number
}

/**
 * The delay before the next attempt after `failures` failures in a row (1 for the first):
 * min(maxMs, initialMs x 2^(failures - 1)), times a random factor in [0.5, 1]. `random` stands
 * in for Math.random in tests.
 */
export function backoffDelay (failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const doubled = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, failures - 1))
  return Math.round(doubled * (0.5 + random() / 2))
}
