/**
 * Delivered receipts (DESIGN.md "Delivery": a message is `delivered` when the recipient's
 * encrypted receipt arrives; docs/messaging.md "Receipts"). The receiving batch records the
 * message ids it owes a receipt for (one entry in sublevel `receiptsOwed`, `<peer>!<its first id>`
 * holding them all, in the same atomic batch as the messages themselves, so a crash loses none),
 * and ONE receipt for all of them is encrypted and queued afterwards, in a batch of its own, once
 * messages pause for STREAM_GAP_MS, and at the latest RECEIPT_MAX_DELAY_MS after the first id
 * owed. That is while messages stream in closer together than STREAM_GAP_MS; a message that
 * comes alone gets its receipt in its own receiving batch and at once, as before (Incoming asks
 * `waits`).
 *
 * Why (issue 9): with a receipt encrypted into every receiving batch and sent at once, the
 * sender of a conversation that streams took each receipt (a decryption and a synced write,
 * next to its own) in the middle of its next message's round trip: without them, round trips
 * took 0.58 of the time in the same run. A receipt for many messages also costs one envelope,
 * one ratchet step and one synced write on each side instead of one per message.
 */
import { logger } from '@libp2p/logger'
import type { MessengerContext } from './context.js'
import { fromHexId, hex } from './envelopes.js'
import type { Outgoing } from './outgoing.js'
import type { OutboxRecord, StoreBatch } from '../store/index.js'

const log = logger('murmur:messenger:receipts')


/**
 * Messages closer together than this are a stream, whose receipts wait for a pause (ms). Wide
 * enough for a loaded machine's round trips (10-15 ms here under load), short beside a human's
 * pace: what a person sends by hand is still answered at once.
 */
export const STREAM_GAP_MS = 20
/** The longest a receipt waits while messages keep streaming in (ms). */
export const RECEIPT_MAX_DELAY_MS = 250
/** Message ids one receipt carries at most (decodeContent refuses more). */
export const MAX_RECEIPT_IDS = 1024
/**
 * Peers tracked before idle ones are forgotten: a peer with nothing owed, no timer and no
 * receipt within the stream gap is in the same state as one never seen, so the map holds the
 * peers streaming now, not every peer that ever wrote.
 */
export const PRUNE_AT_PEERS = 256

/** One stored entry of what is owed: a receiving batch's ids (hex), under the first one's key. */
export interface OwedEntry {
  readonly key: string
  readonly ids: readonly string[]
}

interface PeerReceipts {
  /** The entries owed, as committed, oldest first: the stored entries' mirror, complete once started. */
  owed: OwedEntry[]
  timer: ReturnType<typeof setTimeout> | undefined
  /** When the first id of the current wait was owed (performance.now()). */
  waitingSince: number | undefined
  /** When a receipt last went to this peer (performance.now()). */
  lastSentAt: number
}

export class DeliveredReceipts {
  private readonly ctx: MessengerContext
  private readonly outgoing: Outgoing
  private readonly onQueued: (peerId: string, entry: OutboxRecord, generation: number) => void
  private readonly peers = new Map<string, PeerReceipts>()
  private readonly flushing = new Set<Promise<void>>()
  private readonly streamGapMs: number
  private readonly maxDelayMs: number
  private running = false

  /**
   * `onQueued(peer, entry, generation)`: a receipt for `peer` is in the outbox (durable), the
   * only change its write made there, and Store.outboxGeneration read right after that write
   * (OutboxViews.added: the delivery then sends it without reading the outbox back).
   */
  constructor (ctx: MessengerContext, outgoing: Outgoing, onQueued: (peerId: string, entry: OutboxRecord, generation: number) => void, timing: { streamGapMs?: number, maxDelayMs?: number } = {}) {
    this.ctx = ctx
    this.outgoing = outgoing
    this.onQueued = onQueued
    this.streamGapMs = timing.streamGapMs ?? STREAM_GAP_MS
    this.maxDelayMs = timing.maxDelayMs ?? RECEIPT_MAX_DELAY_MS
  }

  /** Sends what a previous run still owed (a stop or a crash before its receipt went out). */
  async start (): Promise<void> {
    // One entry per receiving batch, not one list per peer: a list rewritten by every receiving
    // batch of a flood grew to a thousand ids, each write larger than the last; and not one per
    // message, a put and a delete each. An entry written before (an empty value) owes its key's id.
    for (const { key, value } of await this.ctx.store.sublevels.receiptsOwed.list()) {
      this.state(key.peerId).owed.push({ key: key.messageId, ids: value.length > 0 ? value : [key.messageId] })
    }
    this.running = true
    for (const [peerId, state] of this.peers) if (state.owed.length > 0) this.flushSoon(peerId)
  }

  /** Stops the timers and waits for receipts being written. What is still owed stays stored. */
  async stop (): Promise<void> {
    this.running = false
    for (const state of this.peers.values()) clearTimeout(state.timer)
    this.peers.clear()
    await Promise.allSettled([...this.flushing])
  }

  /**
   * Whether the receipt for a batch from `peerId` waits (the peer streams: a receipt went to it
   * within the stream gap, or one is waiting). If not, the caller encrypts it into the
   * receiving batch as before and calls `sentNow`; if so, it calls `owe`. The caller holds the
   * peer lock.
   */
  waits (peerId: string): boolean {
    const state = this.peers.get(peerId)
    if (!this.running || state === undefined) return false
    return state.timer !== undefined || state.owed.length > 0 || performance.now() - state.lastSentAt <= this.streamGapMs
  }

  /** A receipt to `peerId` was encrypted into a receiving batch, now durable: a stream starts here. */
  sentNow (peerId: string): void {
    this.state(peerId).lastSentAt = performance.now()
  }

