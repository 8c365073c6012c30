/**
 * The outbox worker (DESIGN.md "Delivery"): transmits outbox entries in order per
 * conversation, retries with exponential backoff while the node runs and after a restart,
 * and marks a message expired when its TTL passes. A retry sends the same envelope bytes.
 *
 * When the recipient answers that it could not decrypt (it lost its session), our session is
 * dropped and that conversation's outbox, the refused message included, is re-encrypted under a
 * new session when it is next sent; a message refused so a second time is marked failed.
 */
import { logger } from '@libp2p/logger'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { backoffDelay, type BackoffPolicy } from '../runtime/backoff.js'
import type { ClockTimer } from '../runtime/clock.js'
import type { HistoryRecord, OutboxRecord, StoreBatch } from '../store/index.js'
import { storedEnvelope } from '../wire/strict/envelope.js'
import { deadline, settlesWithin } from '../runtime/deadline.js'
import {
  DIRECT_HEAD_START_MS, DIRECT_SEND_TIMEOUT_MS, OUTBOX_INITIAL_BACKOFF_MS, OUTBOX_MAX_BACKOFF_MS, OUTBOX_POLL_MS
} from './constants.js'
import { BLOCKED_REASON } from './blocks.js'
import type { MessengerContext } from './context.js'
import type { MurmurEvents } from './events.js'
import { isReceiptEntry, RESENT_IN_NEW_SESSION, type Outgoing } from './outgoing.js'
import type { OutboxViews } from './outbox-views.js'
import { SentMarks } from './sent-marks.js'
import { directFailureReason, relayFailureReason } from './reasons.js'
import { advances } from './views.js'
import type { RelayDelivery } from './types.js'

const log = logger('murmur:messenger:delivery')

/** How many conversations are delivered at once. */
const PARALLEL_PEERS = 8
/** How often a message already held by relays is still tried directly. */
const STORED_RETRY_MS = 30 * 60 * 1000
/** Entries sent in one pipelined round per conversation. */
const ROUND_SIZE = 256

type StateEvent = MurmurEvents['message:state']

/**
 * A round whose direct attempt outran its head start (DESIGN.md "Delivery": paths race or fail
 * fast). Entries queued for the peer while it still waits are deposited at once, in order after
 * the round's own deposits, instead of waiting behind its direct attempt (up to
 * DIRECT_SEND_TIMEOUT_MS) for a round of their own.
 */
interface SlowRound {
  /** The round's own entries. */
  readonly seqs: ReadonlySet<number>
  /** Deposits started beside the round, its own and later entries', by seq. */
  readonly deposits: Map<number, Promise<RelayDelivery[]>>
  /** The last deposit started: the next waits until a relay holds it (depositAll). */
  readonly chain: { tail: Promise<unknown> }
  /** Looking for late entries, one look at a time. */
  looking: Promise<void>
}

/** The outbox's retry schedule (runtime/backoff.ts: doubling, capped, with jitter). */
const OUTBOX_BACKOFF: BackoffPolicy = { initialMs: OUTBOX_INITIAL_BACKOFF_MS, maxMs: OUTBOX_MAX_BACKOFF_MS }

function refusedCode (err: unknown): string | undefined {
  const e = err as { name?: string, refusal?: string }
  return e?.name === 'DmRefusedError' ? e.refusal : undefined
}

export class Delivery {
  private readonly ctx: MessengerContext
  private readonly outgoing: Outgoing
  /** The outboxes as last read or written here, so that a round need not read them back. */
  private readonly outboxes: OutboxViews
  private readonly active = new Map<string, Promise<void>>()
  private readonly again = new Map<string, boolean>()
  /** Peers whose running round waits on a slow direct attempt. */
  private readonly slow = new Map<string, SlowRound>()
  /** Callers waiting for the first attempt of an entry: peer -> seq -> resolvers. */
  private readonly waiting = new Map<string, Map<number, Array<() => void>>>()
  private controller = new AbortController()
  private timer: ClockTimer | undefined
  private polling: Promise<void> | undefined

