/**
 * A long-lived request stream to one peer (docs/relay.md, "Request streams"): request frames
 * are written as callers make them, without waiting for earlier answers, and responses come
 * back in request order (the server answers one stream in order), so the n-th response read
 * belongs to the n-th request written. Opening a stream costs a multistream-select round trip
 * and peer-store work on both sides; a channel pays it once per peer instead of once per call.
 */
import { MurmurError } from '../errors/murmur-error.js'
import { lpStream } from '@libp2p/utils'
import { MAX_RESPONSE_BYTES } from './constants.js'
import { RelayProtocolError } from './errors.js'
import { decodeResponse } from './frames.js'
import type { MailboxResponse } from '../wire/mailbox.js'
import type { Logger, Stream } from '@libp2p/interface'

/**
 * The channel's stream ended, was reset or failed before this request's response arrived.
 * Retryable on a new stream when the request is idempotent (docs/relay.md, "Request streams").
 */
export class RelayChannelClosedError extends MurmurError {
  constructor (message = 'The stream ended before the response', options?: ErrorOptions) {
    super(message, options)
  }
}

interface Slot {
  resolve: (response: MailboxResponse) => void
  reject: (err: unknown) => void
  /** The caller gave up (abort, timeout): its response is read and dropped. */
  abandoned: boolean
}

export interface RequestChannelInit {
  log: Logger
  /** Close the stream after this long with nothing outstanding (ms). */
  idleMs: number
  /** Called once when the channel ends, so its owner stops handing it out. */
  onClose: (channel: RequestChannel) => void
}

export class RequestChannel {
  private readonly stream: Stream
  private readonly lp: ReturnType<typeof lpStream>
  private readonly init: RequestChannelInit
  private readonly pending: Slot[] = []
  private closed = false
  /** No new requests; close once the outstanding ones are answered. */
  private retired = false
  private idleTimer: ReturnType<typeof setTimeout> | undefined

  constructor (stream: Stream, init: RequestChannelInit) {
    this.stream = stream
    this.init = init
    this.lp = lpStream(stream, { maxDataLength: MAX_RESPONSE_BYTES })
    stream.addEventListener('close', () => { this.fail(new RelayChannelClosedError()) }, { once: true })
    this.armIdle()
    void this.readLoop()
  }

  /** Whether new requests may go on this channel. */
  get usable (): boolean {
    return !this.closed && !this.retired && this.stream.status === 'open' && this.stream.writeStatus === 'writable' &&
      this.stream.remoteWriteStatus === 'writable'
  }

  /**
   * Writes `frame` and resolves with its response. `signal` abandons the wait (the response
   * is still read and dropped, so later responses stay matched to their requests).
   */
  async request (frame: Uint8Array, signal: AbortSignal): Promise<MailboxResponse> {
    if (!this.usable) throw new RelayChannelClosedError('The request stream is closed')
    signal.throwIfAborted()
    clearTimeout(this.idleTimer)
    const slot: Slot = { resolve: () => {}, reject: () => {}, abandoned: false }
    const answered = new Promise<MailboxResponse>((resolve, reject) => {
      slot.resolve = resolve
      slot.reject = reject
    })
    // The channel may fail while the frame is still being written: not an unhandled rejection.
    answered.catch(() => {})
    this.pending.push(slot)
    const onAbort = (): void => {
      slot.abandoned = true
      slot.reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      try {
        // send() queues the whole frame synchronously: frames never interleave, and their
        // order on the wire is the order of the calls, which is the order of `pending`.
        await this.lp.write(frame, { signal })
      } catch (err) {
        if (signal.aborted) throw err
        // The stream closed under the write (lpStream rejects with the close event, not an
        // Error), or the write failed part way and the framing is unknown: end the channel.
        const closed = new RelayChannelClosedError('The stream closed while the request was written', { cause: err })
        slot.abandoned = true
        this.fail(closed)
        throw closed
      }
      // Rejects with the channel's failure, or with RelayProtocolError for this response alone.
      return await answered
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  /** No new requests; the stream closes once every outstanding request is answered. */
  retire (): void {
    this.retired = true
    if (this.pending.length === 0) {
      this.close()
      return
    }
    // Answers that never come must not hold the stream open for ever.
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => { this.close() }, this.init.idleMs)
    this.idleTimer.unref?.()
  }

  /** Closes the stream now; outstanding requests fail with RelayChannelClosedError. */
  close (): void {
    if (this.closed) return
    // Graceful when nothing is outstanding: the server sees the end of its request stream.
    const graceful = this.pending.length === 0
    this.fail(new RelayChannelClosedError('The request stream was closed'), graceful)
    if (graceful) {
      this.stream.close({ signal: AbortSignal.timeout(this.init.idleMs) }).catch((err: unknown) => {
        this.stream.abort(err instanceof Error ? err : new Error(String(err)))
      })
    }
  }

  private armIdle (): void {
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => { this.close() }, this.init.idleMs)
    this.idleTimer.unref?.()
  }

  private async readLoop (): Promise<void> {
    try {
      while (!this.closed) {
        let frame
        try {
          frame = await this.lp.read()
        } catch (err) {
          const name = (err as Error).name
          if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError') {
            throw new RelayProtocolError(`Response larger than ${MAX_RESPONSE_BYTES} bytes`)
          }
          throw new RelayChannelClosedError(undefined, { cause: err })
        }
        const slot = this.pending.shift()
        if (slot === undefined) throw new RelayProtocolError('A response nobody asked for')
        if (!slot.abandoned) {
          try {
            slot.resolve(decodeResponse(frame))
          } catch (err) {
            // A response that does not decode fails its own request only; framing is intact.
            slot.reject(err)
          }
        }
        if (this.pending.length === 0) {
          if (this.retired) this.close()
          else this.armIdle()
        }
      }
    } catch (err) {
      this.fail(err)
    }
  }

  private fail (err: unknown, graceful = false): void {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.idleTimer)
    for (const slot of this.pending.splice(0)) {
      if (slot.abandoned) continue
      slot.abandoned = true
      slot.reject(err)
    }
    if (!(err instanceof RelayChannelClosedError)) this.init.log('request stream failed - %e', err)
    if (!graceful && this.stream.status === 'open') this.stream.abort(err instanceof Error ? err : new Error(String(err)))
    this.init.onClose(this)
  }
}
