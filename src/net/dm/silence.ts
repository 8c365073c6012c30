/**
 * Notices when an outbound dm stream's peer falls silent: envelopes in flight and no answer
 * heard for `afterMs` (docs/network.md, "Connection liveness"). The stream's connection is
 * then worth a check out of turn (src/net/liveness: probe()): a path that died without a word
 * (a relay whose host dropped off the network, a home router that lost its state) otherwise
 * keeps its connection "open" until `maxPingFailures` periodic pings have failed, and every
 * retry in the meantime is sent into it. In the NAT testbed two homes' messages waited 26-56 s
 * behind a silent relay while a second relay held reservations for both.
 *
 * Silence is reported once; it can be reported again only after an answer. The timer runs only
 * while envelopes are in flight.
 */
export class AnswerSilence {
  private readonly afterMs: number
  private readonly inFlight: () => number
  private readonly onSilent: () => void
  private timer: ReturnType<typeof setTimeout> | undefined
  /** Since when nothing has been heard: the first send after a quiet spell, or the last answer. */
  private quietSince = 0
  private reported = false
  private stopped = false

  constructor (afterMs: number, inFlight: () => number, onSilent: () => void) {
    this.afterMs = afterMs
    this.inFlight = inFlight
    this.onSilent = onSilent
  }

  /** An envelope was written (or queued): starts the watch when it was not running. */
  sent (): void {
    if (this.timer !== undefined || this.stopped) return
    this.quietSince = Date.now()
    this.arm(this.afterMs)
  }

  /** An answer (ack or error frame) came: the watch starts over (running again after a report). */
  heard (): void {
    this.quietSince = Date.now()
    this.reported = false
    if (this.timer === undefined && !this.stopped && this.inFlight() > 0) this.arm(this.afterMs)
  }

  stop (): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private arm (ms: number): void {
    this.timer = setTimeout(this.check, ms)
    this.timer.unref?.()
  }

  private readonly check = (): void => {
    this.timer = undefined
    if (this.stopped || this.inFlight() === 0) return
    const quiet = Date.now() - this.quietSince
    if (quiet < this.afterMs) {
      this.arm(this.afterMs - quiet)
      return
    }
    if (this.reported) return
    this.reported = true
    this.onSilent()
  }
}
