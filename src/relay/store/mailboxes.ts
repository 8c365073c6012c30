/**
 * Mailboxes and the envelopes they hold (docs/relay.md, "Storage": sublevels `relayMailboxes`,
 * `relayHeld`, `relayHeldIds`, and the mailbox entries of `relayExpiry`). A mailbox record
 * carries its counters; it is kept in memory, authoritative, and rewritten into every batch that
 * changes them, under the mailbox's lock. Envelope bytes stay on disk: a deposit writes the
 * envelope, its id index, its expiry index and the mailbox record in one batch.
 *
 * Held envelopes are keyed by the mailbox's number, not its owner: three keys are written and
 * deleted per envelope, and a number is 10 characters where an owner is a 52-character peer ID,
 * 91 once sealed in an encrypted store. That length was most of what encryption added to a
 * relay's drain (docs/store.md, "Cost"), and a number names nobody.
 */
import { logger } from '@libp2p/logger'
import { mailboxRange, type RelayExpiryKey } from '../../store/layout.js'
import type { RelayDoor, RelayEnvelopeRecord, RelayMailboxRecord } from '../../store/records.js'
import { mailboxLock, storedSync, type PendingWrites, type RelayStoreContext } from './context.js'
import type { RelayCounters } from './counters.js'
import { settleDeposit, type DepositInput, type DepositOutcome, type DepositStep, type QueuedDeposit } from './deposit.js'
import { LockGroups } from './lock-groups.js'

const log = logger('murmur:relay:store')

export interface StoredEnvelope {
  /** Envelope id, lowercase hex. */
  id: string
  seq: number
  envelope: Uint8Array
  /** The door it came in by (counted against that door's quota). */
  door: RelayDoor
  /** Clamped expiry (ms since the epoch); the expiry index is keyed by it. */
  expiresAt: number
}

/**
 * What deleting a stored envelope needs, as fetch() returned it: a subscription that holds its
 * pushed pages can delete them on Ack without reading the records again (ackHeld).
 */
export interface HeldEnvelope {
  id: string
  seq: number
  door: RelayDoor
  expiresAt: number
  /** Envelope bytes, for the mailbox's byte counters. */
  size: number
}

export interface FetchPage {
  envelopes: StoredEnvelope[]
  /** The seq of the last envelope returned, or the cursor given. */
  cursor: number
  more: boolean
}

/** What deleting a stored record needs. */
function held (record: RelayEnvelopeRecord): HeldEnvelope {
  return { id: record.id, seq: record.seq, door: record.door, expiresAt: record.expiresAt, size: record.envelope.byteLength }
}

export class Mailboxes {
  private readonly ctx: RelayStoreContext
  private readonly counters: RelayCounters
  private readonly records = new Map<string, RelayMailboxRecord>()
  /** The same records by number. */
  private readonly numbered = new Map<number, RelayMailboxRecord>()
  /** The number the next registered mailbox gets: above every number ever given. */
  private nextNumber = 1
  /** Deposits whose batch is queued but not yet durable: `<owner>!<id>` -> its write. */
  private readonly pending: PendingWrites = new Map()
  private readonly listeners = new Map<string, Set<() => void>>()
  private readonly depositGroups: LockGroups<QueuedDeposit<RelayDoor>, DepositStep>

  constructor (ctx: RelayStoreContext, counters: RelayCounters) {
    this.ctx = ctx
    this.counters = counters
    this.depositGroups = new LockGroups(ctx.mutex, async (_lock, group) => await this.reserve(group))
  }

  async load (): Promise<void> {
    const unnumbered: RelayMailboxRecord[] = []
    for (const { key, value } of await this.ctx.s.relayMailboxes.list()) {
      this.records.set(key, value)
      if (value.number === 0) unnumbered.push(value)
      else {
        this.numbered.set(value.number, value)
        this.nextNumber = Math.max(this.nextNumber, value.number + 1)
      }
    }
    for (const record of unnumbered) await this.number(record)
  }

