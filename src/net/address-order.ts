/**
 * The order in which a peer's addresses are dialled (docs/network.md "Dialling").
 *
 * libp2p dials a peer's addresses one after another, each with its own timeout. A contact record
 * carries private addresses too (they are how LAN peers reach each other), and on the internet a
 * private address of another network is usually black-holed: each costs a whole per-address
 * timeout. So the likely addresses go first:
 *   1. loopback (another node on this machine; elsewhere it fails at once),
 *   2. a private address inside one of this machine's own subnets (same LAN),
 *   3. a public address,
 *   4. a relayed (/p2p-circuit) address, through a relay this node has an open direct connection
 *      to first (no new connection to make, and one a probe found dead is gone: src/net/liveness),
 *   5. any other private address (someone else's LAN: rarely reachable), and a public IPv6
 *      address while this machine has no global IPv6 address of its own (it has no route there
 *      that works; on a network whose IPv6 is broken the SYN goes nowhere and waits it out);
 * and TCP before WebSockets within each rank.
 */
import { networkInterfaces } from 'node:os'
import { isLoopback, isPrivate } from '@libp2p/utils'
import { Circuit, TCP } from '@multiformats/multiaddr-matcher'
import type { Address, Libp2p, PeerInfo } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { isOpenDirect } from './connections.js'
import { relayOf } from './reachability/classify.js'

export interface Subnet { family: 4 | 6, base: bigint, bits: number }

function ipToBigInt (ip: string, family: 4 | 6): bigint | undefined {
  if (family === 4) {
    const parts = ip.split('.').map(Number)
    if (parts.length !== 4 || parts.some(p => !Number.isInteger(p) || p < 0 || p > 255)) return undefined
    return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n)
  }
  const [head, tail] = ip.split('%')[0].split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined ? [] : (tail === '' ? [] : tail.split(':'))
  const missing = 8 - left.length - right.length
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined
  const groups = [...left, ...Array<string>(missing).fill('0'), ...right]
  let value = 0n
  for (const g of groups) {
    const n = Number.parseInt(g, 16)
    if (!Number.isInteger(n) || n < 0 || n > 0xffff) return undefined
    value = (value << 16n) | BigInt(n)
  }
  return value
}

function maskOf (family: 4 | 6, bits: number): bigint {
  const width = family === 4 ? 32 : 128
  return bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits)
}

/** This machine's subnets, from its interfaces. */
export function localSubnets (): Subnet[] {
  const out: Subnet[] = []
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      if (info.cidr == null) continue
      const family = info.family === 'IPv4' ? 4 : 6
      const [ip, bits] = info.cidr.split('/')
      const value = ipToBigInt(ip, family)
      if (value == null) continue
      const mask = maskOf(family, Number(bits))
      out.push({ family, base: value & mask, bits: Number(bits) })
    }
  }
  return out
}

function inSubnets (address: Multiaddr, subnets: Subnet[]): boolean {
  const host = address.getComponents()[0]
  if (host?.value == null) return false
  const family = host.name === 'ip4' ? 4 : host.name === 'ip6' ? 6 : undefined
  if (family == null) return false
  const value = ipToBigInt(host.value, family)
  if (value == null) return false
  return subnets.some(s => s.family === family && (value & maskOf(family, s.bits)) === s.base)
}

/**
 * The rank of `address` (lower dials first); see the module comment. `connectedTo` says whether
 * this node has an open direct connection to a peer (a relay).
 */
export function addressRank (address: Multiaddr, subnets: Subnet[], connectedTo: (peerId: string) => boolean = () => false): number {
  if (Circuit.matches(address)) {
    const relay = relayOf(address)
    return relay !== undefined && connectedTo(relay) ? 4 : 4.5
  }
  if (isLoopback(address)) return 1
  if (isPrivate(address)) return inSubnets(address, subnets) ? 2 : 5
  if (address.getComponents()[0]?.name === 'ip6' && !subnets.some(isGlobalIpv6)) return 5
  return 3
}

/** A global unicast IPv6 subnet (2000::/3): an address of ours that the internet can route to. */
function isGlobalIpv6 (subnet: Subnet): boolean {
  return subnet.family === 6 && subnet.bits >= 3 && (subnet.base >> 125n) === 1n
}

/** Interfaces come and go (a laptop changes networks): the subnets are read again this often. */
const SUBNETS_TTL_MS = 30_000

/** A compare function for libp2p's connectionManager.addressSorter (`connectedTo`: see addressRank). */
export function createAddressSorter (readSubnets: () => Subnet[] = localSubnets, connectedTo: (peerId: string) => boolean = () => false): (a: Address, b: Address) => -1 | 0 | 1 {
  let subnets: Subnet[] = []
  let readAt = -Infinity
  return (a, b) => {
    if (Date.now() - readAt > SUBNETS_TTL_MS) {
      subnets = readSubnets()
      readAt = Date.now()
    }
    const rank = Math.sign(addressRank(a.multiaddr, subnets, connectedTo) - addressRank(b.multiaddr, subnets, connectedTo))
    if (rank !== 0) return rank as -1 | 1
    return Math.sign(Number(!TCP.exactMatch(a.multiaddr)) - Number(!TCP.exactMatch(b.multiaddr))) as -1 | 0 | 1
  }
}

/**
 * The address sorter of `node` (its libp2p option), also how others foresee the order it dials
 * in: a relayed address through a relay it has an open direct connection to comes first.
 */
export function nodeAddressSorter (node: () => Libp2p | undefined): (a: Address, b: Address) => -1 | 0 | 1 {
  return createAddressSorter(undefined, (peerId) => node()?.getConnections().some(c => c.remotePeer.toString() === peerId && isOpenDirect(c)) ?? false)
}

/**
 * The LAN DHT's peer-info mapper: a peer belongs in it when one of its addresses is on this
 * machine (loopback) or inside one of this machine's subnets - kubo's dual DHT keeps its LAN
 * table to peers reached over private addresses for the same reason. kad-dht's
 * removePublicAddressesMapper keeps every private address, so a peer behind another home's
 * NAT (its 192.168.x address unreachable from here) entered the LAN table, and every LAN query
 * dialled it through relays.
 */
export function createLanPeerInfoMapper (readSubnets: () => Subnet[] = localSubnets): (peer: PeerInfo) => PeerInfo {
  let subnets: Subnet[] = []
  let readAt = -Infinity
  return (peer) => {
    if (Date.now() - readAt > SUBNETS_TTL_MS) {
      subnets = readSubnets()
      readAt = Date.now()
    }
    return { ...peer, multiaddrs: peer.multiaddrs.filter(a => !Circuit.matches(a) && (isLoopback(a) || (isPrivate(a) && inSubnets(a, subnets)))) }
  }
}