  constructor (ctx: MessengerContext, outgoing: Outgoing, outboxes: OutboxViews) {
    this.ctx = ctx
    this.outgoing = outgoing
    this.outboxes = outboxes
  }

  start (): void {
    this.controller = new AbortController()
    this.schedulePoll(0)
  }

  async stop (): Promise<void> {
    this.controller.abort()
    this.ctx.clock.clearTimeout(this.timer)
    await this.polling
    await Promise.allSettled([...this.active.values()])
  }

  private schedulePoll (delay: number): void {
    if (this.controller.signal.aborted) return
    this.ctx.clock.clearTimeout(this.timer)
    // The outbox's schedule is on the messenger's clock: a test that moves it past a time to
    // live or a backoff makes the next poll come at once.
    this.timer = this.ctx.clock.setTimeout(() => {
      this.polling = this.poll().finally(() => { this.schedulePoll(OUTBOX_POLL_MS) })
    }, delay)
    this.timer.unref?.()
  }

  private async poll (): Promise<void> {
    try {
      const due = await this.ctx.store.dueOutbox(this.ctx.clock.now(), { limit: 1000 })
      const peers = [...new Set(due.map(e => e.peerId))]
      for (const peerId of peers.slice(0, PARALLEL_PEERS * 4)) this.kick(peerId, false)
    } catch (err) {
      if (!this.controller.signal.aborted) log.error('outbox poll failed - %e', err)
    }
  }

  /**
   * Delivers `peerId`'s outbox now. `force` tries entries still in backoff too (a new message,
   * or the peer just connected: worth a try).
   */
  kick (peerId: string, force = true): Promise<void> {
    if (this.controller.signal.aborted) return Promise.resolve()
    const running = this.active.get(peerId)
    if (running != null) {
      this.again.set(peerId, (this.again.get(peerId) ?? false) || force)
      this.depositLate(peerId)
      return running
    }
    const run = (async () => {
      let forceNow = force
      while (true) {
        this.again.delete(peerId)
        try {
          await this.deliver(peerId, forceNow)
        } catch (err) {
          if (!this.controller.signal.aborted) log.error('delivery to %s failed - %e', peerId, err)
        }
        if (!this.again.has(peerId) || this.controller.signal.aborted) break
        forceNow = this.again.get(peerId) ?? false
      }
    })().finally(() => { this.active.delete(peerId) })
    this.active.set(peerId, run)
    return run
  }

  /**
   * Delivers `peerId`'s outbox now, and resolves once the entry `seq` has had an attempt (sent,
   * refused, handed to relays or put back to wait), or when delivery to the peer stops. A
   * sender waits for its own message, not for the whole run of deliveries to that peer: under
   * a flood of sends the run goes on for as long as new messages come, and every sender
   * waited for all of them.
   */
  async attempt (peerId: string, seq: number): Promise<void> {
    let bySeq = this.waiting.get(peerId)
    if (bySeq === undefined) {
      bySeq = new Map()
      this.waiting.set(peerId, bySeq)
    }
    let resolve!: () => void
    const attempted = new Promise<void>((res) => { resolve = res })
    const list = bySeq.get(seq) ?? []
    list.push(resolve)
    bySeq.set(seq, list)
    try {
      await Promise.race([this.kick(peerId), attempted])
    } finally {
      const left = bySeq.get(seq)?.filter(r => r !== resolve) ?? []
      if (left.length > 0) bySeq.set(seq, left)
      else bySeq.delete(seq)
      if (bySeq.size === 0 && this.waiting.get(peerId) === bySeq) this.waiting.delete(peerId)
    }
  }

  /** Wakes the callers waiting for the first attempt of these entries. */
  private attempted (peerId: string, seqs: Iterable<number>): void {
    const bySeq = this.waiting.get(peerId)
    if (bySeq === undefined) return
    for (const seq of seqs) for (const resolve of bySeq.get(seq) ?? []) resolve()
  }