  /**
   * Moves a mailbox from the layout before numbers (its envelopes keyed by owner in
   * `relayEnvelopes` and `relayEnvelopeIds`, expiry entries `m`) to its own number, in ONE synced
   * batch with the record that gives it the number: a crash leaves the mailbox wholly in one
   * layout or the other, and the next open moves what is left. Runs before the relay serves.
   */
  private async number (record: RelayMailboxRecord): Promise<void> {
    const s = this.ctx.s
    const owner = record.owner
    const number = this.nextNumber
    const range = s.peerRange(owner)
    const envelopes = await s.relayEnvelopes.range(range)
    const idKeys = await s.relayEnvelopeIds.rangeKeys(range)
    const batch = this.ctx.store.batch()
    for (const [, envelope] of envelopes) {
      const { seq, expiresAt } = envelope
      batch
        .del(s.relayEnvelopes, { peerId: owner, seq })
        .del(s.relayExpiry, { expiresAt, queue: 'm', peerId: owner, seq })
        .put(s.relayHeld, { mailbox: number, seq }, envelope)
        .put(s.relayHeldIds, { mailbox: number, hex: envelope.id }, { seq })
        .put(s.relayExpiry, { expiresAt, queue: 'n', mailbox: number, seq }, null)
    }
    for (const key of idKeys) batch.del(s.relayEnvelopeIds, s.relayEnvelopeIds.keyCodec.decode(key, s.relayEnvelopeIds.name))
    const numbered = { ...record, number }
    batch.put(s.relayMailboxes, owner, numbered)
    await this.ctx.store.write(batch)
    this.nextNumber = number + 1
    this.records.set(owner, numbered)
    this.numbered.set(number, numbered)
    log('numbered a mailbox: moved %d envelopes', envelopes.length)
  }

  has (owner: string): boolean {
    return this.records.has(owner)
  }

  get size (): number {
    return this.records.size
  }

  /** The mailbox record (with its counters), or undefined. */
  record (owner: string): Readonly<RelayMailboxRecord> | undefined {
    return this.records.get(owner)
  }

  /** Creates `owner`'s mailbox (idempotent); the caller has checked that the relay trusts it. */
  async register (owner: string): Promise<void> {
    await this.ctx.mutex.run(mailboxLock(owner), async () => {
      if (this.records.has(owner)) return
      // Taken before the write: a number is never given twice, even when a write fails.
      const number = this.nextNumber++
      const record: RelayMailboxRecord = {
        owner, number, createdAt: this.ctx.now(), firstContactOpen: true, nextSeq: 1, count: 0, bytes: 0, firstContactCount: 0, firstContactBytes: 0
      }
      await this.ctx.store.commit((b) => b.put(this.ctx.s.relayMailboxes, owner, record))
      this.records.set(owner, record)
      this.numbered.set(number, record)
    })
  }

  /** False: no such mailbox. */
  async setFirstContact (owner: string, open: boolean): Promise<boolean> {
    return this.ctx.mutex.run(mailboxLock(owner), async () => {
      const mailbox = this.records.get(owner)
      if (mailbox === undefined) return false
      if (mailbox.firstContactOpen === open) return true
      mailbox.firstContactOpen = open
      try {
        await this.ctx.store.commit((b) => b.put(this.ctx.s.relayMailboxes, owner, { ...mailbox }))
      } catch (err) {
        mailbox.firstContactOpen = !open
        throw err
      }
      return true
    })
  }

  /**
   * Stores a deposit by `door` into the recipient's mailbox. Idempotent by envelope id.
   * Deposits into one mailbox made in one turn of the event loop, or while its lock is busy,
   * are decided together (one read of the id index, one batch; reserve()), in the order they
   * were made.
   */
  async deposit (input: DepositInput, door: RelayDoor, now: number, expiresAt: number): Promise<DepositOutcome> {
    const owner = input.recipient
    const step = await this.depositGroups.join(mailboxLock(owner), { input, door, now, expiresAt })
    const outcome = await settleDeposit(step, door, this.pending, `${owner}!${input.id}`)
    if (outcome.stored && !outcome.duplicate) this.notify(owner)
    return outcome
  }

