// The order in which a peer's addresses are dialled (src/net/address-order.ts): libp2p dials
// them one after another, so a dead one first costs a whole per-address timeout.
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { createAddressSorter, type Subnet } from '../../src/net/address-order.js'
import { relayOf } from '../../src/net/reachability/classify.js'

const PEER = '12D3KooWSrtF9LZejBVmyKraq2U6xSaJxkeMmrJxy8kHaTy2ThLY'
const RELAY_UP = '12D3KooWLQbMV5FuBVkhJd1PHX8GeKYfyc2tC22j2hPMuWWM4QDX'
const RELAY_GONE = '12D3KooWSt3gPWN7bschUgP1ai1na6WCJdcT7f7HXDJL5ciS28tn'
/** This machine's LAN: 192.168.1.0/24. */
const subnets = (): Subnet[] => [{ family: 4, base: (192n << 24n) | (168n << 16n) | (1n << 8n), bits: 24 }]

const circuit = (relay: string, ip: string): string => `/ip4/${ip}/tcp/4455/p2p/${relay}/p2p-circuit/p2p/${PEER}`

function order (addresses: string[], connected: string[]): string[] {
  const sorter = createAddressSorter(subnets, (peerId) => connected.includes(peerId))
  return addresses.map(a => ({ multiaddr: multiaddr(a), isCertified: false })).sort(sorter).map(a => a.multiaddr.toString())
}

describe('dialling order', () => {
  it('loopback, this LAN, public, relayed, other LANs; TCP before WebSockets', () => {
    const sorted = order([
      '/ip4/192.168.2.2/tcp/4455',
      circuit(RELAY_UP, '11.0.2.2'),
      '/ip4/11.0.9.9/tcp/4456/ws',
      '/ip4/11.0.9.9/tcp/4455',
      '/ip4/192.168.1.7/tcp/4455',
      '/ip4/127.0.0.1/tcp/4455'
    ], [])
    expect(sorted).toEqual([
      '/ip4/127.0.0.1/tcp/4455',
      '/ip4/192.168.1.7/tcp/4455',
      '/ip4/11.0.9.9/tcp/4455',
      '/ip4/11.0.9.9/tcp/4456/ws',
      circuit(RELAY_UP, '11.0.2.2'),
      '/ip4/192.168.2.2/tcp/4455'
    ])
  })

  it('a public IPv6 address goes last while this machine has no global IPv6 address, and with public IPv4 while it has one', () => {
    const addresses = ['/ip6/2a0b:b::2/tcp/4455', circuit(RELAY_UP, '11.0.2.2'), '/ip4/11.0.9.9/tcp/4455']
    const withSubnets = (extra: Subnet[]): string[] => {
      const sorter = createAddressSorter(() => [...subnets(), ...extra], () => false)
      return addresses.map(a => ({ multiaddr: multiaddr(a), isCertified: false })).sort(sorter).map(a => a.multiaddr.toString())
    }
    // Only link-local and unique-local IPv6 here (fe80::/64, fd00::/64): no route to 2a0b:b::2 that works.
    expect(withSubnets([{ family: 6, base: 0xfe80n << 112n, bits: 64 }, { family: 6, base: 0xfd00n << 112n, bits: 64 }]))
      .toEqual(['/ip4/11.0.9.9/tcp/4455', circuit(RELAY_UP, '11.0.2.2'), '/ip6/2a0b:b::2/tcp/4455'])
    // A global address of our own (2a0b:a::/64): the IPv6 address is as likely as the IPv4 one.
    expect(withSubnets([{ family: 6, base: 0x2a0b000an << 96n, bits: 64 }]))
      .toEqual(['/ip6/2a0b:b::2/tcp/4455', '/ip4/11.0.9.9/tcp/4455', circuit(RELAY_UP, '11.0.2.2')])
  })

  it('a relayed address through a relay we are connected to before one through a relay we are not', () => {
    // The relay listed first went silent and its connection was aborted (src/net/liveness):
    // dialling through it first cost a per-address timeout before the live relay was tried.
    const addresses = [circuit(RELAY_GONE, '11.0.1.2'), circuit(RELAY_UP, '11.0.2.2')]
    expect(order(addresses, [RELAY_UP])).toEqual([circuit(RELAY_UP, '11.0.2.2'), circuit(RELAY_GONE, '11.0.1.2')])
    expect(order([...addresses].reverse(), [RELAY_GONE])).toEqual([circuit(RELAY_GONE, '11.0.1.2'), circuit(RELAY_UP, '11.0.2.2')])
    // Still after a public address, still before another network's private one.
    expect(order(['/ip4/192.168.2.2/tcp/4455', circuit(RELAY_UP, '11.0.2.2'), '/ip4/11.0.9.9/tcp/4455'], [RELAY_UP]))
      .toEqual(['/ip4/11.0.9.9/tcp/4455', circuit(RELAY_UP, '11.0.2.2'), '/ip4/192.168.2.2/tcp/4455'])
  })

  it('names the relay of a relayed address, and none for a direct one', () => {
    expect(relayOf(multiaddr(circuit(RELAY_UP, '11.0.2.2')))).toBe(RELAY_UP)
    expect(relayOf(multiaddr(`/ip4/11.0.9.9/tcp/4455/p2p/${PEER}`))).toBeUndefined()
  })
})