  /** Resolves when nothing is being delivered to `peerId` (tests and `send`). */
  async idle (peerId: string): Promise<void> {
    while (this.active.has(peerId)) await this.active.get(peerId)
  }

  private async deliver (peerId: string, force: boolean): Promise<void> {
    const entries = await this.outboxes.read(peerId, ROUND_SIZE)
    try {
      await this.deliverRound(peerId, force, entries)
    } finally {
      this.attempted(peerId, entries.map(e => e.seq))
      await this.endSlow(peerId)
    }
  }

  /**
   * While `peerId`'s round waits on a slow direct attempt, deposits the entries queued since it
   * started (not its own, not held by a relay, already encrypted) beside it. They stay in the
   * outbox: the next round still tries them directly, in order.
   */
  private depositLate (peerId: string): void {
    const round = this.slow.get(peerId)
    if (round === undefined) return
    round.looking = round.looking.then(async () => {
      if (this.slow.get(peerId) !== round) return
      const now = this.ctx.clock.now()
      const late = (await this.outboxes.read(peerId, ROUND_SIZE)).filter(e => !round.seqs.has(e.seq) && !round.deposits.has(e.seq) &&
        e.storedAt === undefined && e.envelope.length > 0 && e.expiresAt > now)
      if (late.length === 0) return
      log('%d entries for %s queued behind a slow direct attempt: depositing at relays now', late.length, peerId)
      for (const [seq, deposited] of this.depositAll(peerId, late, true, round.chain)) {
        round.deposits.set(seq, deposited)
        // Held by a relay (or refused by all): its first attempt is over, its sender goes on.
        void deposited.then(() => { this.attempted(peerId, [seq]) })
      }
    }).catch((err: Error) => { log.error('depositing late entries for %s failed - %e', peerId, err) })
  }

  /** The round of `peerId` is over: no more late deposits; those started are all in its map. */
  private async endSlow (peerId: string): Promise<void> {
    const round = this.slow.get(peerId)
    if (round === undefined) return
    this.slow.delete(peerId)
    await round.looking
  }

