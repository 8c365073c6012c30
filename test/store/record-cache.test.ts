// The read cache (src/store/record-cache.ts): what it answers from memory, and that it never
// answers with a record other than the stored one.
import { describe, expect, it } from 'vitest'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { deriveHomeKeys } from '../../src/store/at-rest/keys.js'
import { RecordCache } from '../../src/store/record-cache.js'
import { openStore, sealedCipher, type OutboxRecord, type StoreCipher } from '../../src/store/index.js'

const provider = defaultProvider()
const BOB = '12D3KooWLpiDJwadnHzbh6o3jfrWTxG8CWqqvNgxBkWaYhuhrWsL'

/** A real sealed cipher that counts the values it opens, per sublevel. */
function countingCipher (): { cipher: StoreCipher, opened: Map<string, number> } {
  const real = sealedCipher(provider, deriveHomeKeys(provider, new Uint8Array(32).fill(7)))
  const opened = new Map<string, number>()
  const cipher = {
    ...real,
    openValue: (sublevel: string, key: string, stored: Uint8Array) => {
      opened.set(sublevel, (opened.get(sublevel) ?? 0) + 1)
      return real.openValue(sublevel, key, stored)
    }
  }
  return { cipher, opened }
}

function entry (seq: number, attempts = 0): OutboxRecord {
  return { messageId: `m${seq}`, peerId: BOB, seq, envelope: new Uint8Array([seq]), attempts, nextAttemptAt: 10 + attempts, expiresAt: 1000 }
}

describe('the read cache', () => {
  it('offers range reads no token while a group write is in flight, nor after one began during the read', () => {
    const cache = new RecordCache<{ n: number }>(1024)
    const before = cache.stableToken()
    expect(before).toBe(0)
    cache.writeBegins()
    expect(cache.stableToken()).toBeUndefined()
    expect(cache.stillStable(before)).toBe(false)
    cache.written([{ key: 'a', record: { n: 1 }, size: 1 }], [])
    expect(cache.stillStable(before)).toBe(false)
    const after = cache.stableToken()
    expect(after).toBe(1)
    expect(cache.stillStable(after)).toBe(true)
    // A failed write changed nothing: reads may use the cache again.
    cache.writeBegins()
    cache.writeFailed()
    expect(cache.stillStable(cache.stableToken())).toBe(true)
    expect(cache.get('a')).toEqual({ n: 1 })
  })

  it('answers outbox reads (whole-conversation ranges, gets, the due list) without opening what the store wrote', async () => {
    const { cipher, opened } = countingCipher()
    const store = await openStore({ memory: true }, { cipher })
    await store.commit(b => b.putOutbox(entry(1)).putOutbox(entry(2)).putOutbox(entry(3)))
    await store.commit(b => b.replaceOutbox(entry(2), entry(2, 1)).deleteOutbox(entry(3)))
    opened.clear()
    expect((await store.outbox(BOB)).map(e => [e.seq, e.attempts])).toEqual([[1, 0], [2, 1]])
    expect((await store.dueOutbox(11)).map(e => [e.seq, e.attempts])).toEqual([[1, 0], [2, 1]])
    expect((await store.sublevels.outbox.get({ peerId: BOB, seq: 2 }))?.attempts).toBe(1)
    expect(opened.get('outbox') ?? 0).toBe(0)
    await store.close()
  })

  it('reads from the snapshot, opening every value, when a write lands during the range read', async () => {
    const { cipher, opened } = countingCipher()
    const store = await openStore({ memory: true }, { cipher })
    await store.commit(b => b.putOutbox(entry(1)).putOutbox(entry(2)))
    opened.clear()
    // The write is queued first, so its group begins while the range read is in flight.
    const writing = store.commit(b => b.replaceOutbox(entry(1), entry(1, 5)))
    const read = store.outbox(BOB)
    const [seen] = await Promise.all([read, writing])
    // Either state of entry 1 is a true snapshot; a mix is not possible for one key, and both keys are there.
    expect(seen.map(e => e.seq)).toEqual([1, 2])
    expect([0, 5]).toContain(seen[0].attempts)
    expect(opened.get('outbox')).toBe(2)
    expect((await store.outbox(BOB)).map(e => e.attempts)).toEqual([5, 0])
    await store.close()
  })
})
