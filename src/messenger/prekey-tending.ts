/**
 * Tends our prekeys while the node runs (docs/messaging.md, "Prekeys"): every
 * PREKEY_MAINTENANCE_MS it runs PrekeyManager.maintain(), so that the signed and last-resort
 * prekeys rotate weekly and issued one-time prekeys expire on a node nobody asks for a bundle, not only at its
 * next start or request. What a new signed or last-resort prekey calls for (`afterRotation`: the contact
 * record, which publishes it, goes out again soon; our relays' bundles are replaced) runs
 * through `rotated()`, whichever maintain() made the key, and stop() waits for it. On the
 * messenger's clock, so a test can move time on.
 */
import { logger } from '@libp2p/logger'
import type { Clock, ClockTimer } from '../runtime/clock.js'
import { PREKEY_MAINTENANCE_MS } from './constants.js'
import type { PrekeyManager } from './prekeys.js'

const log = logger('murmur:prekeys')

export class PrekeyTending {
  private timer: ClockTimer | undefined
  private running = false
  /** The maintenance under way, awaited by stop() so that it never outlives the store. */
  private tending: Promise<void> = Promise.resolve()
  /** What rotations called for, still under way: awaited by stop() too. */
  private readonly following = new Set<Promise<void>>()

  constructor (
    private readonly prekeys: PrekeyManager,
    private readonly clock: Clock,
    private readonly afterRotation: () => Promise<void>,
    private readonly everyMs = PREKEY_MAINTENANCE_MS
  ) {}

  /** A maintain() made a new signed or last-resort prekey (PrekeyManager's onRotated). */
  rotated (): void {
    if (!this.running) return
    log('new signed or last-resort prekey')
    const run = this.afterRotation().catch((err: Error) => { log.error('after a new prekey - %e', err) })
    this.following.add(run)
    void run.finally(() => this.following.delete(run))
  }

  start (): void {
    this.running = true
    this.schedule()
  }

  async stop (): Promise<void> {
    this.running = false
    this.clock.clearTimeout(this.timer)
    this.timer = undefined
    await this.tending
    await Promise.all(this.following)
  }

  private schedule (): void {
    if (!this.running) return
    // The next run is scheduled when this one ended: a slow one (a loaded disk) never overlaps.
    this.timer = this.clock.setTimeout(() => {
      this.tending = this.tend().finally(() => { this.schedule() })
    }, this.everyMs)
    this.timer.unref?.()
  }

  private async tend (): Promise<void> {
    try {
      await this.prekeys.maintain(this.clock.now())
    } catch (err) {
      log.error('prekey maintenance failed - %e', err)
    }
  }
}
