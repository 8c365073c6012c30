/**
 * Gap detection (issue: "a message arriving after a hole in the sequence marks the hole until
 * it is filled or expires"). Each text carries the sender's number for it (Content.text.seq,
 * from 1). Per peer we keep the highest number seen and the ranges still missing; a hole
 * is shown in the conversation as an event entry, which is rewritten when the hole fills or
 * when it is older than the messages' time to live. Counting starts with the first text of a
 * peer we knew nothing about (a first contact, or after our store was lost), so a hole before
 * that first text is not reported.
 *
 * Order (docs/messaging.md "Order"): the text that opens a hole of k numbers takes its history
 * seq with k numbers left unused below it (Store.allocateSeq `room`), and the hole remembers
 * that open interval of seqs. A missing text that arrives later takes a seq inside it, by its
 * number, so it lands before the first stored text with a higher number: the conversation
 * reads in the sender's order once the hole fills (as Signal orders by the sender's position).
 */
import { LRUCache } from 'lru-cache'
import { MAX_ROOM, type HistoryRecord, type Store, type StoreBatch } from '../store/index.js'

export interface MissingRange {
  from: number
  to: number
  since: number
  /** The history seq of the event entry that shows this hole. */
  eventSeq: number
  /**
   * The history seqs free for this range's texts: every seq strictly between `after` and
   * `before` (the seq of the stored text numbered `to + 1`). Absent in holes recorded by an
   * earlier version: their late texts are appended.
   */
  after?: number
  before?: number
  /** Opened by the first text after a restore: the numbers the backup did not hold (restoredGaps). */
  restored?: true
  /** Opened by the first text after an unblock: the numbers dropped while the peer was blocked (unblockedGaps). */
  blocked?: true
}

/** Where the history entry of text number `n` went: its seq, and the room left below it. */
export interface Placement {
  seq: number
  /** Set when `seq` was allocated with room: the last seq before that room. */
  after?: number
}

export interface GapState {
  highest: number
  missing: MissingRange[]
  /**
   * Set by a restore from a backup (restoredGaps), until a text raises `highest`: the hole that
   * text opens is the numbers that came after the backup, not ones still on their way.
   */
  restored?: true
  /**
   * Set by an unblock (unblockedGaps), until a text raises `highest`: the hole that text opens
   * is the numbers dropped unread while the peer was blocked (blocks.ts), not ones on their way.
   */
  blocked?: true
}

export const GAPS_PREFIX = 'gaps:'
export const gapKey = (peerId: string): string => `${GAPS_PREFIX}${peerId}`

/**
 * A peer's gap state as a restore writes it: `highest` is the backup's, and every text the
 * peer sent after it that the old store received (and acknowledged) is lost with that store.
 * The first text above it then opens a hole that says so, rather than that those texts may
 * still come through a relay and, after the time to live, that they never arrived. Texts the
 * peer still holds unacknowledged come again (a session reset) and fill it as any hole.
 */
export function restoredGaps (state: GapState): GapState {
  return { ...state, restored: true }
}

/**
 * A peer's gap state as an unblock leaves it: nothing from the peer was read while it was
 * blocked, so the first text above `highest` opens a hole that says those texts were dropped.
 */
export function unblockedGaps (state: GapState): GapState {
  return { ...state, blocked: true }
}

/** Peers whose gap state is kept in memory (the least recently used go first). */
const GAP_CACHE_ENTRIES = 1024

function describe (count: number): string {
  return count === 1 ? '1 earlier message' : `${count} earlier messages`
}

/** What marked the state a hole opens from: a restore, an unblock, or nothing. */
type HoleMark = 'restored' | 'blocked' | undefined

function holeText (count: number, mark: HoleMark): string {
  if (mark === 'blocked') return `${describe(count)} from this contact came while you had blocked it, and ${count === 1 ? 'was' : 'were'} dropped unread.`
  if (mark === 'restored') return `${describe(count)} from this contact came after the backup this home was restored from, and ${count === 1 ? 'is' : 'are'} not in it.`
  return `${describe(count)} from this contact ${count === 1 ? 'has' : 'have'} not arrived yet; ${count === 1 ? 'it' : 'they'} may still come through a relay.`
}

export class GapTracker {
  private readonly store: Store
  private readonly ttlMs: number

  constructor (store: Store, ttlMs: number) {
    this.store = store
    this.ttlMs = ttlMs
  }

  /**
   * Each peer's state as last read or durably written. The receiver is its only reader and
   * writer, under the peer's lock, and never changes a state in place (observe returns a new
   * one): so every received text after the first reads it from memory, not LevelDB (a get on
   * the round trip's path, some 0.18 ms).
   */
  private readonly known = new LRUCache<string, GapState>({ max: GAP_CACHE_ENTRIES })