  private async deliverRound (peerId: string, force: boolean, round: OutboxRecord[]): Promise<void> {
    const { store } = this.ctx
    const signal = this.controller.signal
    const now = this.ctx.clock.now()
    let entries = round
    if (entries.length === 0) return
    if (!force && entries[0].nextAttemptAt > now) return
    const events: StateEvent[] = []

    // Expired entries leave first, whatever their order.
    const expired = entries.filter(e => e.expiresAt <= now)
    if (expired.length > 0) {
      const batch = store.batch()
      for (const e of expired) {
        batch.deleteOutbox(e)
        await this.setState(batch, e, 'expired', 'not delivered before its time to live ran out', now, events)
      }
      await store.write(batch, { sync: true })
      this.emit(events.splice(0))
      entries = entries.filter(e => e.expiresAt > now)
    }

    if (this.ctx.blocks.has(peerId)) {
      await this.dropBlocked(entries, now)
      return
    }

    // Entries stored before a session existed get their envelope now, in order.
    const ready: OutboxRecord[] = []
    for (const entry of entries) {
      if (entry.envelope.length > 0) {
        ready.push(entry)
        continue
      }
      try {
        ready.push(await this.outgoing.prepare(entry, AbortSignal.any([signal, AbortSignal.timeout(DIRECT_SEND_TIMEOUT_MS)])))
      } catch (err) {
        log('cannot prepare a message for %s yet: %s', peerId, (err as Error).name)
        await this.backoff(entries.slice(entries.indexOf(entry)), `waiting for the contact's keys: ${directFailureReason(err)}`)
        break
      }
    }
    if (ready.length === 0) return

    // One pipelined round on the peer's long-lived stream; acks may come in any order. Entries
    // are marked sent as their acks come (sent-marks.ts), so that their senders go on meanwhile.
    const attempt = deadline(signal, DIRECT_SEND_TIMEOUT_MS)
    const marks = new SentMarks(async (entries) => { await this.markSent(peerId, entries, now) })
    // The envelope module's {id, bytes}: the id read from the stored bytes' head, nothing decoded.
    const direct = Promise.allSettled(ready.map(async e => {
      const result = await this.ctx.transport.send(peerId, storedEnvelope(e.envelope), { signal: attempt.signal })
      marks.acked(e)
      return result
    }))
    // The relay path starts beside the direct one when the direct one has not finished within
    // its head start (a black-holed address, a slow relay circuit): DESIGN.md "Delivery".
    // Watched even when every entry of the round is held by relays already: entries queued
    // while it waits are deposited at once (depositLate).
    let early: Map<number, Promise<RelayDelivery[]>> | undefined
    if (this.ctx.transport.depositViaRelays != null && await settlesWithin(direct, DIRECT_HEAD_START_MS, signal) === 'slow') {
      // The rest of the round settles as a whole, beside the deposits (which rewrite entries).
      await marks.close()
      const round: SlowRound = { seqs: new Set(ready.map(e => e.seq)), deposits: new Map(), chain: { tail: Promise.resolve() }, looking: Promise.resolve() }
      early = round.deposits
      this.slow.set(peerId, round)
      const toHold = ready.filter(e => e.storedAt === undefined && !marks.marked.has(e.seq))
      if (toHold.length > 0) {
        log('direct path to %s still busy after %d ms: depositing at relays beside it', peerId, DIRECT_HEAD_START_MS)
        for (const [seq, deposited] of this.depositAll(peerId, toHold, true, round.chain)) early.set(seq, deposited)
      }
      // Sent while the head start ran.
      this.depositLate(peerId)
    }
    const outcomes = await direct
    attempt.clear()
    await marks.close()
    const failed: OutboxRecord[] = []
    let sessionLost = false
    const settle = async (): Promise<void> => {
      const batch = store.batch()
      const handled = new Set<number>()
      const undecryptable = outcomes.some(o => o.status === 'rejected' && refusedCode(o.reason) === 'UNDECRYPTABLE')
      // Read afresh when deposits were made beside the direct attempt (they rewrite entries),
      // or when the peer could not decrypt: a reset may have replaced the envelopes meanwhile.
      const fresh = early === undefined && !undecryptable ? undefined : new Map((await store.outbox(peerId, { limit: ROUND_SIZE * 2 })).map(e => [e.seq, e]))
      for (let i = 0; i < ready.length; i++) {
        if (marks.marked.has(ready[i].seq)) {
          // Marked sent when its ack came: out of the outbox already.
          handled.add(ready[i].seq)
          continue
        }
        const entry = fresh?.get(ready[i].seq) ?? ready[i]
        const outcome = outcomes[i]
        if (outcome.status === 'fulfilled') {
          batch.deleteOutbox(entry)
          handled.add(entry.seq)
          await this.setState(batch, entry, 'sent', undefined, now, events)
          continue
        }
        const code = refusedCode(outcome.reason)
        if (code === 'UNDECRYPTABLE') {
          // An answer about an envelope the entry no longer holds: the peer started a new
          // session while the round waited (it was restored from a backup, and its session
          // opener came in first), and requeueAfterReset took the old envelope out. The answer
          // concerns the old session: the text goes out in the new one, which stays. (Taken as
          // current, it failed the text for good, as already resent, and dropped the new session:
          // the restored contact never got what we had sent while it was gone.)
          const current = fresh?.get(entry.seq)
          if (current === undefined || !uint8ArrayEquals(current.envelope, ready[i].envelope)) continue
          sessionLost = true
          // The recipient lost the session (restored from a backup, say): a text goes out once
          // more in a new session (dropSessionOps empties its envelope), then fails for good.
          const history = isReceiptEntry(entry) ? undefined : await store.getHistory(peerId, entry.seq)
          if (history != null && history.reason !== RESENT_IN_NEW_SESSION && history.direction === 'out') {
            batch.updateHistory({ ...history, reason: RESENT_IN_NEW_SESSION, updatedAt: now })
            continue
          }
          batch.deleteOutbox(entry)
          handled.add(entry.seq)
          await this.setState(batch, entry, 'failed', `the recipient could not decrypt it (${(outcome.reason as Error).message}); send it again`, now, events)
        } else if (code != null && code !== 'INTERNAL') {
          batch.deleteOutbox(entry)
          handled.add(entry.seq)
          await this.setState(batch, entry, 'failed', `refused by the recipient (${code})`, now, events)
        } else {
          // Not answered, or INTERNAL: the recipient failed (its store closing as it stops, a
          // crash mid-batch), not the message. Retried with backoff, as after a lost
          // connection; the chaos soak lost messages that were marked failed on INTERNAL.
          failed.push(entry)
        }
      }
      if (sessionLost) await this.dropSessionOps(batch, peerId, handled, now)
      // Marking messages sent need not wait for an fsync: if it is lost, the same envelope is
      // sent again and the recipient acks it as a duplicate. Failures and resets are synced.
      const onlySent = outcomes.every(o => o.status === 'fulfilled')
      const wrote = batch.length > 0
      if (wrote) await store.write(batch, { sync: !onlySent })
      // The round's own change to the outbox, when that is all it changed: its entries left.
      // (Nothing written: the marks already took them out of the view.)
      if (onlySent && !sessionLost && early === undefined) {
        if (wrote) this.outboxes.removed(peerId, handled, store.outboxGeneration(peerId))
      } else {
        this.outboxes.forget(peerId)
      }
      if (sessionLost) this.ctx.sessions.remember(peerId, undefined)
    }
    // Under the peer's lock: dropping the session must not race a send encrypting under it,
    // and 'sent' must not overwrite a 'delivered' that a receipt wrote meanwhile.
    await this.ctx.locks.run(peerId, settle)
    this.emit(events.splice(0))
    if (sessionLost) this.ctx.events.emit('session:reset', { peerId, reason: 'the contact could not decrypt our messages' })
    const firstError = (outcomes.find(o => o.status === 'rejected') as PromiseRejectedResult | undefined)?.reason
    if (failed.length > 0) {
      log('direct delivery to %s failed: %s', peerId, (firstError as Error | undefined)?.name)
      const { waiting, relayReason } = await this.viaRelays(peerId, failed, early)
      const reason = directFailureReason(firstError) + (relayReason !== undefined ? `; ${relayReason}` : '')
      await this.backoff(waiting, reason)
    } else if (ready.length === ROUND_SIZE || sessionLost) {
      this.again.set(peerId, force)
    }
    // Deposits made early for entries that then went directly: the copies at the relays are
    // duplicates, which the recipient drops (and acks) by envelope id. Late entries' deposits
    // too: all started ones are in the map once no more can start.
    await this.endSlow(peerId)
    if (early != null) await Promise.allSettled(early.values())
  }

