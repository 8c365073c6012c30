/**
 * A long-lived request stream to one peer (docs/relay.md, "Request streams"): request frames
 * are written as callers make them, without waiting for earlier answers, and responses come
 * back in request order (the server answers one stream in order), so the n-th response read
 * belongs to the n-th request written. Opening a stream costs a multistream-select round trip
 * and peer-store work on both sides; a channel pays it once per peer instead of once per call.
 */
import { MurmurError } from '../errors/murmur-error.js'
import { FrameReader, FrameTooLargeError } from '../net/frame-reader.js'
import { FrameWriter } from '../net/frame-writer.js'
import { MAX_PIPELINED_REQUESTS, MAX_RESPONSE_BYTES } from './constants.js'
import { RelayProtocolError, RelayTimeoutError } from './errors.js'
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
  /** The caller gave up (abort, deadline): its response is read and dropped. */
  abandoned: boolean
  /** When the caller stops waiting (Date.now() ms): RelayTimeoutError then. */
  deadline: number
}

export interface RequestOptions {
  /** Abandons the wait (the response is still read and dropped). */
  signal?: AbortSignal
  /** Date.now() after which the request fails with RelayTimeoutError. */
  deadline: number
}

export interface RequestChannelInit {
  log: Logger
  /** Close the stream after this long with nothing outstanding (ms). */
  idleMs: number
  /** Called once when the channel ends, so its owner stops handing it out. */
  onClose: (channel: RequestChannel) => void
}

/**
 * Deadlines are kept per request and checked by ONE timer per channel, armed for the earliest;
 * a timeout signal per request (a timer each, and an abort event 10 s later when it fires
 * unheeded) was a visible part of a depositor's CPU (docs/benchmarks.md, "Where the time goes
 * (relay)"). Requests queued together are written together (FrameWriter: one stream write).
 */
export class RequestChannel {
  private readonly stream: Stream
  private readonly reader: FrameReader
  private readonly writer: FrameWriter
  private readonly init: RequestChannelInit
  private readonly pending: Slot[] = []
  private closed = false
  /** No new requests; close once the outstanding ones are answered. */
  private retired = false
  /** One timer for the channel's life: closes it when idle (or retired), re-armed with refresh(). */
  private readonly idleTimer: ReturnType<typeof setTimeout>
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined
  private deadlineAt = Infinity

  constructor (stream: Stream, init: RequestChannelInit) {
    this.stream = stream
    this.init = init
    this.reader = new FrameReader(stream, { maxDataLength: MAX_RESPONSE_BYTES, highWaterMark: MAX_PIPELINED_REQUESTS })
    this.writer = new FrameWriter(stream, { flushAt: 'check' })
    stream.addEventListener('close', () => { this.fail(new RelayChannelClosedError()) }, { once: true })
    this.idleTimer = setTimeout(() => { this.onIdle() }, init.idleMs)
    this.idleTimer.unref?.()
    void this.readLoop()
  }

  /** Whether new requests may go on this channel. */
  get usable (): boolean {
    return !this.closed && !this.retired && this.stream.status === 'open' && this.stream.writeStatus === 'writable' &&
      this.stream.remoteWriteStatus === 'writable'
  }

  /**
   * Writes `frame` and resolves with its response; RelayTimeoutError after `deadline`. An
   * abort or a deadline abandons the wait (the response is still read and dropped, so later
   * responses stay matched to their requests).
   */
  async request (frame: Uint8Array, options: RequestOptions): Promise<MailboxResponse> {
    if (!this.usable) throw new RelayChannelClosedError('The request stream is closed')
    const signal = options.signal
    signal?.throwIfAborted()
    const slot: Slot = { resolve: () => {}, reject: () => {}, abandoned: false, deadline: options.deadline }
    const answered = new Promise<MailboxResponse>((resolve, reject) => {
      slot.resolve = resolve
      slot.reject = reject
    })
    try {
      // Queued whole: frames never interleave, and their order on the wire is the order of
      // the calls, which is the order of `pending`. The writer holds what the stream cannot
      // take yet; what is outstanding is bounded by the callers, each waiting for its answer.
      this.writer.write(frame)
    } catch (err) {
      // The stream closed under an earlier write: the framing is unknown, end the channel.
      const closed = new RelayChannelClosedError('The stream closed while a request was written', { cause: err })
      this.fail(closed)
      throw closed
    }
    this.pending.push(slot)
    this.armDeadline(slot.deadline)
    if (signal === undefined) return await answered
    const onAbort = (): void => {
      slot.abandoned = true
      slot.reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
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
    this.idleTimer.refresh()
  }

  /** Closes the stream now; outstanding requests fail with RelayChannelClosedError. */
  close (): void {
    if (this.closed) return
    // Graceful when nothing is outstanding: the server sees the end of its request stream.
    const graceful = this.pending.length === 0
    this.fail(new RelayChannelClosedError('The request stream was closed'), graceful)
    if (graceful) {
      this.writer.flush()
      this.stream.close({ signal: AbortSignal.timeout(this.init.idleMs) }).catch((err: unknown) => {
        this.stream.abort(err instanceof Error ? err : new Error(String(err)))
      })
    }
  }

  private onIdle (): void {
    if (this.retired || this.pending.length === 0) this.close()
  }

  /** Arms the deadline timer for `deadline` unless it is already armed for earlier. */
  private armDeadline (deadline: number): void {
    if (deadline >= this.deadlineAt) return
    clearTimeout(this.deadlineTimer)
    this.deadlineAt = deadline
    this.deadlineTimer = setTimeout(() => { this.expire() }, Math.max(0, deadline - Date.now()))
    this.deadlineTimer.unref?.()
  }

  /** Fails the requests whose deadline has passed; re-arms for the earliest left. */
  private expire (): void {
    this.deadlineAt = Infinity
    this.deadlineTimer = undefined
    const now = Date.now()
    let next = Infinity
    for (const slot of this.pending) {
      if (slot.abandoned) continue
      if (slot.deadline <= now) {
        slot.abandoned = true
        slot.reject(new RelayTimeoutError())
      } else if (slot.deadline < next) {
        next = slot.deadline
      }
    }
    if (next !== Infinity) this.armDeadline(next)
  }

  private async readLoop (): Promise<void> {
    try {
      while (!this.closed) {
        let frame
        try {
          frame = await this.reader.next()
        } catch (err) {
          if (err instanceof FrameTooLargeError) throw new RelayProtocolError(`Response larger than ${MAX_RESPONSE_BYTES} bytes`)
          throw new RelayChannelClosedError(undefined, { cause: err })
        }
        if (frame === undefined) throw new RelayChannelClosedError()
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
          else this.idleTimer.refresh()
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
    clearTimeout(this.deadlineTimer)
    this.reader.detach()
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
