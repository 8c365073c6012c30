/**
 * Reading the bootstrap list (docs/network.md "Bootstrap"): every entry must be a multiaddr
 * that ends in /p2p/<peer id>, because a node must know whom it expects at an address (Noise
 * checks it). Entries that are not are reported, not silently dropped.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { CODE_P2P, multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '@libp2p/interface'

export interface BootstrapPeer {
  peerId: PeerId
  /** The address as given, /p2p/<peer id> included. */
  address: Multiaddr
}

export interface ParsedBootstrapList {
  peers: BootstrapPeer[]
  /** One line per entry that cannot be used, saying why and what to do. */
  warnings: string[]
}

/** Splits the configured list into usable peers and warnings; never throws. */
export function parseBootstrapList (list: readonly string[]): ParsedBootstrapList {
  const peers: BootstrapPeer[] = []
  const warnings: string[] = []
  const seen = new Set<string>()
  for (const entry of list) {
    let address: Multiaddr
    try {
      address = multiaddr(entry)
    } catch {
      warnings.push(`bootstrap address "${entry}" is not a multiaddr (expected e.g. /ip4/192.0.2.7/tcp/4455/p2p/12D3KooW...); ignored`)
      continue
    }
    const id = address.getComponents().findLast(c => c.code === CODE_P2P)?.value
    if (id == null) {
      warnings.push(`bootstrap address ${entry} has no /p2p/<peer id>; append the peer ID of the node there (its "murmur id"); ignored`)
      continue
    }
    let peerId: PeerId
    try {
      peerId = peerIdFromString(id)
    } catch {
      warnings.push(`bootstrap address ${entry} ends in an invalid peer ID; ignored`)
      continue
    }
    if (seen.has(address.toString())) continue
    seen.add(address.toString())
    peers.push({ peerId, address })
  }
  return { peers, warnings }
}