  /**
   * Marks entries of a round sent as their acks come (SentMarks): out of the outbox and `sent`,
   * not synced (if lost, the same envelopes go again and are acked as duplicates), then wakes
   * the senders waiting for their first attempt.
   */
  private async markSent (peerId: string, entries: OutboxRecord[], now: number): Promise<void> {
    const { store } = this.ctx
    const events: StateEvent[] = []
    await this.ctx.locks.run(peerId, async () => {
      const batch = store.batch()
      for (const entry of entries) {
        batch.deleteOutbox(entry)
        await this.setState(batch, entry, 'sent', undefined, now, events)
      }
      await store.write(batch, { sync: false })
      this.outboxes.removed(peerId, new Set(entries.map(e => e.seq)), store.outboxGeneration(peerId))
    })
    this.emit(events)
    this.attempted(peerId, entries.map(e => e.seq))
  }

  /**
   * Starts a relay deposit for each entry (never rejects: failures are lines). The first relay
   * that takes an entry is written at once, so the message shows "stored at <relay>" then, not
   * when the slowest relay (a dead one takes its whole call timeout) or the direct attempt
   * gives up. Deposits started beside a direct attempt (`record`) also write every relay's
   * answer once all have answered; otherwise the caller does (viaRelays).
   */
  private depositAll (peerId: string, entries: OutboxRecord[], record: boolean, chain: { tail: Promise<unknown> } = { tail: Promise.resolve() }): Map<number, Promise<RelayDelivery[]>> {
    const deposit = this.ctx.transport.depositViaRelays
    const started = new Map<number, Promise<RelayDelivery[]>>()
    if (deposit == null) return started
    // In order: an entry's deposits start once a relay holds the one before (or every relay
    // answered it), so a mailbox receives them in the order they were sent, and a dead relay
    // holds back no other. A relay slower than another may still see two of them the other
    // way round; the recipient puts them back in order by its sender's numbers. `chain` carries
    // the order on from an earlier call (late entries after their round's own).
    for (const entry of entries) {
      let markHeld = (): void => {}
      const held = new Promise<void>(resolve => { markHeld = resolve })
      let firstRecorded: Promise<void> | undefined
      const onLine = (line: RelayDelivery): void => {
        if (line.status !== 'stored' || firstRecorded !== undefined) return
        markHeld()
        firstRecorded = this.recordLocked(peerId, new Map([[entry.seq, [line]]]))
      }
      const deposited = chain.tail.then(async () => await deposit(peerId, entry.envelope, { signal: AbortSignal.any([this.controller.signal, AbortSignal.timeout(DIRECT_SEND_TIMEOUT_MS)]), onLine }))
      chain.tail = Promise.race([held, deposited.catch(() => {})])
      started.set(entry.seq, deposited
        .catch((err: Error) => {
          log('relay deposit for %s failed: %s', peerId, err.name)
          return []
        })
        .then(async (lines) => {
          await firstRecorded
          if (record && lines.some(l => l.status === 'stored')) await this.recordLocked(peerId, new Map([[entry.seq, lines]]))
          return lines
        }))
    }
    return started
  }

