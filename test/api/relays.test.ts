/**
 * The trust.* and relays.* methods over real HTTP against two real nodes (createMurmur, real
 * LevelDB, libp2p on 127.0.0.1): a relay and a user of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rpc, startTestNode, type TestNode } from './helpers.js'

describe('trust and relays methods', () => {
  let relay: TestNode
  let user: TestNode
  let relayAddr: string

  beforeAll(async () => {
    relay = await startTestNode()
    relayAddr = relay.daemon.id.addresses[0]
    user = await startTestNode({ bootstrap: [relayAddr] })
  })
  afterAll(async () => {
    await Promise.all([user?.cleanup(), relay?.cleanup()])
  })

  it('refuses bad params before anything runs: addr not an array, not a multiaddr, bad peer ID', async () => {
    const notArray = await rpc(user, 'relays.add', { peerId: relay.daemon.id.peerId, addr: relayAddr })
    expect(notArray.body.error).toMatchObject({ code: -32602, data: { name: 'InvalidParamsError' } })
    const notMultiaddr = await rpc(user, 'relays.add', { peerId: relay.daemon.id.peerId, addr: [relayAddr, 'not-a-multiaddr'] })
    expect(notMultiaddr.body.error).toMatchObject({ code: -32602, message: expect.stringMatching(/"addr" item 1 is not a multiaddr/) })
    const badPeer = await rpc(relay, 'trust.add', { peerId: 'not-a-peer-id' })
    expect(badPeer.body.error).toMatchObject({ code: -32602, data: { name: 'InvalidPeerIdError' } })
    expect((await rpc(user, 'relays.list')).body.result).toEqual([])
    expect((await rpc(relay, 'trust.list')).body.result).toEqual([])
  })

  it('relays.add at a node that does not trust us: MailboxNotFoundError (-32009), nothing kept', async () => {
    const refused = await rpc(user, 'relays.add', { peerId: relay.daemon.id.peerId, addr: [relayAddr] })
    expect(refused.body.error).toMatchObject({ code: -32009, data: { name: 'MailboxNotFoundError' } })
    expect((await rpc(user, 'relays.list')).body.result).toEqual([])
  })

  it('trust.add, then relays.add registers; status shows both sides; firstContact; remove undoes both', async () => {
    const userPeerId = user.daemon.id.peerId
    const trusted = await rpc(relay, 'trust.add', { peerId: userPeerId })
    expect(trusted.body.result).toMatchObject({ peerId: userPeerId, addedAt: expect.any(Number) })
    expect((await rpc(relay, 'trust.list')).body.result).toEqual([trusted.body.result])

    const added = await rpc(user, 'relays.add', { peerId: relay.daemon.id.peerId, addr: [relayAddr] })
    expect(added.body.result).toMatchObject({ peerId: relay.daemon.id.peerId, addresses: [relayAddr], registered: true })
    expect((await rpc(user, 'relays.list')).body.result).toHaveLength(1)

    const userStatus = (await rpc(user, 'status')).body.result
    expect(userStatus.relays).toEqual([expect.objectContaining({ peerId: relay.daemon.id.peerId, registered: true, queued: 0 })])
    expect(userStatus.relaying).toEqual({ trusted: 0, mailboxes: 0, forwardQueued: 0 })
    expect((await rpc(relay, 'status')).body.result.relaying).toEqual({ trusted: 1, mailboxes: 1, forwardQueued: 0 })

    expect((await rpc(user, 'relays.firstContact', { open: false })).body.result).toEqual({ open: false })

    expect((await rpc(user, 'relays.remove', { peerId: relay.daemon.id.peerId })).body.result).toMatchObject({ peerId: relay.daemon.id.peerId })
    expect((await rpc(user, 'relays.list')).body.result).toEqual([])
    expect((await rpc(relay, 'trust.remove', { peerId: userPeerId })).body.result).toEqual(trusted.body.result)
    expect((await rpc(relay, 'trust.list')).body.result).toEqual([])
  })
})
