/**
 * Tends our prekeys while the node runs (docs/messaging.md, "Prekeys"): every
 * PREKEY_MAINTENANCE_MS it runs PrekeyManager.maintain(), so that the signed prekey rotates
 * weekly and issued one-time prekeys expire on a node nobody asks for a bundle, not only at its
 * next start or request. A new signed prekey is told to `onRotated` (the contact record, which
 * publishes it, goes out again soon). On the messenger's clock, so a test can move time on.
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

  constructor (
    private readonly prekeys: PrekeyManager,
    private readonly clock: Clock,
    private readonly onRotated: () => void,
    private readonly everyMs = PREKEY_MAINTENANCE_MS
  ) {}

  start (): void {
    this.running = true
    this.schedule()
  }

  async stop (): Promise<void> {
    this.running = false
    this.clock.clearTimeout(this.timer)
    this.timer = undefined
    await this.tending
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
      const { rotated } = await this.prekeys.maintain(this.clock.now())
      if (rotated && this.running) {
        log('new signed prekey')
        this.onRotated()
      }
    } catch (err) {
      log.error('prekey maintenance failed - %e', err)
    }
  }
}
