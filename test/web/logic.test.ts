/**
 * The web app's pure rules, run in Node: merging messages by id (states only move forward,
 * nothing twice), the compose limit, the words for delivery states, and reading a sign-in code.
 */
import { describe, expect, it } from 'vitest'
import type { MessageView } from '../../src/messenger/types.js'
import { describeState } from '../../web/src/format.js'
import { mergeMessages } from '../../web/src/state.js'
import { checkCompose, MAX_TEXT_BYTES } from '../../web/src/text.js'

function message (seq: number, state: MessageView['state'], extra: Partial<MessageView> = {}): MessageView {
  return { id: `m${seq}`, peerId: '12D3KooWpeer', direction: 'out', text: `text ${seq}`, sentAt: 1_000 + seq, state, seq, ...extra }
}

describe('merging messages', () => {
  it('keeps one entry per id, ordered by position, whatever the order they arrive in', () => {
    const merged = mergeMessages([message(3, 'sent'), message(1, 'read')], [message(2, 'sent'), message(3, 'sent'), message(1, 'read')])
    expect(merged.map(m => m.seq)).toEqual([1, 2, 3])
  })

  it('never moves a state backwards (a late page of history does not undo a newer event)', () => {
    expect(mergeMessages([message(1, 'read')], [message(1, 'delivered')])[0].state).toBe('read')
    expect(mergeMessages([message(1, 'delivered')], [message(1, 'stored')])[0].state).toBe('delivered')
    expect(mergeMessages([message(1, 'sent')], [message(1, 'delivered')])[0].state).toBe('delivered')
    // failed and expired give way only to delivery (a resend), and a resend queues again.
    expect(mergeMessages([message(1, 'failed')], [message(1, 'delivered')])[0].state).toBe('delivered')
    expect(mergeMessages([message(1, 'failed', { reason: 'x' })], [message(1, 'queued')])[0].state).toBe('queued')
  })

  it('takes a rewritten entry of the same state (a gap notice whose hole filled)', () => {
    const before = { ...message(4, 'received'), direction: 'event' as const, text: '1 earlier message has not arrived yet' }
    const after = { ...before, text: 'The missing messages from this contact arrived.' }
    expect(mergeMessages([before], [after])[0].text).toBe(after.text)
  })
})

describe('compose rules', () => {
  it('refuses empty and blank text, counts UTF-8 bytes, and stops at 64 KiB', () => {
    expect(checkCompose('')).toEqual({ ok: false, bytes: 0, reason: 'empty' })
    expect(checkCompose(' \n\t')).toMatchObject({ ok: false, reason: 'empty' })
    expect(checkCompose('é')).toEqual({ ok: true, bytes: 2 })
    expect(checkCompose('a'.repeat(MAX_TEXT_BYTES))).toEqual({ ok: true, bytes: 65_536 })
    expect(checkCompose('é'.repeat(32_769))).toEqual({ ok: false, bytes: 65_538, reason: 'too-long' })
  })
})

describe('delivery states in words', () => {
  const names = new Map([['12D3KooWcarolcarolcarolcarol', 'carol']])
  it('names the relays holding a message, by contact name, and adds the reason', () => {
    expect(describeState({ state: 'stored', relays: [{ relay: '12D3KooWcarolcarolcarolcarol', status: 'stored' }, { relay: '12D3KooWdaveXXXXXXXXXXXXdave01', status: 'refused', reason: 'QUOTA' }] }, names))
      .toBe('stored at carol')
    expect(describeState({ state: 'stored', relays: [{ relay: '12D3KooWdaveXXXXXXXXXXXXdave01', status: 'stored' }] }, names)).toBe('stored at 12D3KooW…dave01')
    expect(describeState({ state: 'failed', reason: 'UndecryptableError' }, names)).toBe('failed: UndecryptableError')
    expect(describeState({ state: 'queued', reason: 'no route to the recipient yet' }, names)).toBe('queued: no route to the recipient yet')
    expect(describeState({ state: 'delivered' }, names)).toBe('delivered')
  })
})
