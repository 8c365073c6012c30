// Stopping a node ends what it is waiting on: a node stopped while it looks for a peer that is
// nowhere (a queued message to an offline contact) stops at once, not when the look-up's own
// timeout (RESOLVE_TIMEOUT_MS) ends it. Real nodes on 127.0.0.1: bob is alice's DHT peer, so
// her look-up has someone to ask and runs until it is stopped or times out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateIdentity, peerIdFromIdentityKey } from '../../src/crypto/identity.js'
import { RESOLVE_TIMEOUT_MS } from '../../src/messenger/constants.js'
import { makeHome, removeDir, startNode, type TestNode } from './helpers.js'

describe('stopping a node', () => {
  const dirs: string[] = []
  let alice: TestNode | undefined
  let bob: TestNode

  beforeAll(async () => {
    const [a, b] = await Promise.all([makeHome(), makeHome()])
    dirs.push(a.dir, b.dir)
    bob = await startNode(b.home)
    alice = await startNode(a.home, { bootstrap: bob.addresses })
  })

  afterAll(async () => {
    await alice?.murmur.stop()
    await bob?.murmur.stop()
    await Promise.all(dirs.map(removeDir))
  })

  it('while it looks for a peer that is nowhere: the look-up ends with the stop, not at its timeout', async () => {
    const node = alice as TestNode
    const nobody = peerIdFromIdentityKey(generateIdentity().publicKey)
    await node.murmur.contacts.add('ghost', nobody)
    // send answers "queued" once its first attempt has not delivered within a few seconds: the
    // look-up is still running (it has RESOLVE_TIMEOUT_MS).
    const sent = await node.murmur.send('ghost', 'are you there?')
    expect(sent.state).toBe('queued')
    const stopping = Date.now()
    await node.murmur.stop()
    alice = undefined
    expect(Date.now() - stopping).toBeLessThan(RESOLVE_TIMEOUT_MS / 2)
  })
})
