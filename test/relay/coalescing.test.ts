// Coalesced writes and backpressure on mailbox request streams (docs/relay.md, "Request streams"):
// requests a client makes together go out in one stream write, answers the relay has ready
// together go out in one, a client that does not read its answers makes the relay stop reading
// (and then gets every answer, in order), and a stream reset in the middle of a pipeline leaves
// the relay serving. Each call's deadline holds on a shared stream. Real libp2p nodes on
// 127.0.0.1, a memory-level relay store.
import { lpStream } from '@libp2p/utils'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { MAILBOX_PROTOCOL, MAX_PIPELINED_REQUESTS, RelayTimeoutError } from '../../src/relay/index.js'
import { MailboxRequest, MailboxResponse } from '../../src/wire/mailbox.js'
import { startSilentPeer, type SilentPeer } from '../net/silent-peer.js'
import { countSends } from '../net/count-sends.js'
import { hex, makeEnvelope, startMailboxSetup, startNode, type MailboxSetup, type RelayNode } from './helpers.js'
import type { Stream } from '@libp2p/interface'

/** The mailbox streams `node` has open with `peer`. */
function mailboxStreams (node: RelayNode, peer: RelayNode): Stream[] {
  return node.getConnections(peer.peerId).flatMap((c) => c.streams).filter((s) => s.protocol === MAILBOX_PROTOCOL)
}

/** Resolves once `condition` holds, checked on each of `stream`'s events of `type`. */
async function until (target: EventTarget, type: string, condition: () => boolean): Promise<void> {
  if (condition()) return
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (!condition()) return
      target.removeEventListener(type, check)
      resolve()
    }
    target.addEventListener(type, check)
  })
}

