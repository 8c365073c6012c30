// Request streams (docs/relay.md, "Request streams"): a client keeps one long-lived stream per
// relay and pipelines requests on it; the server answers them in order, running deposits
// concurrently and everything else as a barrier. A reused stream that dies is reopened.
// Real libp2p nodes on 127.0.0.1, a memory-level relay store.
import { lpStream } from '@libp2p/utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAILBOX_PROTOCOL, MailboxNotFoundError, type FetchedEnvelope } from '../../src/relay/index.js'
import { MailboxRequest, MailboxResponse } from '../../src/wire/mailbox.js'
import { hex, makeEnvelope, startMailboxSetup, type MailboxSetup, type RelayNode } from './helpers.js'

function mailboxStreams (node: RelayNode, peer: RelayNode): number {
  return node.getConnections(peer.peerId).flatMap((c) => c.streams).filter((s) => s.protocol === MAILBOX_PROTOCOL).length
}

describe('request streams', () => {
  let setup: MailboxSetup
  let relay: RelayNode
  let owner: RelayNode
  let sender: RelayNode
  let idler: RelayNode
  let capability: Uint8Array<ArrayBuffer>

  beforeAll(async () => {
    setup = await startMailboxSetup([{}, { requestStreamIdleMs: 300 }])
    ;({ relay, owner, capability } = setup)
    ;[sender, idler] = setup.clients
  })

  afterAll(async () => {
    await setup?.stop()
  })

  async function drain (): Promise<FetchedEnvelope[]> {
    const page = await owner.services.mailbox.fetch(relay.peerId, { limit: 1000 })
    await owner.services.mailbox.ack(relay.peerId, page.envelopes.map((e) => e.id))
    return page.envelopes
  }

  it('pipelines concurrent calls on one stream; deposits are stored in call order', async () => {
    const envelopes = Array.from({ length: 200 }, () => makeEnvelope(owner.peerId))
    // Not awaited one by one: all 200 frames are written before the first answer arrives.
    const results = await Promise.all(envelopes.map(async (e) => sender.services.mailbox.deposit(relay.peerId, e.bytes, { capability })))
    expect(results.every((r) => r.status === 'stored' && !r.duplicate)).toBe(true)
    expect(mailboxStreams(sender, relay)).toBe(1)
    const stored = await drain()
    expect(stored.map((e) => hex(e.id))).toEqual(envelopes.map((e) => hex(e.id)))
    // The same stream serves later calls too.
    await sender.services.mailbox.deposit(relay.peerId, makeEnvelope(owner.peerId).bytes, { capability })
    expect(mailboxStreams(sender, relay)).toBe(1)
    expect(mailboxStreams(relay, sender)).toBe(1)
    await drain()
  })

  it('a request that is not a deposit waits for the earlier ones and holds back the later ones', async () => {
    const [a, b, c] = [makeEnvelope(owner.peerId), makeEnvelope(owner.peerId), makeEnvelope(owner.peerId)]
    // The owner is trusted: it may deposit into its own mailbox (the trusted door).
    const calls = [
      owner.services.mailbox.deposit(relay.peerId, a.bytes),
      owner.services.mailbox.deposit(relay.peerId, b.bytes),
      owner.services.mailbox.status(relay.peerId),
      owner.services.mailbox.deposit(relay.peerId, c.bytes),
      owner.services.mailbox.status(relay.peerId)
    ] as const
    const [, , middle, , last] = await Promise.all(calls)
    expect(middle.count).toBe(2)
    expect(last.count).toBe(3)
    expect((await drain()).map((e) => hex(e.id))).toEqual([a, b, c].map((e) => hex(e.id)))
  })

  it('answers frames written back to back on one raw stream, in order, malformed ones included', async () => {
    const stream = await sender.dialProtocol(relay.peerId, MAILBOX_PROTOCOL)
    const lp = lpStream(stream)
    const env = makeEnvelope(owner.peerId)
    const frames = [
      MailboxRequest.encode({ status: {} }),
      new Uint8Array([0xff, 0xff, 0xff]),
      MailboxRequest.encode({ deposit: { envelope: env.bytes as Uint8Array<ArrayBuffer>, capability: capability as Uint8Array<ArrayBuffer> } }),
      MailboxRequest.encode({ register: {} })
    ]
    for (const frame of frames) await lp.write(frame)
    const codes: string[] = []
    for (let i = 0; i < frames.length; i++) codes.push(MailboxResponse.decode(await lp.read({ signal: AbortSignal.timeout(5_000) })).code)
    expect(codes).toEqual(['NOT_FOUND', 'MALFORMED', 'STORED', 'NOT_FOUND'])
    await stream.close()
    expect((await drain()).map((e) => hex(e.id))).toEqual([hex(env.id)])
  })

  it('reopens a reused stream that the relay reset, and after the connection dropped', async () => {
    await sender.services.mailbox.deposit(relay.peerId, makeEnvelope(owner.peerId).bytes, { capability })
    const [served] = relay.getConnections(sender.peerId).flatMap((c) => c.streams).filter((s) => s.protocol === MAILBOX_PROTOCOL)
    expect(served).toBeDefined()
    served.abort(new Error('test: relay resets the request stream'))
    await expect.poll(() => mailboxStreams(sender, relay) === 0, { timeout: 5_000, interval: 20, message: 'the client to see the reset' }).toBe(true)
    expect(await sender.services.mailbox.deposit(relay.peerId, makeEnvelope(owner.peerId).bytes, { capability })).toEqual({ status: 'stored', duplicate: false })
    expect(mailboxStreams(sender, relay)).toBe(1)

    await relay.hangUp(sender.peerId)
    await expect.poll(() => sender.getConnections(relay.peerId).length === 0, { timeout: 5_000, interval: 20, message: 'the sender to see the connection close' }).toBe(true)
    expect(await sender.services.mailbox.deposit(relay.peerId, makeEnvelope(owner.peerId).bytes, { capability })).toEqual({ status: 'stored', duplicate: false })
    expect(mailboxStreams(sender, relay)).toBe(1)
    expect(await drain()).toHaveLength(3)
  })

  it('a reused stream that died under a request is retried once: the deposit is stored exactly once', async () => {
    await sender.services.mailbox.deposit(relay.peerId, makeEnvelope(owner.peerId).bytes, { capability })
    const served = relay.getConnections(sender.peerId).flatMap((c) => c.streams).filter((s) => s.protocol === MAILBOX_PROTOCOL)
    const env = makeEnvelope(owner.peerId)
    // The reset and the request cross: the client still thinks the stream is usable.
    const deposit = sender.services.mailbox.deposit(relay.peerId, env.bytes, { capability })
    for (const s of served) s.abort(new Error('test: reset under a request'))
    const result = await deposit
    expect(result.status).toBe('stored')
    const ids = (await drain()).map((e) => hex(e.id))
    expect(ids.filter((id) => id === hex(env.id))).toHaveLength(1)
  })

  it('closes an idle request stream and opens a new one for the next call', async () => {
    await expect(idler.services.mailbox.status(relay.peerId)).rejects.toBeInstanceOf(MailboxNotFoundError)
    expect(mailboxStreams(idler, relay)).toBe(1)
    await expect.poll(() => mailboxStreams(idler, relay) === 0 && mailboxStreams(relay, idler) === 0, { timeout: 5_000, interval: 20, message: 'the idle stream to close' }).toBe(true)
    await expect(idler.services.mailbox.status(relay.peerId)).rejects.toBeInstanceOf(MailboxNotFoundError)
    expect(mailboxStreams(idler, relay)).toBe(1)
  })

  it('a push acked after another path deleted part of it leaves the counters right', async () => {
    const envelopes = Array.from({ length: 4 }, () => makeEnvelope(owner.peerId))
    for (const e of envelopes) await sender.services.mailbox.deposit(relay.peerId, e.bytes, { capability })
    const controller = new AbortController()
    let pushed = 0
    const subscription = owner.services.mailbox.subscribe(relay.peerId, async (page) => {
      // Before this push is acked, delete half of it the ordinary way.
      await owner.services.mailbox.ack(relay.peerId, page.slice(0, 2).map((e) => e.id))
      pushed += page.length
    }, { signal: controller.signal })
    await expect.poll(() => pushed === 4, { timeout: 5_000, interval: 20, message: 'the push' }).toBe(true)
    await expect.poll(async () => (await owner.services.mailbox.status(relay.peerId)).count === 0, { timeout: 5_000, interval: 20, message: 'the mailbox to empty' }).toBe(true)
    controller.abort()
    await subscription
    const status = await owner.services.mailbox.status(relay.peerId)
    expect(status).toMatchObject({ count: 0, bytes: 0 })
    // A later deposit is counted from zero, not from below it.
    await sender.services.mailbox.deposit(relay.peerId, makeEnvelope(owner.peerId).bytes, { capability })
    expect((await owner.services.mailbox.status(relay.peerId)).count).toBe(1)
    await drain()
  })
})
