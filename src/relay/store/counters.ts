/**
 * The relay's durable counters (docs/relay.md, "Storage": sublevel `relayStats`): envelopes
 * that expired in mailboxes and in the forward queue, and envelopes forwarded. A change is
 * written in the batch that deletes the envelopes it counts, and taken in memory only once that
 * batch is durable.
 */
import type { StoreBatch } from '../../store/index.js'
import type { RelayStoreContext } from './context.js'

export interface RelayStats {
  /** Mailbox envelopes deleted by the sweeper because their TTL passed. */
  expired: number
  /** Forward-queue envelopes deleted by the sweeper because their TTL passed. */
  forwardExpired: number
  /** Forward-queue envelopes delivered and deleted. */
  forwarded: number
}

const STATS_KEY = 'counters'

export class RelayCounters {
  private readonly ctx: RelayStoreContext
  private stats: RelayStats = { expired: 0, forwardExpired: 0, forwarded: 0 }

  constructor (ctx: RelayStoreContext) {
    this.ctx = ctx
  }

  async load (): Promise<void> {
    const stored = await this.ctx.s.relayStats.get(STATS_KEY)
    if (stored !== null && typeof stored === 'object' && !Array.isArray(stored)) {
      this.stats = { ...this.stats, ...(stored as Partial<RelayStats>) }
    }
  }

  get current (): Readonly<RelayStats> {
    return this.stats
  }

  /** Adds `delta` to the counters inside `batch`; returns the new counters for `commit`. */
  add (batch: StoreBatch, delta: Partial<RelayStats>): RelayStats {
    const next = {
      expired: this.stats.expired + (delta.expired ?? 0),
      forwardExpired: this.stats.forwardExpired + (delta.forwardExpired ?? 0),
      forwarded: this.stats.forwarded + (delta.forwarded ?? 0)
    }
    batch.put(this.ctx.s.relayStats, STATS_KEY, { ...next })
    return next
  }

  /** Takes counters whose batch is durable. */
  commit (next: RelayStats): void {
    this.stats = next
  }
}