  /** recordDeposits under the peer's lock; a failure is logged (the entry is tried again later). */
  private async recordLocked (peerId: string, outcomes: Map<number, RelayDelivery[]>): Promise<void> {
    await this.ctx.locks.run(peerId, async () => { await this.recordDeposits(peerId, outcomes) })
      .catch((err: Error) => { log.error('recording a deposit for %s failed - %e', peerId, err) })
  }

  /**
   * Writes what relays said about outbox entries (by seq), reading each entry afresh: one that
   * left the outbox meanwhile (delivered directly) keeps its state. Entries a relay took are
   * marked stored, with one line per relay. Returns the entries still waiting and why. The
   * caller holds the peer's lock.
   */
  private async recordDeposits (peerId: string, outcomes: Map<number, RelayDelivery[]>): Promise<{ waiting: OutboxRecord[], relayReason?: string }> {
    const { store } = this.ctx
    const now = this.ctx.clock.now()
    const batch = store.batch()
    const events: StateEvent[] = []
    const waiting: OutboxRecord[] = []
    let relayReason: string | undefined
    const fresh = new Map((await store.outbox(peerId)).map(e => [e.seq, e]))
    const names = new Map((await this.ctx.contacts.list()).map(c => [c.peerId, c.name]))
    const nameOf = (relay: string): string => names.get(relay) ?? `…${relay.slice(-8)}`
    for (const [seq, lines] of outcomes) {
      const entry = fresh.get(seq)
      if (entry == null) continue
      const stored = lines.some(l => l.status === 'stored')
      if (entry.storedAt !== undefined && lines.length > 0) {
        // Stored when its first relay answered, in this round: the other relays' answers join it.
        await this.addRelayLines(batch, entry, lines, now, events)
        continue
      }
      if (entry.storedAt !== undefined) {
        // Already held by relays: tried directly again only rarely; its TTL still applies.
        batch.replaceOutbox(entry, { ...entry, attempts: entry.attempts + 1, nextAttemptAt: Math.min(now + STORED_RETRY_MS, entry.expiresAt) })
        continue
      }
      if (stored) {
        batch.replaceOutbox(entry, { ...entry, storedAt: now, attempts: entry.attempts + 1, nextAttemptAt: Math.min(now + STORED_RETRY_MS, entry.expiresAt) })
      } else {
        waiting.push(entry)
        relayReason ??= relayFailureReason(lines, nameOf)
      }
      if (lines.length === 0 || isReceiptEntry(entry)) continue
      const history = await store.getHistory(entry.peerId, entry.seq)
      if (history == null || (history.state !== 'queued' && history.state !== 'stored')) continue
      if (stored) {
        const updated: HistoryRecord = { ...history, relays: lines, updatedAt: now, state: 'stored' }
        delete updated.reason
        batch.updateHistory(updated)
        events.push({ id: history.id, peerId, state: updated.state, relays: lines })
      } else {
        // Refused everywhere: the relays' answers stay with the message; backoff() says why.
        batch.updateHistory({ ...history, relays: lines, updatedAt: now })
      }
    }
    if (batch.length > 0) await store.write(batch, { sync: true })
    this.emit(events)
    return { waiting, ...(relayReason !== undefined ? { relayReason } : {}) }
  }

