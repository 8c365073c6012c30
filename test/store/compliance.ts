/**
 * The store compliance suite: one function, run against classic-level in a temporary folder
 * and against memory-level, each unencrypted and encrypted (store.test.ts). Everything here
 * must hold for all four.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  CorruptRecordError, InvalidRecordError, SCHEMA_VERSION, StoreClosedError, StoreMigrationRequiredError,
  UnsupportedSchemaVersionError, openStore, type HistoryRecord, type Level, type OutboxRecord, type Store,
  type StoreCipher, type StoreLocation
} from '../../src/store/index.js'

export interface StoreHarness {
  /** Where openStore() finds this backend's database; the same data on every call. */
  location: () => StoreLocation
  /** The same database, unopened and outside the store, for raw inspection. */
  rawLevel: () => Level
  /** A cipher for one open (a store wipes its cipher's keys on close): always the same kind and key. */
  cipher: () => StoreCipher
  cleanup: () => Promise<void>
}

export const ALICE = '12D3KooWAliceAliceAliceAliceAliceAliceAliceAlice'
export const BOB = '12D3KooWBob'
/** BOB with one more character: a range scan over BOB must not reach it. */
export const BOB_LONGER = '12D3KooWBobb'

function bytes (n: number, fill: number): Uint8Array {
  return new Uint8Array(n).fill(fill)
}

function historyEntry (peerId: string, seq: number, direction: HistoryRecord['direction'] = 'in'): HistoryRecord {
  return {
    peerId,
    seq,
    id: `m${peerId.length}x${seq}`,
    direction,
    text: `message ${seq}`,
    sentAt: 1_000 + seq,
    receivedAt: direction === 'in' ? 2_000 + seq : undefined,
    state: direction === 'in' ? 'received' : 'queued'
  }
}

function outboxEntry (peerId: string, seq: number, nextAttemptAt: number): OutboxRecord {
  return {
    messageId: `m${seq}`,
    peerId,
    seq,
    envelope: bytes(40 + seq, seq),
    attempts: 0,
    nextAttemptAt,
    expiresAt: nextAttemptAt + 86_400_000
  }
}

/** A history entry as it was written, without the state laid over it as it is read. */
export async function writtenEntry (store: Store, peerId: string, seq: number): Promise<HistoryRecord | undefined> {
  const history = store.sublevels.history
  const key = history.keyCodec.encode({ peerId, seq })
  const bytes = await history.raw.get(key)
  return bytes === undefined ? undefined : history.decodeValue(key, bytes)
}

/** Every key and value of a database, hex-encoded, for "nothing was written" checks. */
async function snapshot (level: Level): Promise<string[]> {
  await level.open()
  const entries = await level.iterator({ keyEncoding: 'utf8', valueEncoding: 'hex' } as never).all() as unknown as Array<[string, string]>
  await level.close()
  return entries.map(([k, v]) => `${k}=${v}`)
}

