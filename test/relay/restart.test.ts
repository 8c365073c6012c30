// A relay restarted on a reopened classic-level store loses nothing: mailboxes, trust,
// capabilities, prekeys and envelopes survive; envelopes delivered but not acked are
// delivered again. Real nodes on 127.0.0.1, a real LevelDB in a temp folder.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/store/index.js'
import { capabilityHash } from '../../src/relay/index.js'
import { hex, makeEnvelope, startNode, type RelayNode } from './helpers.js'

describe('relay restart', () => {
  let folder: string
  let relayKey: PrivateKey
  let store: Store
  let relay: RelayNode
  let owner: RelayNode
  let depositor: RelayNode
  const capability = new Uint8Array(randomBytes(32))

  async function startRelay (): Promise<void> {
    store = await openStore({ path: join(folder, 'relay') })
    relay = await startNode({ store, sweepIntervalMs: 0 }, relayKey)
    await owner.dial(relay.getMultiaddrs())
    await depositor.dial(relay.getMultiaddrs())
  }

  async function restartRelay (): Promise<void> {
    await relay.stop()
    await store.close()
    await startRelay()
  }

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'murmur-relay-'))
    relayKey = await generateKeyPair('Ed25519');
    [owner, depositor] = await Promise.all([startNode(), startNode()])
    await startRelay()
    await relay.services.mailbox.trust.add(owner.peerId)
    await owner.services.mailbox.register(relay.peerId)
    await owner.services.mailbox.addCapabilities(relay.peerId, [capabilityHash(capability)])
  })

  afterAll(async () => {
    await Promise.all([relay?.stop(), owner?.stop(), depositor?.stop()])
    await store?.close()
    await rm(folder, { recursive: true, force: true })
  })

  it('restart between deposit and fetch: nothing lost, settings and capabilities kept', async () => {
    const sent = Array.from({ length: 5 }, () => makeEnvelope(owner.peerId))
    for (const env of sent) await depositor.services.mailbox.deposit(relay.peerId, env.bytes, { capability })
    await owner.services.mailbox.setFirstContact(relay.peerId, false)
    await owner.services.mailbox.uploadPrekeys(relay.peerId, [Uint8Array.of(7, 7)])
    await restartRelay()
    expect(relay.services.mailbox.trust.has(owner.peerId)).toBe(true)
    const page = await owner.services.mailbox.fetch(relay.peerId)
    expect(page.envelopes.map((e) => hex(e.bytes))).toEqual(sent.map((e) => hex(e.bytes)))
    expect(await owner.services.mailbox.status(relay.peerId)).toMatchObject({ count: 5, firstContactOpen: false, prekeysRemaining: 1, capabilities: 1 })
    // The capability still opens the door; ids stay unique across the restart.
    expect(await depositor.services.mailbox.deposit(relay.peerId, sent[0].bytes, { capability })).toMatchObject({ duplicate: true })
    const next = makeEnvelope(owner.peerId)
    await depositor.services.mailbox.deposit(relay.peerId, next.bytes, { capability })
    const all = await owner.services.mailbox.fetch(relay.peerId)
    expect(all.envelopes.map((e) => hex(e.id))).toEqual([...sent, next].map((e) => hex(e.id)))
    await owner.services.mailbox.ack(relay.peerId, all.envelopes.map((e) => e.id))
    expect((await owner.services.mailbox.status(relay.peerId)).count).toBe(0)
  })

  it('restart between delivery and ack: delivered again', async () => {
    const env = makeEnvelope(owner.peerId)
    await depositor.services.mailbox.deposit(relay.peerId, env.bytes, { capability })
    // Delivered on a push, but the owner never finishes (so never acks) before the relay goes down.
    const pushed: string[] = []
    const never = new Promise<void>(() => {})
    const controller = new AbortController()
    const sub = owner.services.mailbox.subscribe(relay.peerId, async (envelopes) => {
      pushed.push(...envelopes.map((e) => hex(e.id)))
      await never
    }, { signal: controller.signal }).catch(() => {})
    await expect.poll(() => pushed.length === 1, { timeout: 10_000, interval: 20, message: 'push' }).toBe(true)
    controller.abort()
    await sub
    await restartRelay()
    const again: string[] = []
    const controller2 = new AbortController()
    const sub2 = owner.services.mailbox.subscribe(relay.peerId, async (envelopes) => { again.push(...envelopes.map((e) => hex(e.id))) }, { signal: controller2.signal })
    await expect.poll(() => again.length === 1, { timeout: 10_000, interval: 20, message: 'redelivery' }).toBe(true)
    expect(again).toEqual([hex(env.id)])
    await expect.poll(async () => (await owner.services.mailbox.status(relay.peerId)).count === 0, { timeout: 10_000, interval: 20, message: 'ack' }).toBe(true)
    controller2.abort()
    await sub2
    await restartRelay()
    expect((await owner.services.mailbox.fetch(relay.peerId)).envelopes).toHaveLength(0)
  })
})
