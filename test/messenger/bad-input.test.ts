// Bad input at the messenger: typed errors, nothing stored, and the node keeps serving others.
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateIdentity } from '../../src/crypto/identity.js'
import { decodeBundle, encodePreKeyMessage, pqxdhInitiate } from '../../src/crypto/pqxdh/index.js'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { bundle as bundleService, type BundleService } from '../../src/net/bundle/index.js'
import { dm, DmRefusedError, type DmService } from '../../src/net/dm/index.js'
import { createNode, type MurmurNode } from '../../src/net/node.js'
import { Envelope } from '../../src/wire/envelope.js'
import { encodeEnvelope, type ParsedEnvelope } from '../../src/wire/strict/envelope.js'
import { MAX_TEXT_BYTES } from '../../src/messenger/index.js'
import { makeHome, removeDir, startNode, type TestNode } from './helpers.js'

type Mallory = MurmurNode<{ dm: DmService, bundle: BundleService }>

function envelope (sender: Uint8Array, recipient: Uint8Array, kind: Envelope.Kind, payload: Uint8Array): ParsedEnvelope {
  return encodeEnvelope({
    id: new Uint8Array(randomBytes(16)),
    sender: sender as Uint8Array<ArrayBuffer>,
    recipient: recipient as Uint8Array<ArrayBuffer>,
    createdAt: BigInt(Date.now()),
    kind,
    payload: payload as Uint8Array<ArrayBuffer>,
    expiresAt: 0n
  })
}

describe('bad input reaching a running node (real libp2p over loopback)', () => {
  const dirs: string[] = []
  let alice: TestNode
  let bob: TestNode
  let mallory: Mallory
  const failures: string[] = []

  beforeAll(async () => {
    const h = await Promise.all([makeHome(), makeHome()])
    dirs.push(...h.map(x => x.dir))
    bob = await startNode(h[0].home)
    alice = await startNode(h[1].home, { bootstrap: bob.addresses })
    mallory = await createNode({
      privateKey: await generateKeyPair('Ed25519'),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      limits: { connections: { inboundConnectionThreshold: 1000 } },
      services: { dm: dm(), bundle: bundleService() }
    })
    await mallory.dial(bob.addresses.map(a => multiaddr(a)))
    bob.murmur.events.on('decrypt:failed', e => { failures.push(e.reason) })
  })

  afterAll(async () => {
    await Promise.allSettled([alice?.murmur.stop(), bob?.murmur.stop(), mallory?.stop()])
    await Promise.all(dirs.map(removeDir))
  })

  it('refuses malformed peer IDs, unknown contacts and bad texts with typed errors and stores nothing', async () => {
    await expect(alice.murmur.contacts.add('x', '12D3KooWnotapeerid')).rejects.toMatchObject({ name: 'InvalidPeerIdError' })
    await expect(alice.murmur.contacts.add('x', 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N')).rejects.toMatchObject({ name: 'InvalidPeerIdError' })
    await expect(alice.murmur.send('12D3KooWnotapeerid', 'hi')).rejects.toMatchObject({ name: 'InvalidPeerIdError' })
    await expect(alice.murmur.send('nobody', 'hi')).rejects.toMatchObject({ name: 'ContactNotFoundError' })
    await expect(alice.murmur.contacts.add('', bob.murmur.peerId)).rejects.toMatchObject({ name: 'InvalidContactNameError' })
    await expect(alice.murmur.send(bob.murmur.peerId, '   ')).rejects.toMatchObject({ name: 'InvalidMessageTextError' })
    await expect(alice.murmur.send(bob.murmur.peerId, 'x'.repeat(MAX_TEXT_BYTES + 1))).rejects.toMatchObject({ name: 'InvalidMessageTextError' })
    await expect(alice.murmur.send(bob.murmur.peerId, 'x'.repeat(1024 * 1024))).rejects.toThrow(/at most 65536 bytes/)
    expect(await alice.murmur.contacts.list()).toEqual([])
    expect(await alice.murmur.inbox()).toEqual([])
    expect((await alice.murmur.status()).outbox).toBe(0)
  })

  it('answers garbage and forged envelopes with typed errors, stores nothing, and keeps serving alice', async () => {
    const bobPeer = peerIdFromString(bob.murmur.peerId)
    const from = mallory.peerId.toMultihash().bytes
    const to = bobPeer.toMultihash().bytes

    // A ratchet message with no session behind it, and a prekey message that does not decode.
    for (const kind of [Envelope.Kind.RATCHET, Envelope.Kind.PREKEY]) {
      const err = await mallory.services.dm.send(bobPeer, envelope(from, to, kind, randomBytes(200))).catch(e => e)
      expect(err).toBeInstanceOf(DmRefusedError)
      expect((err as DmRefusedError).refusal).toBe('UNDECRYPTABLE')
    }

    // A genuine PQXDH first message made by someone else (eve), sent by mallory as his own.
    const eve = generateIdentity()
    const bobBundle = decodeBundle(await mallory.services.bundle.fetchBundle(bobPeer))
    const initiated = pqxdhInitiate(defaultProvider(), eve, bobBundle)
    const stolen = encodePreKeyMessage({ ...initiated.header, message: randomBytes(120) })
    const err = await mallory.services.dm.send(bobPeer, envelope(from, to, Envelope.Kind.PREKEY, stolen)).catch(e => e)
    expect((err as DmRefusedError).refusal).toBe('UNDECRYPTABLE')

    // None of it reached the store: no conversation, no session, nothing shown.
    expect(await bob.murmur.inbox()).toEqual([])
    expect(await bob.murmur.history(mallory.peerId.toString())).toEqual([])
    expect(failures).toEqual(['NoSessionError', 'InvalidMessageError', 'InvalidMessageError'])

    // Bob still serves a well-behaved peer.
    await alice.murmur.contacts.add('bob', bob.murmur.peerId)
    const sent = await alice.murmur.send('bob', 'still there?')
    expect((await alice.murmur.waitForState('bob', sent.id, ['delivered'], { timeoutMs: 20_000 })).state).toBe('delivered')
    expect((await bob.murmur.inbox()).map(c => c.peerId)).toEqual([alice.murmur.peerId])
  })
})
