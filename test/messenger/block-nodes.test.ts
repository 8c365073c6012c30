// Blocking between running nodes (src/messenger/blocks.ts, docs/messaging.md "Blocking"): real
// nodes over loopback, real LevelDB homes, carol as bob's relay. bob blocks alice: her texts
// come to him acknowledged and dropped, what he had queued for a blocked peer fails, he cannot
// send to her, and his relay refuses her deposits; after the unblock they talk again, and bob's
// conversation says what was dropped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateIdentity, peerIdFromIdentityKey } from '../../src/crypto/identity.js'
import { BLOCKED_REASON } from '../../src/messenger/blocks.js'
import type { MurmurEvents } from '../../src/messenger/events.js'
import type { MessageView } from '../../src/messenger/types.js'
import { eventually, makeHomes, removeDir, startNode, type TestNode } from './helpers.js'

describe('bob blocks alice', () => {
  const dirs: string[] = []
  let homes: Record<string, string>
  let carol: TestNode
  let alice: TestNode
  let bob: TestNode
  let aliceId: string
  let bobId: string

  beforeAll(async () => {
    homes = await makeHomes(['carol', 'alice', 'bob'], dirs)
    carol = await startNode(homes.carol)
    alice = await startNode(homes.alice, { bootstrap: carol.addresses })
    bob = await startNode(homes.bob, { bootstrap: carol.addresses })
    aliceId = alice.murmur.peerId
    bobId = bob.murmur.peerId
    // carol relays for bob alone: a relay lets a peer it trusts deposit anywhere (docs/relay.md,
    // "Deposit: the doors"), and alice's deposits are to find only the door bob's capability opens.
    await carol.murmur.trust.add(bobId)
    await bob.murmur.relays.add(carol.murmur.peerId, { addresses: carol.addresses })
    await bob.murmur.contacts.add('alice', aliceId)
    // One exchange each way while both are online: a session, and each side's capability for the other.
    const hello = await alice.murmur.send(bobId, 'hello')
    await alice.murmur.waitForState(bobId, hello.id, ['delivered'], { timeoutMs: 20_000 })
    const back = await bob.murmur.send('alice', 'hi')
    await bob.murmur.waitForState('alice', back.id, ['delivered'], { timeoutMs: 20_000 })
  })

  afterAll(async () => {
    await Promise.allSettled([alice?.murmur.stop(), bob?.murmur.stop(), carol?.murmur.stop()])
    await Promise.all(dirs.map(removeDir))
  })

  /** bob's entries of his conversation with alice, oldest first. */
  async function bobsConversation (): Promise<MessageView[]> {
    return await bob.murmur.history('alice', { limit: 100 })
  }

  it('a text queued for a peer when it is blocked fails, and says why; the block is listed and announced', async () => {
    // erin never comes online: bob's text to her waits for her keys.
    const erin = peerIdFromIdentityKey(generateIdentity().publicKey)
    const waiting = await bob.murmur.send(erin, 'are you there?', { returnWhen: 'queued' })
    expect(waiting.state).toBe('queued')
    const announced: Array<MurmurEvents['blocks']> = []
    const off = bob.murmur.events.on('blocks', (e) => { announced.push(e) })
    try {
      const blocked = await bob.murmur.blocks.add(erin)
      expect(blocked).toMatchObject({ peerId: erin })
      const failed = await bob.murmur.waitForState(erin, waiting.id, ['failed'], { timeoutMs: 20_000 })
      expect(failed).toMatchObject({ state: 'failed', reason: BLOCKED_REASON })
      expect((await bob.murmur.status()).queued.filter(q => q.peerId === erin)).toEqual([])
      // Asked again: nothing changes, nothing is announced twice.
      expect(await bob.murmur.blocks.add(erin)).toEqual(blocked)
      expect(announced).toEqual([{ change: 'blocked', blocked }])
      expect(await bob.murmur.blocks.list()).toEqual([blocked])
      await expect(bob.murmur.resend(erin, waiting.id)).rejects.toMatchObject({ name: 'PeerBlockedError' })
      // What cannot be blocked is refused, typed, and changes nothing.
      await expect(bob.murmur.blocks.add('12D3KooWnot-a-peer-id')).rejects.toMatchObject({ name: 'InvalidPeerIdError' })
      await expect(bob.murmur.blocks.add('nobody')).rejects.toMatchObject({ name: 'ContactNotFoundError' })
      await expect(bob.murmur.blocks.add(bobId)).rejects.toMatchObject({ name: 'SelfMessageError' })
      await expect(bob.murmur.blocks.remove(aliceId)).rejects.toMatchObject({ name: 'PeerNotBlockedError' })
      expect(await bob.murmur.blocks.list()).toEqual([blocked])
      expect(announced).toHaveLength(1)
    } finally {
      off()
    }
  })

  it('alice\'s texts reach bob acknowledged (sent) and are dropped unread; bob cannot write to her', async () => {
    await bob.murmur.blocks.add('alice')
    expect((await bob.murmur.blocks.list()).find(b => b.peerId === aliceId)).toMatchObject({ contact: 'alice' })
    const before = await bobsConversation()
    const shown: MessageView[] = []
    const off = bob.murmur.events.on('message', (m) => { shown.push(m) })
    try {
      const text = await alice.murmur.send(bobId, 'do you read me?')
      // "sent": bob's node acknowledged it, which it does only once its receive returned.
      const sent = await alice.murmur.waitForState(bobId, text.id, ['sent', 'delivered', 'read'], { timeoutMs: 20_000 })
      expect(sent.state).toBe('sent')
      expect(shown).toEqual([])
      expect(await bobsConversation()).toEqual(before)
    } finally {
      off()
    }
    await expect(bob.murmur.send('alice', 'no')).rejects.toMatchObject({ name: 'PeerBlockedError' })
    expect(await bobsConversation()).toEqual(before)
  })

  it('with bob offline, his relay refuses alice\'s deposit: the capability he gave her is revoked there', async () => {
    await bob.murmur.stop()
    const text = await alice.murmur.send(bobId, 'leave it at carol')
    const refused = await eventually(async () => {
      const [entry] = await alice.murmur.history(bobId, { before: text.seq + 1, limit: 1 })
      return entry.relays?.find(r => r.relay === carol.murmur.peerId)
    }, 20_000, 'carol\'s answer to alice\'s deposit')
    expect(refused).toMatchObject({ status: 'refused', reason: 'refused: no mailbox there is open to you' })
  })

  it('after the unblock they talk again, and bob\'s conversation says that two texts were dropped', async () => {
    bob = await startNode(homes.bob, { bootstrap: carol.addresses })
    // Still blocked after the restart: the refused text alice retries when bob is back is dropped too.
    expect((await bob.murmur.blocks.list()).map(b => b.peerId)).toContain(aliceId)
    const [waiting] = await alice.murmur.history(bobId, { limit: 1 })
    await alice.murmur.waitForState(bobId, waiting.id, ['sent'], { timeoutMs: 30_000 })
    expect((await bob.murmur.blocks.remove('alice')).peerId).toBe(aliceId)
    await expect(bob.murmur.blocks.remove('alice')).rejects.toMatchObject({ name: 'PeerNotBlockedError' })

    const again = await alice.murmur.send(bobId, 'friends again?')
    await alice.murmur.waitForState(bobId, again.id, ['delivered'], { timeoutMs: 20_000 })
    // The hole's line follows the text that opened it, as every hole's does (gaps.ts).
    const tail = (await bobsConversation()).slice(-2)
    expect(tail.map(m => m.text)).toEqual([
      'friends again?',
      '2 earlier messages from this contact came while you had blocked it, and were dropped unread.'
    ])
    const answer = await bob.murmur.send('alice', 'yes')
    await bob.murmur.waitForState('alice', answer.id, ['delivered'], { timeoutMs: 20_000 })
  })

  it('a relay that was down at the block forgets the capability when bob registers there again', async () => {
    /** alice's text to bob while he is offline: what carol answered her deposit. */
    const depositWhileBobAway = async (text: string): Promise<{ status: string, reason?: string }> => {
      const sent = await alice.murmur.send(bobId, text)
      return await eventually(async () => {
        const [entry] = await alice.murmur.history(bobId, { before: sent.seq + 1, limit: 1 })
        return entry.relays?.find(r => r.relay === carol.murmur.peerId)
      }, 20_000, `carol's answer to "${text}"`)
    }
    const carolsError = async (): Promise<string | undefined> => (await bob.murmur.relays.list()).find(r => r.peerId === carol.murmur.peerId)?.error
    // The capability bob's answer gave alice after the unblock opens his mailbox at carol.
    await bob.murmur.stop()
    expect(await depositWhileBobAway('one more')).toMatchObject({ status: 'stored' })
    bob = await startNode(homes.bob, { bootstrap: carol.addresses })

    // carol goes down; bob notices, and blocks alice while carol cannot be told.
    const carolListens = carol.addresses.map(a => a.replace(/\/p2p\/.*$/, ''))
    await carol.murmur.stop()
    await eventually(async () => await carolsError(), 20_000, 'bob to notice carol gone')
    await bob.murmur.blocks.add('alice')
    carol = await startNode(homes.carol, { listen: carolListens })
    // Registered again (the error cleared): the registration told carol to forget the hash.
    await eventually(async () => await carolsError() === undefined, 30_000, 'bob to register at carol again')
    await bob.murmur.stop()
    expect(await depositWhileBobAway('and now?')).toMatchObject({ status: 'refused', reason: 'refused: no mailbox there is open to you' })
  })
})
