/**
 * The sending side of one long-lived dm stream to one peer (docs/protocol.md part 6,
 * "Sender"). Envelopes are pipelined: each send() writes its frame and waits for the ack or
 * error frame that carries its envelope id, in whatever order they come back.
 */
import { DmFrame } from '../../wire/dm.js'
import { MAX_DM_CONTROL_FRAME_BYTES } from './constants.js'
import { DmRefusedError, DmStreamClosedError } from './errors.js'
import { FrameDecoder } from './framing.js'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import type { DmErrorCode } from './errors.js'
import type { Logger, PeerId, Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'

export interface DmSendResult {
  status: 'ok' | 'duplicate'
}

interface PendingSend {
  resolve(result: DmSendResult): void
  reject(err: Error): void
}

export class DmOutboundChannel {
  readonly stream: Stream
  readonly peer: PeerId
  /** Envelope id (hex) -> senders waiting for it, oldest first (the same id may be resent). */
  private readonly pending = new Map<string, PendingSend[]>()
  private readonly decoder = new FrameDecoder(MAX_DM_CONTROL_FRAME_BYTES)
  private readonly log: Logger
  private readonly onClosed: (channel: DmOutboundChannel) => void
  private closed = false

  constructor (stream: Stream, peer: PeerId, log: Logger, onClosed: (channel: DmOutboundChannel) => void) {
    this.stream = stream
    this.peer = peer
    this.log = log
    this.onClosed = onClosed
    this.onMessage = this.onMessage.bind(this)
    this.onClose = this.onClose.bind(this)
    this.onRemoteCloseWrite = this.onRemoteCloseWrite.bind(this)
    stream.addEventListener('message', this.onMessage)
    stream.addEventListener('close', this.onClose)
    stream.addEventListener('remoteCloseWrite', this.onRemoteCloseWrite)
  }

  /** True while envelopes can be written and acks can still arrive. */
  get isOpen (): boolean {
    return !this.closed && this.stream.status === 'open' && this.stream.writeStatus === 'writable'
  }

  /** Envelopes written (or waiting to be written) and not yet answered. */
  get inFlight (): number {
    let n = 0
    for (const list of this.pending.values()) {
      n += list.length
    }
    return n
  }

  /**
   * Writes one encoded frame (already length-prefixed) carrying the envelope `id` and waits for
   * its answer. The signal ends the wait (the service turns its timeout into DmTimeoutError).
   */
  async send (id: Uint8Array, frame: Uint8Array, signal: AbortSignal): Promise<DmSendResult> {
    if (!this.isOpen) {
      throw new DmStreamClosedError('The dm stream is closed')
    }
    const key = idKey(id)
    const answered = deferred<DmSendResult>()
    // The answer may be rejected by a close before anyone awaits it: never leave it unhandled.
    answered.promise.catch(() => {})
    const entry: PendingSend = { resolve: answered.resolve, reject: answered.reject }
    this.addPending(key, entry)
    const onAbort = (): void => {
      this.removePending(key, entry)
      answered.reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      if (signal.aborted) {
        onAbort()
      }
      // Backpressure: wait while the muxer asks us to (Stream.send returned false earlier).
      while (this.stream.writableNeedsDrain && this.isOpen && !signal.aborted) {
        await this.stream.onDrain({ signal })
      }
      if (signal.aborted) {
        throw signal.reason
      }
      if (!this.isOpen) {
        throw new DmStreamClosedError('The dm stream closed before the envelope was written')
      }
      this.stream.send(frame)
      return await answered.promise
    } catch (err) {
      this.removePending(key, entry)
      if (signal.aborted) {
        throw signal.reason
      }
      if (err instanceof DmRefusedError || err instanceof DmStreamClosedError) {
        throw err
      }
      throw new DmStreamClosedError('The dm stream failed with the envelope in flight', { cause: err })
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  /** Closes the stream; every envelope in flight fails with DmStreamClosedError. */
  abort (err: Error): void {
    this.fail(new DmStreamClosedError('The dm stream was closed locally', { cause: err }))
    this.stream.abort(err)
  }

  private addPending (key: string, entry: PendingSend): void {
    const list = this.pending.get(key)
    if (list == null) {
      this.pending.set(key, [entry])
    } else {
      list.push(entry)
    }
  }

  private removePending (key: string, entry: PendingSend): void {
    const list = this.pending.get(key)
    if (list == null) {
      return
    }
    const index = list.indexOf(entry)
    if (index !== -1) {
      list.splice(index, 1)
    }
    if (list.length === 0) {
      this.pending.delete(key)
    }
  }

  /** The oldest sender waiting for `id`, removed from the pending map. */
  private takePending (id: Uint8Array): PendingSend | undefined {
    const key = idKey(id)
    const list = this.pending.get(key)
    const entry = list?.shift()
    if (list?.length === 0) {
      this.pending.delete(key)
    }
    return entry
  }

  private onMessage (evt: StreamMessageEvent): void {
    if (this.closed) {
      return
    }
    this.decoder.push(evt.data)
    for (;;) {
      let body: Uint8Array | null
      let frame: DmFrame
      try {
        body = this.decoder.next()
        if (body == null) {
          return
        }
        frame = DmFrame.decode(body)
      } catch (err) {
        // The receiver broke the protocol: nothing it says on this stream can be trusted.
        this.log.error('bad frame from %p - %e', this.peer, err)
        this.abort(err instanceof Error ? err : new Error(String(err)))
        return
      }
      this.onFrame(frame)
    }
  }

  private onFrame (frame: DmFrame): void {
    if (frame.ack != null) {
      const entry = this.takePending(frame.ack.id)
      if (entry == null) {
        this.log('ack for an envelope not in flight from %p', this.peer)
        return
      }
      if (frame.ack.status === DmFrame.Ack.Status.DUPLICATE) {
        entry.resolve({ status: 'duplicate' })
      } else if (frame.ack.status === DmFrame.Ack.Status.OK) {
        entry.resolve({ status: 'ok' })
      } else {
        entry.reject(new DmRefusedError('UNSUPPORTED', 'ack with unspecified status'))
      }
      return
    }
    if (frame.error != null) {
      const code: DmErrorCode = frame.error.code === DmFrame.Error.Code.CODE_UNSPECIFIED
        ? 'INTERNAL'
        : frame.error.code
      const entry = frame.error.id.byteLength > 0 ? this.takePending(frame.error.id) : undefined
      if (entry == null) {
        // An error that names no envelope of ours (e.g. TOO_LARGE, whose id cannot be read):
        // if the receiver closes the stream next, the envelopes in flight fail then.
        this.log('error frame %s from %p names no envelope in flight', code, this.peer)
        return
      }
      entry.reject(new DmRefusedError(code, frame.error.message))
      return
    }
    // Envelopes travel only from the stream opener to the listener.
    this.log('ignoring an unexpected frame from %p', this.peer)
  }

  private onRemoteCloseWrite (): void {
    // The receiver will send no more acks: whatever is in flight cannot complete here.
    this.fail(new DmStreamClosedError('The receiver closed the dm stream'))
    this.stream.close().catch(err => {
      this.stream.abort(err instanceof Error ? err : new Error(String(err)))
    })
  }

  private onClose (evt: StreamCloseEvent): void {
    this.fail(new DmStreamClosedError('The dm stream closed with envelopes in flight', { cause: evt.error }))
  }

  private fail (err: DmStreamClosedError): void {
    if (!this.closed) {
      this.closed = true
      this.onClosed(this)
    }
    const lists = [...this.pending.values()]
    this.pending.clear()
    for (const list of lists) {
      for (const entry of list) {
        entry.reject(err)
      }
    }
  }
}

/** A map key for an envelope id. */
function idKey (id: Uint8Array): string {
  return uint8ArrayToString(id, 'base16')
}

interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
  reject(reason: unknown): void
}

/** Promise.withResolvers (ES2024; shimmed on Node 20 but not in this project's lib types). */
function deferred<T> (): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (reason: unknown) => void
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej })
  return { promise, resolve, reject }
}