  /** Adds relays' answers to a stored message's lines (a relay's newer answer replaces its older one). */
  private async addRelayLines (batch: StoreBatch, entry: OutboxRecord, lines: RelayDelivery[], now: number, events: StateEvent[]): Promise<void> {
    if (isReceiptEntry(entry)) return
    const history = await this.ctx.store.getHistory(entry.peerId, entry.seq)
    if (history?.state !== 'stored') return
    const merged = new Map((history.relays ?? []).map(l => [l.relay, l]))
    let changed = false
    let newlyHolding = false
    for (const line of lines) {
      const known = merged.get(line.relay)
      if (known?.status === 'stored' || (known?.status === line.status && known.reason === line.reason)) continue
      merged.set(line.relay, line)
      changed = true
      newlyHolding ||= line.status === 'stored'
    }
    if (!changed) return
    const relays = [...merged.values()]
    batch.updateHistory({ ...history, relays, updatedAt: now })
    // An event when one more relay holds it; a refusal beside a relay that took it is kept in
    // the history (status, history --json) without a second "stored" line in the stream.
    if (newlyHolding) events.push({ id: history.id, peerId: history.peerId, state: 'stored', relays })
  }

  /**
   * The recipient is blocked (blocks.ts): nothing goes to it. Its entries leave the outbox; a
   * text no relay holds yet fails with BLOCKED_REASON (`resend` sends it after an unblock), one
   * a relay holds stays `stored`, as the relay may still deliver it.
   */
  private async dropBlocked (entries: OutboxRecord[], now: number): Promise<void> {
    if (entries.length === 0) return
    const batch = this.ctx.store.batch()
    const events: StateEvent[] = []
    for (const e of entries) {
      batch.deleteOutbox(e)
      if (e.storedAt === undefined) await this.setState(batch, e, 'failed', BLOCKED_REASON, now, events)
    }
    await this.ctx.store.write(batch, { sync: true })
    this.emit(events)
  }

  private async setState (batch: StoreBatch, entry: OutboxRecord, state: HistoryRecord['state'], reason: string | undefined, now: number, events: StateEvent[]): Promise<void> {
    if (isReceiptEntry(entry)) return
    const history = await this.ctx.store.getHistory(entry.peerId, entry.seq)
    if (history == null) return
    if (state !== 'failed' && state !== 'expired' && !advances(history.state, state)) return
    // The state alone, beside the entry: not the whole entry again (docs/store.md, "History states").
    batch.updateHistoryState(history, { state, updatedAt: now, ...(reason !== undefined ? { reason } : {}) })
    events.push({ id: history.id, peerId: history.peerId, state, ...(reason !== undefined ? { reason } : {}) })
  }

