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

/** `transport.dial(target, options)`, aborted by `signal` while it dials; the connection outlives it. */
export async function dialWithin (transport: Transport, target: Multiaddr, options: Record<string, unknown>, signal: AbortSignal): Promise<Connection> {
  const dialing = new AbortController()
  const stop = (): void => { dialing.abort(signal.reason) }
  if (signal.aborted) stop()
  else signal.addEventListener('abort', stop, { once: true })
  try {
    return await transport.dial(target, { ...options, signal: dialing.signal } as AbortOptions as Parameters<Transport['dial']>[1])
  } finally {
    signal.removeEventListener('abort', stop)
  }
}
