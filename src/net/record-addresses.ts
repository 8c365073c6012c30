/**
 * Which of our addresses go into our contact record (docs/network.md "Contact record format"),
 * which holds at most CONTACT_RECORD_LIMITS.maxAddresses of them.
 *
 * libp2p lists a node's own transport addresses first and its relayed (/p2p-circuit) ones
 * after them. A node listening on both families has many of its own (loopback, LAN and public,
 * TCP and WebSocket, IPv4 and IPv6, and a host's several IPv6 addresses), so a plain cut could
 * drop every relayed address: the only ones through which a home behind a NAT can be reached.
 * The record keeps the addresses that work from elsewhere first: public ones, then relayed ones
 * through a public relay address, then private (a LAN peer's), then loopback (this machine).
 */
import { isLoopback, isPrivate } from '@libp2p/utils'
import { Circuit } from '@multiformats/multiaddr-matcher'
import type { Multiaddr } from '@multiformats/multiaddr'

function usefulness (address: Multiaddr): number {
  const relayed = Circuit.matches(address) ? 1 : 0
  if (isLoopback(address)) return 4 + relayed
  if (isPrivate(address) === true) return 2 + relayed
  return relayed
}

/** At most `max` of `addresses`, the most widely useful first (stable within each kind). */
export function recordAddresses (addresses: Multiaddr[], max: number): Multiaddr[] {
  return addresses
    .map((address, i) => ({ address, i, rank: usefulness(address) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .slice(0, max)
    .map(({ address }) => address)
}