  /**
   * Adds `messageIds` (at least one) to what we owe `peerId`, as one entry in `batch` (the
   * receiving batch; the caller holds the peer lock). Returns the entries to pass to `committed`
   * once the batch is durable.
   */
  owe (batch: StoreBatch, peerId: string, messageIds: Uint8Array[]): readonly OwedEntry[] {
    return this.putOwed(batch, peerId, this.state(peerId).owed, messageIds.map(hex), 'last')
  }

  /** The batch that added to the owed ids is durable: the receipt goes now or after the stream's pause. */
  committed (peerId: string, owed: readonly OwedEntry[]): void {
    const state = this.state(peerId)
    state.owed = [...owed]
    if (!this.running) return
    const now = performance.now()
    state.waitingSince ??= now
    clearTimeout(state.timer)
    const left = this.maxDelayMs - (now - state.waitingSince)
    if (left <= 0 || countIds(owed) >= MAX_RECEIPT_IDS) {
      this.flushSoon(peerId)
      return
    }
    state.timer = setTimeout(() => { this.flushSoon(peerId) }, Math.min(this.streamGapMs, left))
    state.timer.unref?.()
  }

  /**
   * `owed` with `ids` added as one stored entry (put in `batch`) under the first id's key, at the
   * end or the start; an entry already under that key (a message owed twice) takes them in.
   */
  private putOwed (batch: StoreBatch, peerId: string, owed: readonly OwedEntry[], ids: string[], at: 'first' | 'last'): OwedEntry[] {
    const key = ids[0]
    const same = owed.find((e) => e.key === key)
    const entry: OwedEntry = { key, ids: same === undefined ? ids : [...same.ids, ...ids] }
    batch.put(this.ctx.store.sublevels.receiptsOwed, { peerId, messageId: key }, [...entry.ids])
    const others = owed.filter((e) => e !== same)
    return at === 'last' ? [...others, entry] : [entry, ...others]
  }

  /** How many peers are tracked (streaming, owed a receipt, or not yet forgotten). */
  get tracked (): number {
    return this.peers.size
  }

  private state (peerId: string): PeerReceipts {
    let state = this.peers.get(peerId)
    if (state === undefined) {
      if (this.peers.size >= PRUNE_AT_PEERS) this.forgetIdle()
      state = { owed: [], timer: undefined, waitingSince: undefined, lastSentAt: -Infinity }
      this.peers.set(peerId, state)
    }
    return state
  }

  /** Drops the peers `waits` would answer false for anyway (amortized: runs when the map fills). */
  private forgetIdle (): void {
    const now = performance.now()
    for (const [peerId, state] of this.peers) {
      if (state.timer === undefined && state.owed.length === 0 && now - state.lastSentAt > this.streamGapMs) this.peers.delete(peerId)
    }
  }

  private flushSoon (peerId: string): void {
    const state = this.state(peerId)
    clearTimeout(state.timer)
    state.timer = undefined
    state.waitingSince = undefined
    state.lastSentAt = performance.now()
    if (!this.running) return
    const flush = this.flush(peerId)
      .catch((err: Error) => { if (this.running) log.error('could not queue a receipt for %s - %e', peerId, err) })
      .finally(() => { this.flushing.delete(flush) })
    this.flushing.add(flush)
  }

  /** One receipt for what is owed (up to MAX_RECEIPT_IDS; the rest waits for the next), in one synced batch. */
  private async flush (peerId: string): Promise<void> {
    const queued = await this.ctx.locks.run(peerId, async () => {
      const { store, sessions } = this.ctx
      const owed = this.state(peerId).owed
      if (owed.length === 0) return undefined
      // Whole entries, up to MAX_RECEIPT_IDS ids; an entry larger than one receipt carries (a
      // receiving batch of more messages) leaves its rest stored under the first id left.
      let taken = 0
      let count = 0
      while (taken < owed.length && (taken === 0 || count + owed[taken].ids.length <= MAX_RECEIPT_IDS)) count += owed[taken++].ids.length
      const batch = store.batch()
      for (const entry of owed.slice(0, taken)) batch.del(store.sublevels.receiptsOwed, { peerId, messageId: entry.key })
      const all = owed.slice(0, taken).flatMap((entry) => entry.ids)
      const ids = all.slice(0, MAX_RECEIPT_IDS)
      const left = all.slice(MAX_RECEIPT_IDS)
      const rest = left.length > 0 ? this.putOwed(batch, peerId, owed.slice(taken), left, 'first') : owed.slice(taken)
      const record = await sessions.get(peerId)
      // No session (it was reset meanwhile): the receipt is dropped; the sender's new session sends again.
      const receipt = record == null ? undefined : await this.outgoing.addReceipt(batch, peerId, record, 'delivered', ids.map(fromHexId), this.ctx.clock.now())
      if (receipt !== undefined) sessions.put(batch, peerId, receipt.record)
      await store.write(batch, { sync: true })
      // Read at once, in the same turn as the write's completion: the count its write made.
      const generation = store.outboxGeneration(peerId)
      if (receipt !== undefined) sessions.remember(peerId, receipt.record)
      this.state(peerId).owed = rest
      return receipt === undefined ? undefined : { entry: receipt.entry, generation }
    })
    if (queued !== undefined) this.onQueued(peerId, queued.entry, queued.generation)
    if ((this.peers.get(peerId)?.owed.length ?? 0) > 0) this.flushSoon(peerId)
  }
}

function countIds (owed: readonly OwedEntry[]): number {
  let n = 0
  for (const entry of owed) n += entry.ids.length
  return n
}
