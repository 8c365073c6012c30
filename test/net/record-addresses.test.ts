// Which of our addresses go into our contact record (src/net/record-addresses.ts): a node on both
// families has more addresses of its own than the record holds, and a plain cut dropped the
// relayed ones, a home's only reachable ones.
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { CONTACT_RECORD_LIMITS } from '../../src/net/limits.js'
import { recordAddresses } from '../../src/net/record-addresses.js'

const ME = '12D3KooWSrtF9LZejBVmyKraq2U6xSaJxkeMmrJxy8kHaTy2ThLY'
const RELAYS = ['12D3KooWLQbMV5FuBVkhJd1PHX8GeKYfyc2tC22j2hPMuWWM4QDX', '12D3KooWSt3gPWN7bschUgP1ai1na6WCJdcT7f7HXDJL5ciS28tn', '12D3KooWDRij81bUbnmbp5to55qmoUvxaWe7Jk5hnf5sTVkY2U4N']
const HOSTS = ['127.0.0.1', '::1', '192.168.1.2', 'fd00::2', '2a0b:a::2', '2a0b:a::8d1e:3f2a:7c4b:19e5', '2a0b:a::51c0:aa3:e21:6f07']
const ip = (host: string): string => host.includes(':') ? `/ip6/${host}` : `/ip4/${host}`
/** TCP and WebSocket on each host address (libp2p lists these first). */
const own = HOSTS.flatMap(h => [`${ip(h)}/tcp/4455/p2p/${ME}`, `${ip(h)}/tcp/4456/ws/p2p/${ME}`])
/** Each relay as libp2p lists its reservation: through each of the relay's addresses. */
const relayed = RELAYS.flatMap((relay, n) => ['127.0.0.1', '::1', `11.0.${n + 1}.2`, `2a0b:0:${n + 1}::2`].flatMap(h => [
  `${ip(h)}/tcp/4455/p2p/${relay}/p2p-circuit/p2p/${ME}`, `${ip(h)}/tcp/4456/ws/p2p/${relay}/p2p-circuit/p2p/${ME}`
]))

describe('the addresses of our contact record', () => {
  it('keep every relayed address through a public relay address when our own addresses alone fill the record', () => {
    const all = [...own, ...relayed].map(a => multiaddr(a))
    expect(all.length).toBeGreaterThan(CONTACT_RECORD_LIMITS.maxAddresses)
    const kept = recordAddresses(all, CONTACT_RECORD_LIMITS.maxAddresses).map(String)
    expect(kept).toHaveLength(CONTACT_RECORD_LIMITS.maxAddresses)
    const publicRelayed = relayed.filter(a => /^\/ip[46]\/(11\.|2a0b)/.test(a))
    expect(kept.filter(a => a.includes('/p2p-circuit/'))).toEqual(expect.arrayContaining(publicRelayed))
    // Public first, then relayed through public relay addresses, then private, then loopback.
    expect(kept.slice(0, 6)).toEqual(own.filter(a => a.includes('2a0b')))
    expect(kept.slice(6, 6 + publicRelayed.length)).toEqual(publicRelayed)
    expect(kept).not.toContain(`/ip4/127.0.0.1/tcp/4455/p2p/${RELAYS[2]}/p2p-circuit/p2p/${ME}`)
  })

  it('keep all of them, in the same kinds order, when they fit', () => {
    const few = [`/ip4/127.0.0.1/tcp/4455/p2p/${ME}`, `/ip4/192.168.1.2/tcp/4455/p2p/${ME}`, relayed[4], `/ip4/11.0.9.9/tcp/4455/p2p/${ME}`]
    expect(recordAddresses(few.map(a => multiaddr(a)), 32).map(String)).toEqual([few[3], few[2], few[1], few[0]])
  })
})