describe('mailbox streams: coalesced writes and backpressure', () => {
  let setup: MailboxSetup
  let relay: RelayNode
  let owner: RelayNode
  let sender: RelayNode
  let capability: Uint8Array<ArrayBuffer>

  beforeAll(async () => {
    setup = await startMailboxSetup([{}])
    ;({ relay, owner, capability } = setup)
    ;[sender] = setup.clients
  })

  afterAll(async () => {
    await setup?.stop()
  })

  async function drainIds (): Promise<string[]> {
    const ids: string[] = []
    for (;;) {
      const page = await owner.services.mailbox.fetch(relay.peerId, { limit: 1000 })
      if (page.envelopes.length === 0) return ids
      ids.push(...page.envelopes.map((e) => hex(e.id)))
      await owner.services.mailbox.ack(relay.peerId, page.envelopes.map((e) => e.id))
    }
  }

  it('writes requests made together in one stream write, and answers ready together in fewer writes than answers', async () => {
    // Opens the request streams on both sides first, so that their writes can be counted.
    await sender.services.mailbox.deposit(relay.peerId, makeEnvelope(owner.peerId).bytes, { capability })
    await drainIds()
    const [clientStream] = mailboxStreams(sender, relay)
    const [serverStream] = mailboxStreams(relay, sender)
    const clientSends = countSends(clientStream)
    const serverSends = countSends(serverStream)
    const envelopes = Array.from({ length: 100 }, () => makeEnvelope(owner.peerId))
    const results = await Promise.all(envelopes.map(async (e) => sender.services.mailbox.deposit(relay.peerId, e.bytes, { capability })))
    expect(results.every((r) => r.status === 'stored' && !r.duplicate)).toBe(true)
    // All 100 calls were made in one turn of the event loop: one write of 100 frames.
    expect(clientSends.count()).toBe(1)
    // The relay reads at most MAX_PIPELINED_REQUESTS ahead and answers deposits decided in one
    // group together: each write carries several answers.
    expect(serverSends.count()).toBeGreaterThan(0)
    expect(serverSends.count()).toBeLessThan(envelopes.length / 2)
    expect(await drainIds()).toEqual(envelopes.map((e) => hex(e.id)))
  })

  it('stops reading a stream whose answers are not read, then answers every request in order', async () => {
    // 20 envelopes of 100 kB: each fetch answer is a page of about 1 MiB.
    const big = Array.from({ length: 20 }, () => makeEnvelope(owner.peerId, { payloadBytes: 100_000 }))
    for (const e of big) await sender.services.mailbox.deposit(relay.peerId, e.bytes, { capability })
    const known = new Set(mailboxStreams(relay, owner).map((s) => s.id))
    const stream = await owner.dialProtocol(relay.peerId, MAILBOX_PROTOCOL)
    // Nobody reads this side: yamux grants the relay no more window, its answers stop going out,
    // and the relay must stop taking requests instead of buffering answers without bound.
    stream.pause()
    // What the relay sent before the pause arrives at once on resume: room for all of it.
    const lp = lpStream(stream, { maxDataLength: 2 << 20, maxBufferSize: 256 << 20 })
    const fetches = 100
    await lp.writeV(Array.from({ length: fetches }, () => MailboxRequest.encode({ fetch: { cursor: 0n, limit: 1000 } })))
    await vi.waitFor(() => { expect(mailboxStreams(relay, owner).some((s) => !known.has(s.id))).toBe(true) })
    const serverStream = mailboxStreams(relay, owner).find((s) => !known.has(s.id)) as Stream
    // The relay pauses its side once MAX_PIPELINED_REQUESTS requests wait unread.
    await until(serverStream, 'message', () => serverStream.readStatus === 'paused')
    expect(fetches).toBeGreaterThan(MAX_PIPELINED_REQUESTS)
    stream.resume()
    for (let i = 0; i < fetches; i++) {
      const page = MailboxResponse.decode(await lp.read({ signal: AbortSignal.timeout(30_000) }), { limits: { envelopes: 1000 } })
      expect(page.code).toBe(MailboxResponse.Code.OK)
      expect(page.envelopes.map((e) => hex(e.id))).toEqual(big.slice(0, page.envelopes.length).map((e) => hex(e.id)))
    }
    await stream.close()
    expect(await drainIds()).toEqual(big.map((e) => hex(e.id)))
  })

  it('a stream reset in the middle of a pipeline stores each envelope at most once, in order, and the relay serves on', async () => {
    const stream = await sender.dialProtocol(relay.peerId, MAILBOX_PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: 1 << 20 })
    const envelopes = Array.from({ length: 50 }, () => makeEnvelope(owner.peerId))
    await lp.writeV(envelopes.map((e) => MailboxRequest.encode({ deposit: { envelope: e.bytes as Uint8Array<ArrayBuffer>, capability } })))
    const first = MailboxResponse.decode(await lp.read({ signal: AbortSignal.timeout(10_000) }))
    expect(first.code).toBe(MailboxResponse.Code.STORED)
    stream.abort(new Error('reset in the middle'))
    const after = makeEnvelope(owner.peerId)
    await sender.services.mailbox.deposit(relay.peerId, after.bytes, { capability })
    const stored = await drainIds()
    expect(stored.filter((id) => id === hex(after.id))).toHaveLength(1)
    // What the relay took from the reset stream before it went: a prefix of what was sent, in order.
    const fromReset = stored.filter((id) => id !== hex(after.id))
    expect(fromReset.length).toBeGreaterThanOrEqual(1)
    expect(fromReset).toEqual(envelopes.slice(0, fromReset.length).map((e) => hex(e.id)))
  })
})

describe('request deadlines', () => {
  let silent: SilentPeer
  let sender: RelayNode

  beforeAll(async () => {
    silent = await startSilentPeer(MAILBOX_PROTOCOL)
    sender = await startNode()
    await sender.dial(silent.node.getMultiaddrs())
  })

  afterAll(async () => {
    await sender?.stop()
    await silent?.stop()
  })

  it('each call fails with RelayTimeoutError at its own deadline; the stream is then retired and the next call opens another', async () => {
    const envelope = makeEnvelope(silent.node.peerId).bytes
    const started = Date.now()
    const long = sender.services.mailbox.deposit(silent.node.peerId, envelope, { timeout: 3_000 })
    const longFailed = long.then(() => 'stored', (err: unknown) => err)
    // A shorter deadline made later on the same stream fails first: the channel's one timer
    // is re-armed for the earliest deadline.
    await expect(sender.services.mailbox.deposit(silent.node.peerId, envelope, { timeout: 200 })).rejects.toBeInstanceOf(RelayTimeoutError)
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(await Promise.race([longFailed, Promise.resolve('pending')])).toBe('pending')
    expect(await longFailed).toBeInstanceOf(RelayTimeoutError)
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000)
    expect(silent.held).toHaveLength(1)
    // The timed-out stream is retired: the next call opens a second one.
    await expect(sender.services.mailbox.deposit(silent.node.peerId, envelope, { timeout: 200 })).rejects.toBeInstanceOf(RelayTimeoutError)
    expect(silent.held).toHaveLength(2)
  })
})