  /**
   * Under the mailbox's lock: decides each deposit of a group in order and issues ONE batch for
   * all it stores. Reservations are made in memory in the same synchronous step as the batch
   * is queued, so that batches reach the group committer in the order their snapshots were taken.
   */
  private async reserve (group: Array<QueuedDeposit<RelayDoor>>): Promise<DepositStep[]> {
    const { s, limits: l } = this.ctx
    const owner = group[0].input.recipient
    const mailbox = this.records.get(owner)
    const stored = mailbox === undefined ? [] : storedSync(s.relayHeldIds, group.map(({ input }) => ({ mailbox: mailbox.number, hex: input.id })))
    /** One step per deposit; undefined until the batch that stores it is issued. */
    const steps: Array<DepositStep | undefined> = []
    /** Items this group stores (by index), with their rollbacks; ids reserved in this group. */
    const reserved: Array<{ index: number, rollback: () => void }> = []
    const inGroup = new Set<string>()
    const repeats: number[] = []
    const batch = this.ctx.store.batch()
    group.forEach(({ input, door, now, expiresAt }, i) => {
      const inFlight = this.pending.get(`${owner}!${input.id}`)
      if (inFlight !== undefined) return steps.push({ duplicateOf: inFlight })
      if (stored[i]) return steps.push({ duplicate: true })
      if (inGroup.has(input.id)) {
        repeats.push(i)
        return steps.push({ duplicate: true })
      }
      if (mailbox === undefined) return steps.push({ refused: 'NOT_FOUND' })
      const size = input.envelope.byteLength
      if (mailbox.count + 1 > l.mailboxMaxCount || mailbox.bytes + size > l.mailboxMaxBytes) return steps.push({ refused: 'QUOTA' })
      const first = door === 'first'
      if (first && (mailbox.firstContactCount + 1 > l.firstContactMaxCount || mailbox.firstContactBytes + size > l.firstContactMaxBytes)) {
        return steps.push({ refused: 'QUOTA' })
      }
      const seq = mailbox.nextSeq++
      mailbox.count++
      mailbox.bytes += size
      if (first) {
        mailbox.firstContactCount++
        mailbox.firstContactBytes += size
      }
      const record: RelayEnvelopeRecord = { id: input.id, seq, envelope: input.envelope, door, storedAt: now, expiresAt }
      batch
        .put(s.relayHeld, { mailbox: mailbox.number, seq }, record)
        .put(s.relayHeldIds, { mailbox: mailbox.number, hex: input.id }, { seq })
        .put(s.relayExpiry, { expiresAt, queue: 'n', mailbox: mailbox.number, seq }, null)
      inGroup.add(input.id)
      reserved.push({
        index: i,
        rollback: () => {
          mailbox.count--
          mailbox.bytes -= size
          if (first) {
            mailbox.firstContactCount--
            mailbox.firstContactBytes -= size
          }
        }
      })
      return steps.push(undefined)
    })
    if (mailbox === undefined || reserved.length === 0) return steps as DepositStep[]
    batch.put(s.relayMailboxes, owner, { ...mailbox })
    const write = this.ctx.store.write(batch)
    for (const { index, rollback } of reserved) {
      this.pending.set(`${owner}!${group[index].input.id}`, write)
      steps[index] = { write, rollback }
    }
    // The same id twice in one group: the second is a duplicate of the first's write.
    for (const index of repeats) steps[index] = { duplicateOf: write }
    return steps as DepositStep[]
  }

  /** Envelopes of `owner`'s mailbox after `cursor`, in deposit order, within `limit` and `maxBytes`. */
  async fetch (owner: string, cursor: number, limit: number, maxBytes: number): Promise<FetchPage | undefined> {
    const mailbox = this.records.get(owner)
    if (mailbox === undefined) return undefined
    const held = this.ctx.s.relayHeld
    const entries = await held.range({
      gt: held.keyCodec.encode({ mailbox: mailbox.number, seq: cursor }),
      lt: mailboxRange(mailbox.number).lt,
      limit: limit + 1
    })
    const envelopes: StoredEnvelope[] = []
    const now = this.ctx.now()
    let bytes = 0
    let examined = 0
    let lastSeq = cursor
    for (const [, record] of entries) {
      if (envelopes.length === limit) break
      // Past its time to live: never handed out (its sender has marked it expired); the
      // sweeper deletes it.
      if (record.expiresAt <= now) {
        examined++
        lastSeq = record.seq
        continue
      }
      const size = record.envelope.byteLength
      // A page always carries at least one envelope, however large (it fits a frame anyway).
      if (envelopes.length > 0 && bytes + size > maxBytes) break
      bytes += size
      examined++
      lastSeq = record.seq
      envelopes.push({ id: record.id, seq: record.seq, envelope: record.envelope, door: record.door, expiresAt: record.expiresAt })
    }
    return { envelopes, cursor: lastSeq, more: entries.length > examined }
  }

  /** Deletes acknowledged envelopes (ids as lowercase hex); unknown ids are ignored. Returns how many were deleted. */
  async ack (owner: string, ids: string[]): Promise<number | undefined> {
    if (!this.records.has(owner)) return undefined
    const unique = [...new Set(ids)]
    const s = this.ctx.s
    return this.ctx.mutex.run(mailboxLock(owner), async () => {
      const mailbox = this.records.get(owner)
      if (mailbox === undefined) return 0
      const index = await s.relayHeldIds.getMany(unique.map((hex) => ({ mailbox: mailbox.number, hex })))
      const seqs = index.filter((r) => r !== undefined).map((r) => r.seq)
      if (seqs.length === 0) return 0
      const records = await s.relayHeld.getMany(seqs.map((seq) => ({ mailbox: mailbox.number, seq })))
      return this.delete(mailbox, records.filter((r) => r !== undefined).map(held), 'ack')
    })
  }