export function storeCompliance (backend: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`store compliance: ${backend}`, () => {
    let harness: StoreHarness
    let store: Store

    beforeEach(async () => {
      harness = await makeHarness()
      store = await openStore(harness.location(), { cipher: harness.cipher() })
    })

    afterEach(async () => {
      await store.close()
      await harness.cleanup()
    })

    async function reopen (): Promise<Store> {
      await store.close()
      store = await openStore(harness.location(), { cipher: harness.cipher() })
      return store
    }

    it('round-trips identity, prekeys, sessions, contacts and settings', async () => {
      const spk = { id: 7, publicKey: bytes(32, 1), privateKey: bytes(32, 2), signature: bytes(64, 3), createdAt: 10 }
      const lrkem = { id: 0xffffffff, publicKey: bytes(1184, 4), privateKey: bytes(2400, 5), signature: bytes(64, 6), createdAt: 11 }
      const otpk = { id: 1, publicKey: bytes(32, 7), privateKey: bytes(32, 8), createdAt: 12 }
      const otkem = { id: 2, publicKey: bytes(1184, 9), privateKey: bytes(2400, 10), signature: bytes(64, 11), createdAt: 13 }
      const baseKeyId = { kemPrekeyId: lrkem.id, signedPrekeyId: spk.id, baseKey: bytes(32, 12) }
      const contact = { peerId: BOB, name: 'Bob', verified: false, addedAt: 14 }
      const session = bytes(300, 13)
      const settingsValue = { relays: ['a', 'b'], ttl: 3600, nested: { on: true, none: null } }

      await store.commit((b) => b
        .put(store.identity, 'profile', { displayName: 'Alice', createdAt: 9 })
        .put(store.signedPrekeys, spk.id, spk)
        .put(store.lastResortKemPrekeys, lrkem.id, lrkem)
        .put(store.oneTimePrekeys, otpk.id, otpk)
        .put(store.oneTimeKemPrekeys, otkem.id, otkem)
        .put(store.lastResortBaseKeys, baseKeyId, { ...baseKeyId, usedAt: 15 })
        .put(store.sessions, BOB, session)
        .put(store.contacts, BOB, contact)
        .put(store.settings, 'network', settingsValue))

      expect(await store.identity.get('profile')).toEqual({ displayName: 'Alice', createdAt: 9 })
      expect(await store.signedPrekeys.get(7)).toEqual(spk)
      expect(await store.lastResortKemPrekeys.get(0xffffffff)).toEqual(lrkem)
      expect(await store.oneTimePrekeys.get(1)).toEqual(otpk)
      expect(await store.oneTimeKemPrekeys.get(2)).toEqual(otkem)
      expect(await store.lastResortBaseKeys.get(baseKeyId)).toEqual({ ...baseKeyId, usedAt: 15 })
      expect(await store.lastResortBaseKeys.get({ ...baseKeyId, baseKey: bytes(32, 99) })).toBeUndefined()
      expect(await store.lastResortBaseKeys.list()).toEqual([{ key: baseKeyId, value: { ...baseKeyId, usedAt: 15 } }])
      const storedSession = await store.sessions.get(BOB)
      expect(storedSession).toBeInstanceOf(Uint8Array)
      expect(Buffer.from(storedSession ?? new Uint8Array()).equals(Buffer.from(session))).toBe(true)
      expect(await store.contacts.get(BOB)).toEqual(contact)
      expect(await store.settings.get('network')).toEqual(settingsValue)
      expect(await store.settings.get('missing')).toBeUndefined()

      await store.commit((b) => b.del(store.oneTimePrekeys, 1).del(store.sessions, BOB))
      expect(await store.oneTimePrekeys.get(1)).toBeUndefined()
      expect(await store.sessions.get(BOB)).toBeUndefined()
      expect(await store.signedPrekeys.getMany([7, 8])).toEqual([spk, undefined])
    })

    it('lists numeric ids in numeric order and refuses fields the schema does not know', async () => {
      const ids = [100, 2, 30, 4_000_000_000, 0]
      await store.commit((b) => {
        for (const id of ids) b.put(store.oneTimePrekeys, id, { id, publicKey: bytes(32, 1), privateKey: bytes(32, 2), createdAt: id })
      })
      expect((await store.oneTimePrekeys.list()).map((e) => e.key)).toEqual([0, 2, 30, 100, 4_000_000_000])
      expect((await store.oneTimePrekeys.list({ reverse: true, limit: 2 })).map((e) => e.key)).toEqual([4_000_000_000, 100])

      // Protobuf would drop a field its schema lacks: such a record is refused, not truncated.
      const extended = { peerId: ALICE, name: 'A', verified: true, addedAt: 1, futureField: { x: 1 } }
      expect(() => store.batch().put(store.contacts, ALICE, extended)).toThrow(/no field "futureField"/)
      expect(() => store.batch().put(store.contacts, ALICE, { peerId: ALICE, name: 'A', verified: true, addedAt: -1 })).toThrow(InvalidRecordError)
      expect(() => store.batch().appendHistory({ ...historyEntry(ALICE, 1), state: 'lost' as never })).toThrow(/state must be one of/)
      expect(await store.contacts.get(ALICE)).toBeUndefined()
      // Optional fields left out read back absent, and set ones keep their values.
      const history = { ...historyEntry(ALICE, 1, 'out'), outNumber: 3, relays: [{ relay: BOB, status: 'refused' as const, reason: 'QUOTA' }] }
      await store.commit((b) => b.appendHistory(history).put(store.contacts, ALICE, { peerId: ALICE, name: '', verified: false, addedAt: 0 }))
      expect(await store.getHistory(ALICE, 1)).toEqual(history)
      expect(await store.contacts.get(ALICE)).toEqual({ peerId: ALICE, name: '', verified: false, addedAt: 0 })
    })

    it('rejects a batch with a failing op as a whole', async () => {
      const batch = store.batch()
        .put(store.contacts, BOB, { peerId: BOB, name: 'Bob', verified: false, addedAt: 1 })
        .put(store.settings, 'a', 1)
      expect(() => batch.put(store.sessions, 'not!a peer', bytes(1, 1))).toThrow(InvalidRecordError)
      await expect(store.write(batch)).rejects.toThrow(InvalidRecordError)

      const unencodable = store.batch().put(store.settings, 'b', 2)
      expect(() => unencodable.put(store.settings, 'c', { n: 1n } as never)).toThrow(InvalidRecordError)
      await expect(store.write(unencodable)).rejects.toThrow(InvalidRecordError)

      expect(() => store.batch().put(store.signedPrekeys, 2 ** 32, { id: 0, publicKey: bytes(1, 1), privateKey: bytes(1, 1), signature: bytes(1, 1), createdAt: 0 })).toThrow(InvalidRecordError)
      expect(() => store.batch().put(store.conversations as never, BOB, {} as never)).toThrow(/StoreBatch methods/)

      expect(await store.contacts.get(BOB)).toBeUndefined()
      expect(await store.settings.getMany(['a', 'b', 'c'])).toEqual([undefined, undefined, undefined])
      expect(store.stats().writes).toBe(0)
    })

    it('writes nothing of a group whose LevelDB batch fails, and nothing of a failing batch to its group', async () => {
      const poison = (op: { key?: unknown }): void => {
        if (String(op.key).includes('poison')) throw new Error('injected write failure')
      }
      store.level.hooks.prewrite.add(poison)
      try {
        const good = store.batch().put(store.settings, 'good', 1)
        const bad = store.batch().put(store.settings, 'poison', 1).put(store.settings, 'innocent', 1)
        const results = await Promise.allSettled([store.write(good), store.write(bad)])
        // Both were in one group, so one LevelDB batch: it failed whole.
        expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
        expect(await store.settings.getMany(['good', 'poison', 'innocent'])).toEqual([undefined, undefined, undefined])
      } finally {
        store.level.hooks.prewrite.delete(poison)
      }
      // A batch that fails to build never joins a group, so it cannot take others down.
      const invalid = store.batch()
      expect(() => invalid.put(store.contacts, '', { peerId: '', name: '', verified: false, addedAt: 0 })).toThrow()
      const results = await Promise.allSettled([
        store.write(store.batch().put(store.settings, 'x', 1)),
        store.write(invalid),
        store.write(store.batch().put(store.settings, 'y', 2))
      ])
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
      expect(await store.settings.getMany(['x', 'y'])).toEqual([1, 2])
    })

    it('reads back what it wrote from its cache, never what a failed write did not write', async () => {
      const entry = historyEntry(BOB, 1)
      await store.commit((b) => b.appendHistory(entry))
      const read = await store.getHistory(BOB, 1)
      expect(read).toEqual(entry)
      // Cached records are frozen: a caller changes a copy, never the store's view.
      expect(() => { (read as { state: string }).state = 'read' }).toThrow(TypeError)
      expect((await store.getHistory(BOB, 1))?.state).toBe('received')
      const poison = (op: { key?: unknown }): void => {
        if (String(op.key).includes('0000000000000002')) throw new Error('injected write failure')
      }
      store.level.hooks.prewrite.add(poison)
      try {
        await expect(store.commit((b) => b.appendHistory(historyEntry(BOB, 2)).updateHistory({ ...entry, state: 'read' }))).rejects.toThrow()
      } finally {
        store.level.hooks.prewrite.delete(poison)
      }
      expect(await store.getHistory(BOB, 2)).toBeUndefined()
      expect(await store.findMessage(BOB, historyEntry(BOB, 2).id)).toBeUndefined()
      expect((await store.getHistory(BOB, 1))?.state).toBe('received')
      await store.commit((b) => b.updateHistory({ ...entry, state: 'read' }))
      expect((await store.findMessage(BOB, entry.id))?.state).toBe('read')
      await reopen()
      expect((await store.getHistory(BOB, 1))?.state).toBe('read')
    })

    it('reads a fresh outbox entry back from its cache (frozen), and not once a write deleted it', async () => {
      const entry = outboxEntry(BOB, 7, 100)
      await store.commit((b) => b.putOutbox(entry))
      const read = await store.sublevels.outbox.get({ peerId: BOB, seq: 7 })
      expect(read).toEqual(entry)
      expect(Object.isFrozen(read)).toBe(true)
      await store.commit((b) => b.deleteOutbox(entry))
      expect(await store.sublevels.outbox.get({ peerId: BOB, seq: 7 })).toBeUndefined()
    })

    it('allocates distinct sequence numbers under concurrency and pages history in order', async () => {
      const seqs = await Promise.all(Array.from({ length: 25 }, async () => store.allocateSeq(BOB)))
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
      // Written in allocation order reversed, in separate batches: order comes from the keys.
      await Promise.all([...seqs].reverse().map(async (seq) => store.commit((b) => b.appendHistory(historyEntry(BOB, seq, seq % 5 === 0 ? 'out' : 'in')))))
      await store.commit((b) => b.appendHistory(historyEntry(BOB_LONGER, 1)).appendHistory(historyEntry(ALICE, 1)))

      const page1 = await store.history(BOB, { limit: 10 })
      expect(page1.map((e) => e.seq)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16])
      const page2 = await store.history(BOB, { limit: 10, before: 16 })
      expect(page2.map((e) => e.seq)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6])
      const page3 = await store.history(BOB, { limit: 10, before: 6 })
      expect(page3.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1])
      expect(page3.every((e) => e.peerId === BOB)).toBe(true)

      const oldest = await store.history(BOB, { limit: 4, order: 'oldest' })
      expect(oldest.map((e) => e.seq)).toEqual([1, 2, 3, 4])
      const next = await store.history(BOB, { limit: 4, order: 'oldest', after: 4 })
      expect(next.map((e) => e.seq)).toEqual([5, 6, 7, 8])
      const window = await store.history(BOB, { limit: 100, order: 'oldest', after: 9, before: 12 })
      expect(window.map((e) => e.seq)).toEqual([10, 11])
      expect((await store.history(BOB_LONGER, { limit: 10 })).map((e) => e.peerId)).toEqual([BOB_LONGER])
      expect(await store.allocateSeq(BOB_LONGER)).toBe(2)

      const found = await store.findMessage(BOB, historyEntry(BOB, 12).id)
      expect(found?.seq).toBe(12)
      await store.commit((b) => b.updateHistory({ ...found!, state: 'read', updatedAt: 5 }))
      expect((await store.getHistory(BOB, 12))?.state).toBe('read')
      expect(await store.findMessage(ALICE, historyEntry(BOB, 12).id)).toBeUndefined()
      // Many at once: in the order asked, undefined where the conversation has no such id.
      const many = await store.findMessages(BOB, [historyEntry(BOB, 3).id, 'nothing', historyEntry(BOB, 12).id, historyEntry(BOB, 3).id])
      expect(many.map((e) => e?.seq)).toEqual([3, undefined, 12, 3])
      expect(many[2]?.state).toBe('read')
      expect(await store.findMessages(ALICE, [historyEntry(BOB, 3).id])).toEqual([undefined])
      expect(await store.findMessages(BOB, [])).toEqual([])
      await expect(store.history(BOB, { limit: 0 })).rejects.toThrow(InvalidRecordError)
    })

    it('leaves room below a seq, and an entry inserted there reads in place, unread, across a reopen', async () => {
      const first = await store.allocateSeq(BOB)
      const opener = await store.allocateSeq(BOB, { room: 3 })
      expect(opener).toBe(first + 4)
      expect(await store.allocateSeq(BOB)).toBe(opener + 1)
      await expect(store.allocateSeq(BOB, { room: 10_001 })).rejects.toThrow(InvalidRecordError)
      await expect(store.allocateSeq(BOB, { room: -1 })).rejects.toThrow(InvalidRecordError)
      await store.commit((b) => b.appendHistory(historyEntry(BOB, first)).appendHistory(historyEntry(BOB, opener)))
      await store.commit((b) => b.markRead(BOB))
      expect(await store.unreadCount(BOB)).toBe(0)

      const late = { ...historyEntry(BOB, first + 2), id: 'late' }
      expect(() => store.batch().insertHistory({ ...late, direction: 'out' })).toThrow(InvalidRecordError)
      await store.commit((b) => b.insertHistory(late))
      await reopen()
      expect((await store.history(BOB, { limit: 10, order: 'oldest' })).map((e) => e.seq)).toEqual([first, first + 2, opener])
      expect((await store.history(BOB, { limit: 10, before: opener })).map((e) => e.id)).toEqual(['late', historyEntry(BOB, first).id])
      expect((await store.findMessage(BOB, 'late'))?.seq).toBe(first + 2)
      // Unread although the conversation was read past its place; read marks it again.
      expect(await store.conversations.get(BOB)).toMatchObject({ lastSeq: opener, unread: 1, readSeq: first + 1 })
      await store.commit((b) => b.markRead(BOB))
      expect(await store.unreadCount(BOB)).toBe(0)
    })

    it('counts unread entries through concurrent appends and partial reads', async () => {
      const seqs = await Promise.all(Array.from({ length: 50 }, async () => store.allocateSeq(ALICE)))
      // 50 concurrent transitions, each one incoming entry: no increment may be lost.
      await Promise.all(seqs.map(async (seq) => store.commit((b) => b.appendHistory(historyEntry(ALICE, seq)))))
      expect(await store.unreadCount(ALICE)).toBe(50)
      const outSeq = await store.allocateSeq(ALICE)
      await store.commit((b) => b.appendHistory(historyEntry(ALICE, outSeq, 'out')))
      expect(await store.unreadCount(ALICE)).toBe(50)

      await store.commit((b) => b.markRead(ALICE, 20))
      expect(await store.unreadCount(ALICE)).toBe(30)
      // An append and a partial read in the same group: the pending append counts.
      const s52 = await store.allocateSeq(ALICE)
      await Promise.all([
        store.commit((b) => b.appendHistory(historyEntry(ALICE, s52))),
        store.commit((b) => b.markRead(ALICE, 45))
      ])
      expect(await store.unreadCount(ALICE)).toBe(6)
      await store.commit((b) => b.markRead(ALICE, 10))
      expect(await store.unreadCount(ALICE)).toBe(6)

      const summary = await store.conversations.get(ALICE)
      expect(summary).toEqual({ peerId: ALICE, lastSeq: 52, unread: 6, readSeq: 45, lastMessageAt: 2_052 })
      await store.commit((b) => b.markRead(ALICE))
      expect(await store.unreadCount(ALICE)).toBe(0)
      expect(await store.unreadCount(BOB)).toBe(0)
      // An event does not count as unread.
      const ev = await store.allocateSeq(ALICE)
      await store.commit((b) => b.appendHistory(historyEntry(ALICE, ev, 'event')))
      expect(await store.unreadCount(ALICE)).toBe(0)
    })

    it('scans the outbox per conversation in order and across conversations by nextAttemptAt', async () => {
      const entries = [outboxEntry(BOB, 3, 500), outboxEntry(BOB, 1, 300), outboxEntry(ALICE, 2, 100), outboxEntry(BOB, 2, 900), outboxEntry(BOB_LONGER, 1, 200)]
      await store.commit((b) => { for (const e of entries) b.putOutbox(e) })
      expect((await store.outbox(BOB)).map((e) => e.seq)).toEqual([1, 2, 3])
      expect((await store.outbox(BOB))[0]).toEqual(outboxEntry(BOB, 1, 300))

      const due = await store.dueOutbox(500)
      expect(due.map((e) => [e.peerId, e.seq])).toEqual([[ALICE, 2], [BOB_LONGER, 1], [BOB, 1], [BOB, 3]])
      expect((await store.dueOutbox(500, { limit: 1 })).map((e) => e.seq)).toEqual([2])

      const retry = { ...outboxEntry(BOB, 1, 300), attempts: 1, nextAttemptAt: 1_000 }
      await store.commit((b) => b.replaceOutbox(outboxEntry(BOB, 1, 300), retry).deleteOutbox(outboxEntry(ALICE, 2, 100)))
      expect((await store.dueOutbox(999)).map((e) => [e.peerId, e.seq])).toEqual([[BOB_LONGER, 1], [BOB, 3], [BOB, 2]])
      expect((await store.dueOutbox(1_000)).at(-1)).toEqual(retry)
      expect(await store.outbox(ALICE)).toEqual([])
      expect(() => store.batch().replaceOutbox(retry, { ...retry, seq: 9 })).toThrow(InvalidRecordError)
    })

    it('checks seen envelope ids in one multi-get and prunes them by age', async () => {
      const ids = Array.from({ length: 6 }, (_, i) => bytes(16, i + 1))
      await store.commit((b) => { ids.forEach((id, i) => b.markSeen(id, 1_000 * (i + 1))) })
      expect(await store.hasSeen([...ids, bytes(16, 200)])).toEqual([true, true, true, true, true, true, false])
      expect(await store.hasSeen([Buffer.from(ids[0]).toString('hex')])).toEqual([true])
      expect(await store.hasSeen([])).toEqual([])

      // ids[0] seen again later: the prune of its old index entry must keep it.
      await store.commit((b) => b.markSeen(ids[0], 10_000))
      expect(await store.pruneSeen(3_500)).toBe(3)
      expect(await store.hasSeen(ids)).toEqual([true, false, false, true, true, true])
      expect(await store.pruneSeen(3_500)).toBe(0)
      expect(await store.pruneSeen(20_000)).toBe(4)
      expect(await store.hasSeen(ids)).toEqual([false, false, false, false, false, false])
      await expect(store.hasSeen(['XYZ'])).rejects.toThrow(InvalidRecordError)
    })

    it('group-commits concurrent synced commits into fewer LevelDB writes, all durable', async () => {
      const before = store.stats()
      await Promise.all(Array.from({ length: 100 }, async (_, i) =>
        store.commit((b) => b.put(store.settings, `k${i}`, i), { sync: true })))
      const after = store.stats()
      expect(after.commits - before.commits).toBe(100)
      expect(after.writes - before.writes).toBeLessThan(100)
      expect(after.largestGroup).toBeGreaterThan(1)

      // close() flushes commits that are still queued.
      const pending = Array.from({ length: 20 }, async (_, i) => store.commit((b) => b.put(store.settings, `late${i}`, i)))
      await store.close()
      await Promise.all(pending)
      store = await openStore(harness.location(), { cipher: harness.cipher() })
      const values = await store.settings.getMany([...Array.from({ length: 100 }, (_, i) => `k${i}`), ...Array.from({ length: 20 }, (_, i) => `late${i}`)])
      expect(values).toEqual([...Array.from({ length: 100 }, (_, i) => i), ...Array.from({ length: 20 }, (_, i) => i)])
    })

    it('writes a state change beside the entry, reads it over the entry everywhere, and drops it when the entry is rewritten', async () => {
      const seq = await store.allocateSeq(BOB)
      const entry: HistoryRecord = { ...historyEntry(BOB, seq, 'out'), reason: 'waiting for a relay' }
      await store.commit((b) => b.appendHistory(entry, { unread: false }))
      const written = await writtenEntry(store, BOB, seq)
      expect(written).toEqual(entry)
      // Read once before the change: the entry is in the read cache, which the change must follow.
      expect(await store.getHistory(BOB, seq)).toEqual(entry)
      await store.commit((b) => b.updateHistoryState(entry, { state: 'delivered', updatedAt: 5_000 }))
      expect((await store.getHistory(BOB, seq))?.state).toBe('delivered')
      await reopen()
      const expected = { ...entry, state: 'delivered', updatedAt: 5_000 }
      delete (expected as Partial<HistoryRecord>).reason
      // Every read lays the state over the entry (an absent reason clears the entry's).
      expect(await store.getHistory(BOB, seq)).toEqual(expected)
      expect(await store.findMessage(BOB, entry.id)).toEqual(expected)
      expect(await store.findMessages(BOB, ['nope', entry.id])).toEqual([undefined, expected])
      expect(await store.history(BOB, { limit: 5 })).toEqual([expected])
      // The entry itself was not written again.
      expect(await writtenEntry(store, BOB, seq)).toEqual(written)
      expect(await store.sublevels.historyState.get({ peerId: BOB, seq })).toEqual({ state: 'delivered', updatedAt: 5_000 })
      // A state with a reason keeps it; a change in the same group as the entry's own write lies over it there too.
      await store.commit((b) => b.updateHistoryState(entry, { state: 'failed', updatedAt: 6_000, reason: 'cancelled' }))
      expect(await store.getHistory(BOB, seq)).toEqual({ ...expected, state: 'failed', updatedAt: 6_000, reason: 'cancelled' })
      const next = { ...historyEntry(BOB, await store.allocateSeq(BOB), 'out') }
      await Promise.all([
        store.commit((b) => b.appendHistory(next, { unread: false })),
        store.commit((b) => b.updateHistoryState(next, { state: 'sent', updatedAt: 6_500 }))
      ])
      expect((await store.getHistory(BOB, next.seq))?.state).toBe('sent')
      expect((await store.history(BOB, { limit: 1 }))[0]).toMatchObject({ seq: next.seq, state: 'sent' })
      // A whole entry written again is the entry as it reads: the state record goes with it.
      await store.commit((b) => b.updateHistory({ ...entry, state: 'queued', updatedAt: 7_000 }))
      await reopen()
      expect(await store.sublevels.historyState.get({ peerId: BOB, seq })).toBeUndefined()
      expect(await store.getHistory(BOB, seq)).toEqual({ ...entry, state: 'queued', updatedAt: 7_000 })
      // It is a managed sublevel, written only through the batch's methods; a bad state is refused.
      expect(() => store.batch().put(store.sublevels.historyState as never, { peerId: BOB, seq }, { state: 'sent', updatedAt: 1 })).toThrow(InvalidRecordError)
      expect(() => store.batch().updateHistoryState(entry, { state: 'gone' as never, updatedAt: 1 })).toThrow(InvalidRecordError)
    })

    it('stores the ids a receiving batch owes under the first one, and reads an entry written empty, as before, in any store', async () => {
      const owed = store.sublevels.receiptsOwed
      await store.commit((b) => b.put(owed, { peerId: BOB, messageId: 'aa01' }, ['aa01', 'aa02', 'aa03']))
      const before = owed.keyCodec.encode({ peerId: BOB, messageId: 'bb01' })
      await store.level.batch([{ type: 'put', sublevel: owed.raw, key: before, value: new Uint8Array(0) }] as never)
      await reopen()
      expect((await store.sublevels.receiptsOwed.list()).map((e) => [e.key.messageId, e.value])).toEqual([['aa01', ['aa01', 'aa02', 'aa03']], ['bb01', []]])
      expect(() => store.batch().put(owed, { peerId: BOB, messageId: 'cc01' }, [])).toThrow(InvalidRecordError)
      expect(() => store.batch().put(owed, { peerId: BOB, messageId: 'cc01' }, ['not,an id'])).toThrow(InvalidRecordError)
    })

    it('keeps data and sequence numbers across close and open', async () => {
      const seq = await store.allocateSeq(BOB)
      await store.commit((b) => b.appendHistory(historyEntry(BOB, seq)).putOutbox(outboxEntry(BOB, seq, 5)).markSeen(bytes(16, 1), 1))
      // An allocated but never written number leaves a gap, not a reuse of a written one.
      await store.allocateSeq(BOB)
      await reopen()
      expect(store.schemaVersion).toBe(SCHEMA_VERSION)
      expect((await store.history(BOB, { limit: 5 })).map((e) => e.seq)).toEqual([1])
      expect(await store.unreadCount(BOB)).toBe(1)
      expect((await store.outbox(BOB)).length).toBe(1)
      expect(await store.hasSeen([bytes(16, 1)])).toEqual([true])
      expect(await store.allocateSeq(BOB)).toBe(2)
      // An outbox entry without a history entry (a receipt) holds its seq too, across a restart.
      await store.commit((b) => b.putOutbox(outboxEntry(BOB, 7, 5)))
      await reopen()
      expect(await store.allocateSeq(BOB)).toBe(8)
    })

    it('records schema version 2 on first open and refuses a newer or older layout without writing', async () => {
      await store.close()
      const raw = harness.rawLevel()
      const readMeta = async (): Promise<Record<string, unknown>> => {
        await raw.open()
        const text = await raw.sublevel<string, string>('meta', { keyEncoding: 'utf8', valueEncoding: 'utf8' }).get('format')
        await raw.close()
        return JSON.parse(text ?? 'null')
      }
      const format = await readMeta()
      expect(format.schema).toBe(2)
      expect(format.encrypted).toBe(harness.cipher().encrypted)
      // A sublevel closes with its parent, so each raw write opens a fresh one.
      const putRaw = async (sublevel: string, key: string, json: string | undefined): Promise<void> => {
        await raw.open()
        const s = raw.sublevel<string, string>(sublevel, { keyEncoding: 'utf8', valueEncoding: 'utf8' })
        if (json === undefined) await s.del(key)
        else await s.put(key, json)
        await raw.close()
      }
      await putRaw('meta', 'format', JSON.stringify({ ...format, schema: 3 }))
      const before = await snapshot(raw)
      const err = await openStore(harness.location(), { cipher: harness.cipher() }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(UnsupportedSchemaVersionError)
      expect((err as Error).name).toBe('UnsupportedSchemaVersionError')
      expect((err as Error).message).toMatch(/schema version 3, this murmur supports schema version 2/)
      expect(await snapshot(raw)).toEqual(before)

      // Schema version 1 (no meta record, settings/schemaVersion = 1) needs its migration first.
      await putRaw('meta', 'format', undefined)
      await putRaw('settings', 'schemaVersion', '1')
      await expect(openStore(harness.location(), { cipher: harness.cipher() })).rejects.toThrow(StoreMigrationRequiredError)
      await putRaw('settings', 'schemaVersion', '"one"')
      await expect(openStore(harness.location(), { cipher: harness.cipher() })).rejects.toThrow(UnsupportedSchemaVersionError)
      await putRaw('settings', 'schemaVersion', undefined)
      await putRaw('meta', 'format', JSON.stringify(format))
      store = await openStore(harness.location(), { cipher: harness.cipher() })
      expect(store.encrypted).toBe(harness.cipher().encrypted)
    })

    it('reports a damaged record as CorruptRecordError and refuses use after close', async () => {
      const storedKey = store.contacts.keyCodec.encode(BOB)
      await store.close()
      const raw = harness.rawLevel()
      await raw.open()
      await raw.sublevel<string, string>('contacts', { keyEncoding: 'utf8', valueEncoding: 'utf8' }).put(storedKey, '{not a record')
      await raw.close()
      store = await openStore(harness.location(), { cipher: harness.cipher() })
      await expect(store.contacts.get(BOB)).rejects.toThrow(CorruptRecordError)

      await store.close()
      await expect(store.commit((b) => b.put(store.settings, 'z', 1))).rejects.toThrow(StoreClosedError)
      await expect(store.allocateSeq(BOB)).rejects.toThrow(StoreClosedError)
      store = await openStore(harness.location(), { cipher: harness.cipher() })
    })
  })
}
