/**
 * The direct encoders of the History and Outbox records (src/wire/flat-writer.ts) against the
 * protons-generated ones of proto/records.proto: the same bytes for any record, so stores
 * written before and after read alike (docs/store.md, "Value encoding").
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidRecordError } from '../../src/store/errors.js'
import { History, Outbox } from '../../src/store/proto/records.js'
import { historyCodec, outboxCodec } from '../../src/store/record-codecs.js'
import type { HistoryRecord, OutboxRecord } from '../../src/store/records.js'

const DIRECTIONS = ['in', 'out', 'event'] as const
const STATES = ['queued', 'sent', 'stored', 'delivered', 'read', 'expired', 'failed', 'received'] as const
const u53 = fc.oneof(fc.constantFrom(0, 1, 127, 128, 16_383, 16_384, 2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER), fc.maxSafeNat())
const text = fc.oneof(fc.constant(''), fc.string(), fc.string({ unit: 'grapheme', maxLength: 300 }))

const historyRecord = fc.record({
  peerId: fc.constantFrom('12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp', 'p'),
  seq: u53,
  id: fc.oneof(fc.constant(''), fc.stringMatching(/^[0-9a-f]{32}$/)),
  direction: fc.constantFrom(...DIRECTIONS),
  text,
  sentAt: u53,
  receivedAt: fc.option(u53, { nil: undefined }),
  state: fc.constantFrom(...STATES),
  reason: fc.option(text, { nil: undefined }),
  relay: fc.option(text, { nil: undefined }),
  outNumber: fc.option(u53, { nil: undefined }),
  updatedAt: fc.option(u53, { nil: undefined })
}) as fc.Arbitrary<HistoryRecord>

const outboxRecord = fc.record({
  messageId: fc.oneof(fc.constant(''), fc.stringMatching(/^r?[0-9a-f]{16,32}$/)),
  peerId: fc.constantFrom('12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp', 'p'),
  seq: u53,
  envelope: fc.uint8Array({ maxLength: 600 }),
  attempts: fc.oneof(fc.constantFrom(0, 1, 2 ** 32 - 1), fc.nat()),
  nextAttemptAt: u53,
  expiresAt: u53,
  storedAt: fc.option(u53, { nil: undefined })
}) as fc.Arbitrary<OutboxRecord>

/** The generated encoder's bytes, given the record as its message. */
function protonsHistory (r: HistoryRecord): Uint8Array {
  return History.encode({ ...r, direction: r.direction.toUpperCase() as History.Direction, state: r.state.toUpperCase() as History.State, relays: [] })
}

describe('record writer', () => {
  it('encodes every History record as the generated encoder does, and it decodes back', () => {
    fc.assert(fc.property(historyRecord, (r) => {
      const bytes = historyCodec.encode(r)
      expect(Buffer.from(bytes).equals(Buffer.from(protonsHistory(r)))).toBe(true)
      const clean = Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined))
      expect(historyCodec.decode(bytes, 'history')).toEqual(clean)
    }), { numRuns: 500 })
  })

  it('encodes every Outbox record as the generated encoder does, and it decodes back', () => {
    fc.assert(fc.property(outboxRecord, (r) => {
      const bytes = outboxCodec.encode(r)
      expect(Buffer.from(bytes).equals(Buffer.from(Outbox.encode(r as Partial<Outbox>)))).toBe(true)
      const clean = Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined))
      expect(outboxCodec.decode(bytes, 'outbox')).toEqual(clean)
    }), { numRuns: 500 })
  })

  it('leaves entries with relay lines to the generated encoder', () => {
    const r: HistoryRecord = {
      peerId: 'p', seq: 3, id: 'ab', direction: 'out', text: 'hi', sentAt: 5, state: 'stored',
      relays: [{ relay: 'r1', status: 'stored' }, { relay: 'r2', status: 'refused', reason: 'full' }]
    }
    const bytes = historyCodec.encode(r)
    expect(historyCodec.decode(bytes, 'history')).toEqual(r)
    expect(bytes.length).toBeGreaterThan(historyCodec.encode({ ...r, relays: undefined }).length)
  })

  it('refuses an unknown direction or state with InvalidRecordError', () => {
    const r: HistoryRecord = { peerId: 'p', seq: 1, id: 'ab', direction: 'out', text: 'hi', sentAt: 5, state: 'queued' }
    expect(() => historyCodec.encode({ ...r, direction: 'sideways' as 'out' })).toThrow(InvalidRecordError)
    expect(() => historyCodec.encode({ ...r, state: 'lost' as 'queued' })).toThrow(/state must be one of/)
  })
})
