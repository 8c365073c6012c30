/**
 * One direct dial of a hole punch (docs/network.md, "Hole punching"), bounded by the attempt's
 * deadline while it dials and upgrades, and by nothing once it is connected.
 *
 * Why the deadline is not handed to the transport as it is: @libp2p/tcp passes its dial
 * options on to `net.connect`, and a socket made with a `signal` is destroyed whenever that
 * signal aborts, also long after it connected. Every punched connection died when its attempt's
 * 8-second deadline passed, and the peers fell back to their relay. Here the transport gets a
 * signal of its own that follows the deadline only until the dial settles.
 */
import type { AbortOptions, Connection, Transport } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { HolePunchFailedError } from './errors.js'

/**
 * `transport.dial(target, options)`, aborted by `signal` while it dials; the connection outlives
 * it. With `connectWithinMs`, the TCP connect alone must also succeed within that long (ended by
 * the upgrader's first progress event): the upgrade (Noise, Yamux) then has what is left of
 * `signal`, which a busy machine needs.
 */
export async function dialWithin (transport: Transport, target: Multiaddr, options: Record<string, unknown>, signal: AbortSignal, connectWithinMs?: number): Promise<Connection> {
  const dialing = new AbortController()
  const stop = (): void => { dialing.abort(signal.reason) }
  if (signal.aborted) stop()
  else signal.addEventListener('abort', stop, { once: true })
  const connectTimer = connectWithinMs === undefined
    ? undefined
    : setTimeout(() => { dialing.abort(new HolePunchFailedError('dial', `no connection to ${target.toString()} within ${Math.round(connectWithinMs)} ms`)) }, connectWithinMs)
  const onProgress = (event: { type: string }): void => { if (event.type.startsWith('upgrader:')) clearTimeout(connectTimer) }
  try {
    return await transport.dial(target, { ...options, onProgress, signal: dialing.signal } as AbortOptions as Parameters<Transport['dial']>[1])
  } finally {
    clearTimeout(connectTimer)
    signal.removeEventListener('abort', stop)
  }
}
