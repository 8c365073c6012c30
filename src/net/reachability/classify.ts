/**
 * How a node can be reached, from the addresses libp2p announces for it (docs/network.md
 * "Reachability"). libp2p announces a private or loopback address at once, a public one only
 * after AutoNAT confirmed it, and a /p2p-circuit address while a relay holds a reservation.
 */
import { isLoopback, isPrivate } from '@libp2p/utils'
import { CODE_P2P, type Multiaddr } from '@multiformats/multiaddr'
import { Circuit } from '@multiformats/multiaddr-matcher'

/**
 * - public: a public address that another node dialled back (AutoNAT);
 * - relayed: reachable through circuit relays only (then perhaps upgraded by hole punching);
 * - lan: private addresses only (this LAN, or this machine);
 * - unreachable: no address anyone could dial.
 */
export type ReachabilityMode = 'public' | 'relayed' | 'lan' | 'unreachable'

export interface ReachabilityView {
  mode: ReachabilityMode
  /** One line for people: how, and through what. */
  detail: string
  publicAddresses: string[]
  relayAddresses: string[]
  /** Peer IDs of the relays that hold a reservation for us. */
  relays: string[]
  privateAddresses: string[]
  /** When not reachable through a relay: the last relay that refused or failed a reservation, and why. */
  reservationError?: { relay: string, reason: string }
}

/** The relay's peer ID in a /p2p-circuit address (the /p2p before /p2p-circuit). */
export function relayOf (address: Multiaddr): string | undefined {
  const components = address.getComponents()
  const circuit = components.findIndex(c => c.name === 'p2p-circuit')
  if (circuit <= 0) return undefined
  return components.slice(0, circuit).findLast(c => c.code === CODE_P2P)?.value
}

export function isPublicDirect (address: Multiaddr): boolean {
  return !Circuit.matches(address) && !isPrivate(address)
}

/** Classifies the announced `addresses` (libp2p's getMultiaddrs()). */
export function classify (addresses: Multiaddr[]): ReachabilityView {
  const publicAddresses: string[] = []
  const relayAddresses: string[] = []
  const privateAddresses: string[] = []
  const relays = new Set<string>()
  let loopbackOnly = true
  for (const address of addresses) {
    if (Circuit.matches(address)) {
      relayAddresses.push(address.toString())
      const relay = relayOf(address)
      if (relay != null) relays.add(relay)
    } else if (isPrivate(address)) {
      privateAddresses.push(address.toString())
      if (!isLoopback(address)) loopbackOnly = false
    } else {
      publicAddresses.push(address.toString())
    }
  }
  const view = { publicAddresses, relayAddresses, relays: [...relays], privateAddresses }
  if (publicAddresses.length > 0) {
    return { mode: 'public', detail: `public address ${publicAddresses[0]}`, ...view }
  }
  if (relays.size > 0) {
    return { mode: 'relayed', detail: `through relay ${[...relays].join(', ')}`, ...view }
  }
  if (privateAddresses.length > 0) {
    return { mode: 'lan', detail: loopbackOnly ? 'this machine only (loopback addresses)' : 'local network only (private addresses)', ...view }
  }
  return { mode: 'unreachable', detail: 'no address another node could dial', ...view }
}
