/**
 * The rule that decides whether a dial of a peer's known addresses is given up for the
 * addresses of its own record (src/messenger/address-vouching.ts; docs/messaging.md "Sending",
 * step 4). test/messenger/moved-peer.test.ts runs the two cases that give it up with real nodes;
 * here every case, the ones that leave the dial alone too.
 */
import { describe, expect, it } from 'vitest'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { addressKey, staleFirst } from '../../src/messenger/address-vouching.js'

const PEER = peerIdFromString('12D3KooWLQ7d1rJ2yv3pH8Qz1YbxY1Hq9e1aN8WcKDRQ6bYbGKnz')
const OLD = multiaddr('/ip4/198.51.100.7/tcp/4001')
const OLD_2 = multiaddr('/ip4/198.51.100.8/tcp/4001')
const LIVE = multiaddr('/ip4/203.0.113.5/tcp/4001')
const NEW_RELAYED = multiaddr('/ip4/203.0.113.9/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA/p2p-circuit')
const withId = (a: ReturnType<typeof multiaddr>): ReturnType<typeof multiaddr> => a.encapsulate(`/p2p/${PEER.toString()}`)

describe('staleFirst: is the known dial worth waiting for?', () => {
  it('gives the dial up when an address the record lacks is dialled before one it has', () => {
    expect(staleFirst(PEER, [OLD, OLD_2, LIVE], [LIVE])).toBe(true)
  })

  it('gives the dial up when the record has none of the known addresses and others instead (moved)', () => {
    expect(staleFirst(PEER, [OLD, OLD_2], [LIVE])).toBe(true)
  })

  it('leaves alone a dial that tries an address of the record first', () => {
    expect(staleFirst(PEER, [LIVE, OLD], [LIVE])).toBe(false)
  })

  it('leaves alone a dial whose record only adds an address (a new relay)', () => {
    expect(staleFirst(PEER, [LIVE], [LIVE, NEW_RELAYED])).toBe(false)
    expect(staleFirst(PEER, [OLD, LIVE], [OLD, LIVE, NEW_RELAYED])).toBe(false)
  })

  it('leaves the dial alone without a record (none found: no addresses)', () => {
    expect(staleFirst(PEER, [OLD, LIVE], [])).toBe(false)
  })

  it('compares addresses without the peer\'s own /p2p suffix, which the peer store and records write differently', () => {
    expect(addressKey(withId(LIVE), PEER)).toBe(LIVE.toString())
    expect(staleFirst(PEER, [withId(LIVE), OLD], [LIVE])).toBe(false)
    expect(staleFirst(PEER, [OLD, LIVE], [withId(LIVE)])).toBe(true)
  })
})
