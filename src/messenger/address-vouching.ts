/**
 * Which of a peer's known addresses its own contact record vouches for, and whether a dial of
 * them is worth waiting for (docs/messaging.md "Sending", step 4; src/messenger/reach.ts).
 * libp2p dials a peer's addresses one after another, each with its own timeout: a stale address
 * ahead of a live one costs that timeout, and a record shows which are which.
 */
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * Whether a dial of the known addresses (in the `order` libp2p dials them) tries stale ones
 * before live ones, by the addresses of the peer's own record (`current`): an address the
 * record lacks comes before one it has; or the record has none of them and others
 * instead (the peer moved: a new home address, another network). A dial that tries the record's
 * addresses first, or whose record only adds some (a new relay), is left alone.
 */
export function staleFirst (peer: PeerId, order: Multiaddr[], current: Multiaddr[]): boolean {
  const lacking = new Set(lackedBy(peer, order, current))
  const firstVouched = order.findIndex(a => !lacking.has(a))
  if (firstVouched > 0) return true
  if (firstVouched === 0) return false
  return lackedBy(peer, current, order).length > 0
}

/** Those of `addresses` that `others` lack (compared without the peer's own /p2p suffix). */
export function lackedBy (peer: PeerId, addresses: Multiaddr[], others: Multiaddr[]): Multiaddr[] {
  const keys = new Set(others.map(a => addressKey(a, peer)))
  return addresses.filter(a => !keys.has(addressKey(a, peer)))
}

/** An address without the peer's own /p2p suffix: the peer store and records differ in it. */
export function addressKey (address: Multiaddr, peer: PeerId): string {
  const text = address.toString()
  const suffix = `/p2p/${peer.toString()}`
  return text.endsWith(suffix) ? text.slice(0, -suffix.length) : text
}
