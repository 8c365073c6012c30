/**
 * The forward queue's delivery loop (docs/relay.md, "Forwarding"): envelopes a trusted
 * depositor left for a recipient without a mailbox here are handed to the recipient's node
 * directly (the mailbox protocol's Deliver request), else to the application's callback
 * (which may try the recipient's own mailboxes), with exponential backoff and jitter per recipient until
 * their TTL; the sweeper deletes what expires. An envelope is deleted only once delivered.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { backoffDelay } from '../runtime/backoff.js'
import type { Clock, ClockTimer } from '../runtime/clock.js'
import { MAX_DELIVER_ENVELOPES, MAX_PAGE_BYTES } from './constants.js'
import type { RelayStore } from './store/index.js'
import type { Logger, PeerId } from '@libp2p/interface'

/** The application's way to reach a recipient (e.g. its mailboxes from its DHT contact record). */
export type ForwardCallback = (recipient: PeerId, envelopes: Uint8Array[], signal: AbortSignal) => Promise<'delivered' | 'unreachable'>

export interface ForwarderInit {
  relay: RelayStore
  log: Logger
  /** Hands envelopes to the recipient's node directly; throws when it cannot. */
  deliverDirect: (recipient: PeerId, envelopes: Uint8Array[], signal: AbortSignal) => Promise<void>
  callback: () => ForwardCallback | undefined
  backoffMinMs: number
  backoffMaxMs: number
  attemptTimeoutMs: number
  concurrency: number
  /** The clock of the backoff schedule. */
  clock: Clock
}

interface Backoff {
  failures: number
  nextAttemptAt: number
}

export class Forwarder {
  private readonly init: ForwarderInit
  private readonly backoff = new Map<string, Backoff>()
  private readonly running = new Set<string>()
  private timer: ClockTimer | undefined
  private stopped = true
  private readonly controller = new AbortController()
  private unsubscribe: (() => void) | undefined

  constructor (init: ForwarderInit) {
    this.init = init
  }

  start (): void {
    this.stopped = false
    this.unsubscribe = this.init.relay.forward.onForward((recipient) => { this.kick(recipient) })
    this.schedule(0)
  }

  stop (): void {
    this.stopped = true
    this.unsubscribe?.()
    this.init.clock.clearTimeout(this.timer)
    this.controller.abort(new Error('forwarder stopped'))
  }

  /** Try `recipient` now (a new envelope for it, or it just connected). */
  kick (recipient: string): void {
    if (this.init.relay.forward.pendingFor(recipient) === 0) return
    const b = this.backoff.get(recipient)
    if (b !== undefined) b.nextAttemptAt = 0
    this.schedule(0)
  }

  private schedule (delayMs: number): void {
    if (this.stopped) return
    this.init.clock.clearTimeout(this.timer)
    this.timer = this.init.clock.setTimeout(() => { this.tick() }, Math.max(0, delayMs))
    this.timer.unref?.()
  }

  private tick (): void {
    if (this.stopped) return
    const now = this.init.clock.now()
    let earliest = Infinity
    const recipients = this.init.relay.forward.recipients()
    // Backoff state of recipients whose queue emptied (delivered or expired) is forgotten.
    const queued = new Set(recipients)
    for (const recipient of this.backoff.keys()) if (!queued.has(recipient)) this.backoff.delete(recipient)
    for (const recipient of recipients) {
      if (this.running.has(recipient)) continue
      const due = this.backoff.get(recipient)?.nextAttemptAt ?? 0
      if (due <= now && this.running.size < this.init.concurrency) {
        this.running.add(recipient)
        void this.attempt(recipient).finally(() => {
          this.running.delete(recipient)
          this.schedule(0)
        })
      } else {
        earliest = Math.min(earliest, Math.max(due, now + 10))
      }
    }
    if (earliest !== Infinity) this.schedule(earliest - now)
  }

  private async attempt (recipient: string): Promise<void> {
    const { relay, log } = this.init
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.init.attemptTimeoutMs)])
    try {
      const peer = peerIdFromString(recipient)
      while (!this.stopped) {
        const page = await relay.forward.page(recipient, MAX_DELIVER_ENVELOPES, MAX_PAGE_BYTES)
        if (page.length === 0) break
        const envelopes = page.map((e) => e.envelope)
        let delivered = false
        try {
          await this.init.deliverDirect(peer, envelopes, signal)
          delivered = true
        } catch (err) {
          log('direct delivery to %p failed - %e', peer, err)
          const callback = this.init.callback()
          if (callback !== undefined && !signal.aborted) delivered = (await callback(peer, envelopes, signal)) === 'delivered'
        }
        if (!delivered) throw new Error('recipient unreachable')
        await relay.forward.delivered(recipient, page)
        this.backoff.delete(recipient)
        log('forwarded %d envelopes to %p', page.length, peer)
      }
    } catch (err) {
      const b = this.backoff.get(recipient) ?? { failures: 0, nextAttemptAt: 0 }
      b.failures++
      const delay = backoffDelay(b.failures, { initialMs: this.init.backoffMinMs, maxMs: this.init.backoffMaxMs })
      b.nextAttemptAt = this.init.clock.now() + delay
      this.backoff.set(recipient, b)
      log('forwarding to %s deferred %d ms - %e', recipient, delay, err)
    }
  }
}