  /**
   * The recipient is unreachable: hand what is not yet held by a relay to relays (the
   * recipient's mailboxes, else our forwarders), in order - or take the outcome of the deposits
   * started `early`, beside the direct attempt. Returns the entries that still wait for a
   * retry, and why no relay took them.
   */
  private async viaRelays (peerId: string, entries: OutboxRecord[], early?: Map<number, Promise<RelayDelivery[]>>): Promise<{ waiting: OutboxRecord[], relayReason?: string }> {
    if (this.ctx.transport.depositViaRelays == null) return { waiting: entries }
    const outcomes = new Map<number, RelayDelivery[]>()
    const toDeposit = entries.filter(e => e.storedAt === undefined && early?.get(e.seq) === undefined)
    const started = this.depositAll(peerId, toDeposit, false)
    for (const entry of entries) {
      const pending = entry.storedAt !== undefined ? undefined : early?.get(entry.seq) ?? started.get(entry.seq)
      outcomes.set(entry.seq, pending != null ? await pending : [])
    }
    return await this.ctx.locks.run(peerId, async () => await this.recordDeposits(peerId, outcomes))
  }

  /**
   * Schedules the next attempt of `entries` with exponential backoff, and records why they
   * still wait (`reason`) on each message, for `murmur status`, `history` and the event stream.
   */
  private async backoff (entries: OutboxRecord[], reason: string): Promise<void> {
    if (entries.length === 0) return
    const now = this.ctx.clock.now()
    const batch = this.ctx.store.batch()
    const events: StateEvent[] = []
    // One jitter draw for the whole call: the entries of a round stay due together, in order.
    const draw = Math.random()
    for (const entry of entries) {
      const attempts = entry.attempts + 1
      batch.replaceOutbox(entry, { ...entry, attempts, nextAttemptAt: Math.min(now + backoffDelay(attempts, OUTBOX_BACKOFF, () => draw), entry.expiresAt) })
      if (isReceiptEntry(entry)) continue
      const history = await this.ctx.store.getHistory(entry.peerId, entry.seq)
      if (history == null || history.state !== 'queued' || history.reason === reason) continue
      batch.updateHistory({ ...history, reason, updatedAt: now })
      events.push({ id: history.id, peerId: history.peerId, state: 'queued', reason })
    }
    await this.ctx.store.write(batch, { sync: true })
    this.emit(events)
  }

  /**
   * The recipient lost its session: forget ours, so the next message starts a new one, and
   * clear the envelopes still queued (encrypted under the lost session) so they are encrypted
   * again; receipts under the lost session are dropped. Adds to `batch`; the caller holds the
   * peer lock and writes it.
   */
  private async dropSessionOps (batch: StoreBatch, peerId: string, handled: Set<number>, now: number): Promise<void> {
    const { store, sessions } = this.ctx
    sessions.del(batch, peerId)
    this.outgoing.forgetCapabilitySent(batch, peerId)
    for (const entry of await store.outbox(peerId)) {
      if (handled.has(entry.seq)) continue
      if (isReceiptEntry(entry)) batch.deleteOutbox(entry)
      else batch.replaceOutbox(entry, { ...entry, envelope: new Uint8Array(0) })
    }
    const seq = await store.allocateSeq(peerId)
    batch.appendHistory({ peerId, seq, id: `e${seq}`, direction: 'event', text: 'Session reset: your contact could not decrypt our messages; a new secure session will be started.', sentAt: now, receivedAt: now, state: 'received' }, { unread: false })
  }

  private emit (events: StateEvent[]): void {
    for (const e of events) this.ctx.events.emit('message:state', e)
  }
}