  async load (peerId: string): Promise<GapState> {
    const cached = this.known.get(peerId)
    if (cached !== undefined) return cached
    const value = await this.store.sublevels.settings.get(gapKey(peerId))
    const state = value != null && typeof value === 'object' && !Array.isArray(value) ? value as unknown as GapState : { highest: 0, missing: [] }
    this.known.set(peerId, state)
    return state
  }

  /** Adds `state` to `batch`; call remember() once the batch is durable. */
  save (batch: StoreBatch, peerId: string, state: GapState): void {
    batch.put(this.store.sublevels.settings, gapKey(peerId), state as never)
  }

  /** `state` was written (its batch is durable): later loads return it. */
  remember (peerId: string, state: GapState): void {
    this.known.set(peerId, state)
  }

  /**
   * The seq a late text numbered `n` takes: inside the room of the hole it fills, as far into
   * it as its number is into the hole, so that texts of one hole keep their order whatever
   * order they arrive in. Undefined when `n` fills no hole, or its hole has no room left
   * (then the text is appended).
   */
  lateSeq (state: GapState, n: number): number | undefined {
    const range = state.missing.find(r => n >= r.from && n <= r.to)
    if (range === undefined || !Number.isSafeInteger(range.after) || !Number.isSafeInteger(range.before)) return undefined
    const after = range.after as number
    const before = range.before as number
    if (before - after < 2 || after < 0) return undefined
    const at = after + Math.floor((before - after) * (n - range.from + 1) / (range.to - range.from + 2))
    return Math.min(before - 1, Math.max(after + 1, at))
  }

  /**
   * The state once a text of the numbering that starts at `start` came: a sender restored from
   * a backup numbers its new texts from a start above all it used before (text-numbers.ts), and
   * the numbers it skipped to get there were never texts, so counting goes on from below the
   * start without a hole. The holes already open stay: the sender's old store may have left
   * their texts at a relay, under the old session. Unchanged (the same object) when `start` is
   * not above the highest number seen.
   */
  jump (state: GapState, start: number): GapState {
    return start - 1 > state.highest ? { ...state, highest: start - 1 } : state
  }

  /** How many seqs to leave below text number `n`: the hole it opens (capped), else none. */
  roomBefore (state: GapState, n: number): number {
    return n > state.highest + 1 ? Math.min(n - state.highest - 1, MAX_ROOM) : 0
  }

  /**
   * Records text number `n` from `peerId`, whose history entry is at `placed`: opens a hole
   * when numbers were skipped, fills one when a missing number arrives, and closes holes
   * older than the time to live. History changes go into `batch`; `allocateSeq` gives
   * sequence numbers for new event entries.
   */
  async observe (batch: StoreBatch, peerId: string, state: GapState, n: number, now: number, placed: Placement): Promise<GapState> {
    // A restore's or an unblock's mark lasts until a text raises the highest number: the hole that one opens (if any) is the mark's.
    const mark: HoleMark = state.restored === true ? 'restored' : state.blocked === true ? 'blocked' : undefined
    const markKept = mark !== undefined && n <= state.highest
    let next: GapState = { highest: state.highest, missing: state.missing.map(r => ({ ...r })), ...(markKept ? { [mark]: true } : {}) }
    if (n > next.highest + 1) {
      const seq = await this.store.allocateSeq(peerId)
      const count = n - next.highest - 1
      batch.appendHistory(event(peerId, seq, holeText(count, mark), now), { unread: false })
      const room = placed.after !== undefined ? { after: placed.after, before: placed.seq } : {}
      next.missing.push({ from: next.highest + 1, to: n - 1, since: now, eventSeq: seq, ...room, ...(mark !== undefined ? { [mark]: true as const } : {}) })
    } else if (n <= next.highest) {
      const i = next.missing.findIndex(r => n >= r.from && n <= r.to)
      if (i >= 0) {
        const range = next.missing[i]
        // Placed inside the room: the numbers below n now go before it, those above after it.
        const inside = range.after !== undefined && range.before !== undefined && placed.seq > range.after && placed.seq < range.before
        const lower = inside ? { ...range, to: n - 1, before: placed.seq } : { ...range, to: n - 1 }
        const upper = inside ? { ...range, from: n + 1, after: placed.seq } : { ...range, from: n + 1 }
        const pieces = [lower, upper].filter(r => r.from <= r.to)
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
    // A restore's or an unblock's hole already says what became of its texts: it is only forgotten.
    for (const eventSeq of new Set(old.filter(r => r.restored !== true && r.blocked !== true).map(r => r.eventSeq))) {
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