  /**
   * Deletes envelopes a subscription pushed and its owner acknowledged, from what fetch()
   * returned: one read of the small id index (is each still stored, at the same seq?) instead
   * of reading the records back. Returns how many were deleted.
   */
  async ackHeld (owner: string, envelopes: HeldEnvelope[]): Promise<number | undefined> {
    if (!this.records.has(owner)) return undefined
    if (envelopes.length === 0) return 0
    return this.ctx.mutex.run(mailboxLock(owner), async () => {
      const mailbox = this.records.get(owner)
      if (mailbox === undefined) return 0
      // Another ack or the sweeper may have come first. A mailbox's seqs are never reused
      // (nextSeq is in its record, written in the same batch as each deposit; mailboxes are
      // never removed, and no number is given twice), so the record at (number, seq) still
      // stored is this very envelope, and its id index entry still names that seq (a deposit
      // of a stored id is a duplicate): the keys answer without opening a value.
      const stored = storedSync(this.ctx.s.relayHeld, envelopes.map((e) => ({ mailbox: mailbox.number, seq: e.seq })))
      const present = envelopes.filter((_, i) => stored[i])
      if (present.length === 0) return 0
      return this.delete(mailbox, present, 'ack')
    })
  }

  /**
   * The sweeper's part: deletes the envelopes of mailbox `number` named by expiry index `keys`
   * that have expired by `now`.
   */
  async deleteExpired (number: number, keys: RelayExpiryKey[], now: number): Promise<number> {
    const s = this.ctx.s
    const owner = this.numbered.get(number)?.owner
    if (owner === undefined) {
      // Orphaned index entries (cannot normally happen): drop them.
      await this.ctx.store.commit((b) => { for (const k of keys) b.del(s.relayExpiry, k) })
      return 0
    }
    return this.ctx.mutex.run(mailboxLock(owner), async () => {
      const mailbox = this.records.get(owner)
      if (mailbox === undefined) return 0
      const records = await s.relayHeld.getMany(keys.map((k) => ({ mailbox: number, seq: k.seq })))
      const expired = records.filter((r): r is RelayEnvelopeRecord => r !== undefined && r.expiresAt <= now)
      return this.delete(mailbox, expired.map(held), 'expired', keys)
    })
  }

  /** Caller holds the mailbox's lock. Deletes records and their indexes, rewrites counters. */
  private async delete (mailbox: RelayMailboxRecord, records: HeldEnvelope[], why: 'ack' | 'expired', extra: RelayExpiryKey[] = []): Promise<number> {
    const s = this.ctx.s
    const { owner, number } = mailbox
    const before = { ...mailbox }
    const batch = this.ctx.store.batch()
    for (const record of records) {
      batch.del(s.relayHeld, { mailbox: number, seq: record.seq })
      batch.del(s.relayHeldIds, { mailbox: number, hex: record.id })
      batch.del(s.relayExpiry, { expiresAt: record.expiresAt, queue: 'n', mailbox: number, seq: record.seq })
      mailbox.count--
      mailbox.bytes -= record.size
      if (record.door === 'first') {
        mailbox.firstContactCount--
        mailbox.firstContactBytes -= record.size
      }
    }
    for (const key of extra) batch.del(s.relayExpiry, key)
    batch.put(s.relayMailboxes, owner, { ...mailbox })
    const stats = why === 'expired' ? this.counters.add(batch, { expired: records.length }) : undefined
    try {
      // Not synced: a deletion lost to a crash of the machine brings the envelopes back with the
      // counters that count them (one batch), and they are delivered again; the owner drops
      // what it already holds by envelope id (docs/relay.md, "Storage"). The owner's durable
      // write is the one that matters, and the drain no longer waits on a second fsync.
      await this.ctx.store.write(batch, { sync: false })
    } catch (err) {
      Object.assign(mailbox, { count: before.count, bytes: before.bytes, firstContactCount: before.firstContactCount, firstContactBytes: before.firstContactBytes })
      throw err
    }
    if (stats !== undefined) this.counters.commit(stats)
    return records.length
  }

  /** Subscribes to new deposits in `owner`'s mailbox; returns the unsubscribe function. */
  onDeposit (owner: string, listener: () => void): () => void {
    const set = this.listeners.get(owner) ?? new Set()
    set.add(listener)
    this.listeners.set(owner, set)
    return () => {
      set.delete(listener)
      if (set.size === 0 && this.listeners.get(owner) === set) this.listeners.delete(owner)
    }
  }

  private notify (owner: string): void {
    for (const listener of this.listeners.get(owner) ?? []) listener()
  }
}
