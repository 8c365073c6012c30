/**
 * Gap detection (issue: "a message arriving after a hole in the sequence marks the hole until
 * it is filled or expires"). Each text carries the sender's number for it (Content.text.seq,
 * from 1). Per peer we keep the highest number seen and the ranges still missing; a hole
 * is shown in the conversation as an event entry, which is rewritten when the hole fills or
 * when it is older than the messages' time to live. Counting starts with the first text of a
 * peer we knew nothing about (a first contact, or after our store was lost), so a hole before
 * that first text is not reported.
 */
import type { HistoryRecord, Store, StoreBatch } from '../store/index.js'

export interface MissingRange {
  from: number
  to: number
  since: number
  /** The history seq of the event entry that shows this hole. */
  eventSeq: number
}

export interface GapState {
  highest: number
  missing: MissingRange[]
}

export const gapKey = (peerId: string): string => `gaps:${peerId}`

function describe (count: number): string {
  return count === 1 ? '1 earlier message' : `${count} earlier messages`
}

export class GapTracker {
  private readonly store: Store
  private readonly ttlMs: number

  constructor (store: Store, ttlMs: number) {
    this.store = store
    this.ttlMs = ttlMs
  }

  async load (peerId: string): Promise<GapState> {
    const value = await this.store.sublevels.settings.get(gapKey(peerId))
    if (value != null && typeof value === 'object' && !Array.isArray(value)) return value as unknown as GapState
    return { highest: 0, missing: [] }
  }

  save (batch: StoreBatch, peerId: string, state: GapState): void {
    batch.put(this.store.sublevels.settings, gapKey(peerId), state as never)
  }

  /**
   * Records text number `n` from `peerId`: opens a hole when numbers were skipped, fills one
   * when a missing number arrives, and closes holes older than the time to live. History
   * changes go into `batch`; `allocateSeq` gives sequence numbers for new event entries.
   */
  async observe (batch: StoreBatch, peerId: string, state: GapState, n: number, now: number): Promise<GapState> {
    let next: GapState = { highest: state.highest, missing: state.missing.map(r => ({ ...r })) }
    if (n > next.highest + 1) {
      const seq = await this.store.allocateSeq(peerId)
      const count = n - next.highest - 1
      batch.appendHistory(event(peerId, seq, `${describe(count)} from this contact ${count === 1 ? 'has' : 'have'} not arrived yet; ${count === 1 ? 'it' : 'they'} may still come through a relay.`, now), { unread: false })
      next.missing.push({ from: next.highest + 1, to: n - 1, since: now, eventSeq: seq })
    } else if (n <= next.highest) {
      const i = next.missing.findIndex(r => n >= r.from && n <= r.to)
      if (i >= 0) {
        const range = next.missing[i]
        const pieces = [{ ...range, to: n - 1 }, { ...range, from: n + 1 }].filter(r => r.from <= r.to)
        next.missing.splice(i, 1, ...pieces)
        if (!next.missing.some(r => r.eventSeq === range.eventSeq)) await this.rewrite(batch, peerId, range.eventSeq, 'The missing messages from this contact arrived.', now)
      }
    }
    next.highest = Math.max(next.highest, n)
    next = await this.expire(batch, peerId, next, now)
    return next
  }

  private async expire (batch: StoreBatch, peerId: string, state: GapState, now: number): Promise<GapState> {
    const old = state.missing.filter(r => now - r.since > this.ttlMs)
    if (old.length === 0) return state
    for (const eventSeq of new Set(old.map(r => r.eventSeq))) {
      await this.rewrite(batch, peerId, eventSeq, 'Some earlier messages from this contact never arrived (their time to live passed).', now)
    }
    return { ...state, missing: state.missing.filter(r => now - r.since <= this.ttlMs) }
  }

  private async rewrite (batch: StoreBatch, peerId: string, eventSeq: number, text: string, now: number): Promise<void> {
    const entry = await this.store.getHistory(peerId, eventSeq)
    if (entry != null) batch.updateHistory({ ...entry, text, updatedAt: now })
  }
}

function event (peerId: string, seq: number, text: string, now: number): HistoryRecord {
  return { peerId, seq, id: `e${seq}`, direction: 'event', text, sentAt: now, receivedAt: now, state: 'received' }
}
