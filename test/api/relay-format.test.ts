/**
 * Text output for relays (cli/commands/message-format.ts): what `status`, `relays list`,
 * `history` and `history --follow` print for people.
 */
import { describe, expect, it } from 'vitest'
import { formatBytes, formatMessage, formatRelay, formatStateChange, namesOf, peerName, storedAt } from '../../cli/commands/message-format.js'
import type { MessageView } from '../../src/messenger/types.js'

const CAROL = '12D3KooWALePRPZL6HQP6dmm3zPmRt67JGoQWS3yivXJGcnE5hyk'
const DAVE = '12D3KooWLG6eFnWBBzyDwo4dgZdQsbyDzN93DRFMJQhgDTLvoBtZ'
const names = namesOf([{ name: 'carol', peerId: CAROL, verified: false, addedAt: 0 }])

function outgoing (state: MessageView['state'], relays?: MessageView['relays']): MessageView {
  return { id: 'ab'.repeat(16), peerId: DAVE, contact: 'dave', direction: 'out', text: 'hi', sentAt: 0, state, seq: 1, ...(relays !== undefined ? { relays } : {}) }
}

describe('relay text output', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(64 * 1024 * 1024)).toBe('64 MiB')
  })

  it('a relay line: name when a contact, registered, queue and quota, prekeys, error', () => {
    const view = { peerId: CAROL, addresses: [], addedAt: 0, registered: true, queued: 3, bytes: 1536, maxCount: 10_000, maxBytes: 64 * 1024 * 1024, prekeysRemaining: 97 }
    expect(formatRelay(view, { names })).toBe(`carol (${CAROL})  registered, 3 queued (1.5 KiB of 64 MiB, max 10000), 97 prekeys left`)
    expect(formatRelay({ ...view, peerId: DAVE }, { short: true })).toBe('12D3KooW…LvoBtZ  registered, 3 queued (1.5 KiB of 64 MiB, max 10000), 97 prekeys left')
    expect(formatRelay({ peerId: CAROL, addresses: [], addedAt: 0, registered: false, error: 'Relay refused: NOT_FOUND' }))
      .toBe(`${CAROL}  not registered  (Relay refused: NOT_FOUND)`)
  })

  it('a stored message names the relays that hold it, not those that refused', () => {
    const m = outgoing('stored', [{ relay: CAROL, status: 'stored' }, { relay: DAVE, status: 'refused', reason: 'QUOTA' }])
    expect(storedAt(m)).toEqual([CAROL])
    expect(formatMessage(m, undefined, m.state, names)).toMatch(/you: hi {2}\(stored at carol\)$/)
    expect(formatMessage(m)).toMatch(/\(stored at 12D3KooW…nE5hyk\)$/)
    expect(formatMessage(outgoing('stored'))).toMatch(/\(stored\)$/)
    expect(formatMessage(outgoing('delivered', [{ relay: CAROL, status: 'stored' }]), undefined, 'delivered', names)).toMatch(/\(delivered\)$/)
    expect(peerName(DAVE, names)).toBe('12D3KooW…LvoBtZ')
  })

  it('a message:state event for stored says where, under its message\'s short id (and text when known)', () => {
    expect(formatStateChange({ id: 'ab'.repeat(16), state: 'delivered' }, names, 'hello carol\nsecond line')).toBe('  · abababab "hello carol": delivered')
    expect(formatStateChange({ id: 'ab'.repeat(16), state: 'stored', relays: [{ relay: CAROL, status: 'stored' }] }, names)).toBe('  · abababab: stored at carol')
    expect(formatStateChange({ id: 'ab'.repeat(16), state: 'stored' })).toBe('  · abababab: stored')
    expect(formatStateChange({ id: 'ab'.repeat(16), state: 'failed', reason: 'expired' })).toBe('  · abababab: failed: expired')
  })
})
