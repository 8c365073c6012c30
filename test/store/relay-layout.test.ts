// The relay sublevels appended to the store layout: key codecs round-trip, sort in the order
// the relay pages in, and refuse malformed parts; records survive a write and a read.
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/index.js'
import { createRelaySublevels, mailboxIdHexKey, mailboxRange, mailboxSeqKey, peerIdHexKey, peerSeqKey, relayExpiryKey } from '../../src/store/layout.js'
import { CorruptRecordError, InvalidRecordError } from '../../src/store/errors.js'

const PEER = '12D3KooWLpiDJwadnHzbh6o3jfrWTxG8CWqqvNgxBkWaYhuhrWsL'

describe('relay store layout', () => {
  it('key codecs round-trip and sort by seq and by expiry', () => {
    const a = peerSeqKey.encode({ peerId: PEER, seq: 9 })
    const b = peerSeqKey.encode({ peerId: PEER, seq: 10 })
    expect(a < b).toBe(true)
    expect(peerSeqKey.decode(b, 't')).toEqual({ peerId: PEER, seq: 10 })
    const k = { expiresAt: 1_700_000_000_000, queue: 'f' as const, peerId: PEER, seq: 3 }
    expect(relayExpiryKey.decode(relayExpiryKey.encode(k), 't')).toEqual(k)
    expect(relayExpiryKey.encode({ ...k, expiresAt: 99 }) < relayExpiryKey.encode(k)).toBe(true)
    expect(peerIdHexKey.decode(peerIdHexKey.encode({ peerId: PEER, hex: 'ab01' }), 't')).toEqual({ peerId: PEER, hex: 'ab01' })
    expect(() => peerIdHexKey.encode({ peerId: PEER, hex: 'AB' })).toThrow(InvalidRecordError)
    expect(() => peerSeqKey.encode({ peerId: 'bad!id', seq: 1 })).toThrow(InvalidRecordError)
    expect(() => relayExpiryKey.encode({ ...k, queue: 'x' as 'm' })).toThrow(InvalidRecordError)
  })

  it('keys of held envelopes carry the mailbox number: round-trip, sort by number then seq, stay inside the mailbox\'s range', () => {
    const keys = [{ mailbox: 2, seq: 10 }, { mailbox: 1, seq: 9 }, { mailbox: 1, seq: 10 }, { mailbox: 10, seq: 1 }].map((k) => mailboxSeqKey.encode(k))
    expect([...keys].sort()).toEqual([keys[1], keys[2], keys[0], keys[3]])
    expect(mailboxSeqKey.decode(keys[0], 't')).toEqual({ mailbox: 2, seq: 10 })
    const range = mailboxRange(1)
    expect(keys.filter((key) => key >= range.gte && key < range.lt)).toEqual([keys[1], keys[2]])
    expect(mailboxIdHexKey.decode(mailboxIdHexKey.encode({ mailbox: 7, hex: 'ab01' }), 't')).toEqual({ mailbox: 7, hex: 'ab01' })
    expect(() => mailboxIdHexKey.encode({ mailbox: 7, hex: 'AB' })).toThrow(InvalidRecordError)
    // 0 is a record from before numbers: never a key.
    expect(() => mailboxSeqKey.encode({ mailbox: 0, seq: 1 })).toThrow(InvalidRecordError)
    const n = { expiresAt: 1_700_000_000_000, queue: 'n' as const, mailbox: 3, seq: 4 }
    expect(relayExpiryKey.decode(relayExpiryKey.encode(n), 't')).toEqual(n)
    expect(relayExpiryKey.encode(n)).not.toContain(PEER)
    expect(() => relayExpiryKey.decode(`${'1'.padStart(16, '0')}!x!${PEER}!${'1'.padStart(16, '0')}`, 't')).toThrow(CorruptRecordError)
  })

  it('stores relay records in one atomic batch with the bytes intact', async () => {
    const store = await openStore({ memory: true })
    try {
      const s = createRelaySublevels(store.level)
      const envelope = Uint8Array.from([1, 2, 3, 250])
      await store.commit((b) => b
        .put(s.relayEnvelopes, { peerId: PEER, seq: 1 }, { id: '00'.repeat(16), seq: 1, envelope, door: 'contact', storedAt: 1, expiresAt: 2 })
        .put(s.relayPrekeys, { peerId: PEER, seq: 1 }, envelope)
        .put(s.trust, PEER, { addedAt: 5 }))
      expect((await s.relayEnvelopes.get({ peerId: PEER, seq: 1 }))?.envelope).toEqual(envelope)
      expect(await s.relayPrekeys.get({ peerId: PEER, seq: 1 })).toEqual(envelope)
      expect(await s.trust.get(PEER)).toEqual({ addedAt: 5 })
    } finally {
      await store.close()
    }
  })
})
