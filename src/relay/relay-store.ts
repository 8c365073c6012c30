/**
 * The relay's durable state (docs/relay.md, "Storage"): trust list, mailboxes with their
 * envelopes, capability hashes and one-time prekeys, the forward queue, the expiry index and
 * counters. Everything lives in the node's LevelDB store; every change is ONE atomic, synced
 * batch, so a restart loses nothing (DESIGN.md "Relays").
 *
 * Small state (trust, mailbox records with their counters, capability hashes, prekey counts,
 * forward-queue totals) is loaded at open and kept in memory, authoritative, and rewritten
 * into every batch that changes it. Envelope bytes stay on disk.
 */
import { logger } from '@libp2p/logger'
import { encodeU53, toHex } from '../store/codec.js'
import type { RelayExpiryKey, RelaySublevels } from '../store/layout.js'
import type { RelayDoor, RelayEnvelopeRecord, RelayForwardRecord, RelayMailboxRecord } from '../store/records.js'
import type { Store } from '../store/store.js'
import {
  DEFAULT_TTL_MS, FIRST_CONTACT_MAX_BYTES, FIRST_CONTACT_MAX_COUNT, FORWARD_MAX_BYTES, FORWARD_MAX_COUNT,
  MAILBOX_MAX_BYTES, MAILBOX_MAX_COUNT, MAX_CAPABILITIES, MAX_PREKEYS_HELD, MAX_TTL_MS, SWEEP_BATCH
} from './constants.js'
import { KeyedMutex } from './keyed-mutex.js'

const log = logger('murmur:relay:store')

/** Quotas and TTLs of the relay; every field defaults to the constant of the same meaning. */
export interface RelayLimits {
  mailboxMaxCount: number
  mailboxMaxBytes: number
  firstContactMaxCount: number
  firstContactMaxBytes: number
  forwardMaxCount: number
  forwardMaxBytes: number
  defaultTtlMs: number
  maxTtlMs: number
  maxPrekeysHeld: number
  maxCapabilities: number
}

export const DEFAULT_RELAY_LIMITS: Readonly<RelayLimits> = Object.freeze({
  mailboxMaxCount: MAILBOX_MAX_COUNT,
  mailboxMaxBytes: MAILBOX_MAX_BYTES,
  firstContactMaxCount: FIRST_CONTACT_MAX_COUNT,
  firstContactMaxBytes: FIRST_CONTACT_MAX_BYTES,
  forwardMaxCount: FORWARD_MAX_COUNT,
  forwardMaxBytes: FORWARD_MAX_BYTES,
  defaultTtlMs: DEFAULT_TTL_MS,
  maxTtlMs: MAX_TTL_MS,
  maxPrekeysHeld: MAX_PREKEYS_HELD,
  maxCapabilities: MAX_CAPABILITIES
})

/** Where a deposit goes: a mailbox door, or the forward queue (trusted depositor, no mailbox). */
export type DepositRoute = RelayDoor | 'forward'

export interface DepositInput {
  depositor: string
  recipient: string
  /** Envelope id, lowercase hex. */
  id: string
  envelope: Uint8Array
  /** Envelope.expiresAt (0: none given). */
  expiresAt: number
}

export type DepositOutcome =
  | { stored: true, duplicate: boolean, route: DepositRoute }
  | { stored: false, code: 'QUOTA' | 'EXPIRED' | 'NOT_FOUND' }

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

export interface MailboxStatusInfo {
  count: number
  bytes: number
  maxCount: number
  maxBytes: number
  firstContactCount: number
  firstContactBytes: number
  prekeysRemaining: number
  firstContactOpen: boolean
  capabilities: number
}

export interface RelayStats {
  /** Mailbox envelopes deleted by the sweeper because their TTL passed. */
  expired: number
  /** Forward-queue envelopes deleted by the sweeper because their TTL passed. */
  forwardExpired: number
  /** Forward-queue envelopes delivered and deleted. */
  forwarded: number
}

export interface ForwardEntry {
  /** Envelope id, lowercase hex. */
  id: string
  seq: number
  envelope: Uint8Array
  expiresAt: number
}

const STATS_KEY = 'counters'

/** What deleting a stored record needs. */
function held (record: RelayEnvelopeRecord): HeldEnvelope {
  return { id: record.id, seq: record.seq, door: record.door, expiresAt: record.expiresAt, size: record.envelope.byteLength }
}

export class RelayStore {
  readonly limits: Readonly<RelayLimits>
  private readonly store: Store
  private readonly s: RelaySublevels
  private readonly now: () => number
  private readonly mutex = new KeyedMutex()
  private readonly trusted = new Map<string, number>()
  private readonly mailboxes = new Map<string, RelayMailboxRecord>()
  private readonly capabilities = new Map<string, Set<string>>()
  private readonly prekeys = new Map<string, { count: number, nextSeq: number }>()
  /** Deposits whose batch is queued but not yet durable: `<owner>!<id>` -> its write. */
  private readonly pending = new Map<string, Promise<void>>()
  private readonly forwardByRecipient = new Map<string, number>()
  private forwardCount = 0
  private forwardBytes = 0
  private forwardNextSeq = 1
  private stats: RelayStats = { expired: 0, forwardExpired: 0, forwarded: 0 }
  private readonly listeners = new Map<string, Set<() => void>>()
  private readonly forwardListeners = new Set<(recipient: string) => void>()

  private constructor (store: Store, limits: Partial<RelayLimits>, now: () => number) {
    this.store = store
    this.s = store.relaySublevels
    this.limits = { ...DEFAULT_RELAY_LIMITS, ...limits }
    this.now = now
  }

  /** Opens the relay state on an open store, loading the small state into memory. */
  static async open (store: Store, options: { limits?: Partial<RelayLimits>, now?: () => number } = {}): Promise<RelayStore> {
    const relay = new RelayStore(store, options.limits ?? {}, options.now ?? Date.now)
    await relay.load()
    return relay
  }

  private async load (): Promise<void> {
    for (const { key, value } of await this.s.trust.list()) this.trusted.set(key, value.addedAt)
    for (const { key, value } of await this.s.relayMailboxes.list()) this.mailboxes.set(key, value)
    for (const key of await this.s.relayCapabilities.rangeKeys({})) {
      const { peerId, hex } = this.s.relayCapabilities.keyCodec.decode(key, 'relayCapabilities')
      this.capabilitySet(peerId).add(hex)
    }
    for (const key of await this.s.relayPrekeys.rangeKeys({})) {
      const { peerId, seq } = this.s.relayPrekeys.keyCodec.decode(key, 'relayPrekeys')
      const p = this.prekeys.get(peerId) ?? { count: 0, nextSeq: 1 }
      p.count++
      p.nextSeq = Math.max(p.nextSeq, seq + 1)
      this.prekeys.set(peerId, p)
    }
    for (const [, record] of await this.s.relayForward.range({})) {
      this.forwardCount++
      this.forwardBytes += record.envelope.byteLength
      this.forwardNextSeq = Math.max(this.forwardNextSeq, record.seq + 1)
      this.forwardByRecipient.set(record.recipient, (this.forwardByRecipient.get(record.recipient) ?? 0) + 1)
    }
    const stats = await this.s.relayStats.get(STATS_KEY)
    if (stats !== null && typeof stats === 'object' && !Array.isArray(stats)) {
      this.stats = { ...this.stats, ...(stats as Partial<RelayStats>) }
    }
    log('loaded: %d trusted, %d mailboxes, %d forward', this.trusted.size, this.mailboxes.size, this.forwardCount)
  }

  // ---- trust ----

  isTrusted (peerId: string): boolean {
    return this.trusted.has(peerId)
  }

  async addTrust (peerId: string): Promise<void> {
    if (this.trusted.has(peerId)) return
    const addedAt = this.now()
    await this.store.commit((b) => b.put(this.s.trust, peerId, { addedAt }))
    this.trusted.set(peerId, addedAt)
  }

  /** Stops trusting `peerId`: no new registrations or forwarding; a mailbox keeps what it holds for its owner. */
  async removeTrust (peerId: string): Promise<void> {
    if (!this.trusted.has(peerId)) return
    await this.store.commit((b) => b.del(this.s.trust, peerId))
    this.trusted.delete(peerId)
  }

  listTrust (): Array<{ peerId: string, addedAt: number }> {
    return [...this.trusted].map(([peerId, addedAt]) => ({ peerId, addedAt })).sort((a, b) => a.addedAt - b.addedAt)
  }

  // ---- mailboxes ----

  hasMailbox (owner: string): boolean {
    return this.mailboxes.has(owner)
  }

  /** Creates `owner`'s mailbox if the relay trusts it. False: not trusted. */
  async register (owner: string): Promise<boolean> {
    if (!this.trusted.has(owner)) return false
    return this.mutex.run(`m:${owner}`, async () => {
      if (this.mailboxes.has(owner)) return true
      const record: RelayMailboxRecord = {
        owner, createdAt: this.now(), firstContactOpen: true, nextSeq: 1, count: 0, bytes: 0, firstContactCount: 0, firstContactBytes: 0
      }
      await this.store.commit((b) => b.put(this.s.relayMailboxes, owner, record))
      this.mailboxes.set(owner, record)
      return true
    })
  }

  /** False: no such mailbox. */
  async setFirstContact (owner: string, open: boolean): Promise<boolean> {
    return this.mutex.run(`m:${owner}`, async () => {
      const mailbox = this.mailboxes.get(owner)
      if (mailbox === undefined) return false
      if (mailbox.firstContactOpen === open) return true
      mailbox.firstContactOpen = open
      try {
        await this.store.commit((b) => b.put(this.s.relayMailboxes, owner, { ...mailbox }))
      } catch (err) {
        mailbox.firstContactOpen = !open
        throw err
      }
      return true
    })
  }

  /**
   * Adds and removes capability hashes (lowercase hex of 32 bytes). 'QUOTA' when the result
   * would hold more than maxCapabilities; nothing changes then.
   */
  async updateCapabilities (owner: string, add: string[], remove: string[]): Promise<'OK' | 'NOT_FOUND' | 'QUOTA'> {
    return this.mutex.run(`m:${owner}`, async () => {
      if (!this.mailboxes.has(owner)) return 'NOT_FOUND'
      const current = this.capabilitySet(owner)
      const next = new Set(current)
      for (const hex of remove) next.delete(hex)
      for (const hex of add) next.add(hex)
      if (next.size > this.limits.maxCapabilities) return 'QUOTA'
      const at = this.now()
      const batch = this.store.batch()
      for (const hex of remove) if (!next.has(hex)) batch.del(this.s.relayCapabilities, { peerId: owner, hex })
      for (const hex of add) if (!current.has(hex)) batch.put(this.s.relayCapabilities, { peerId: owner, hex }, { addedAt: at })
      await this.store.write(batch)
      this.capabilities.set(owner, next)
      return 'OK'
    })
  }

  /** Which door a deposit may use; undefined: none (answered NOT_FOUND). */
  route (input: { depositor: string, recipient: string, capabilityHash?: string, prekey: boolean }): DepositRoute | undefined {
    const mailbox = this.mailboxes.get(input.recipient)
    // A mailbox whose owner is no longer trusted takes no new deposits (docs/relay.md, "Trust").
    const open = mailbox !== undefined && this.trusted.has(input.recipient)
    if (open && input.capabilityHash !== undefined && this.capabilitySet(input.recipient).has(input.capabilityHash)) return 'contact'
    if (this.trusted.has(input.depositor)) return open ? 'trusted' : 'forward'
    if (open && input.capabilityHash === undefined && input.prekey && mailbox.firstContactOpen) return 'first'
    return undefined
  }

  /** Clamps an envelope's expiresAt to the relay's TTLs; undefined when it has already passed. */
  clampExpiry (expiresAt: number, now = this.now()): number | undefined {
    if (expiresAt === 0) return now + this.limits.defaultTtlMs
    if (expiresAt <= now) return undefined
    return Math.min(expiresAt, now + this.limits.maxTtlMs)
  }

  /** Stores a deposit along `route` (from route()). Idempotent by envelope id per queue. */
  async deposit (input: DepositInput, route: DepositRoute): Promise<DepositOutcome> {
    const now = this.now()
    const expiresAt = this.clampExpiry(input.expiresAt, now)
    if (expiresAt === undefined) return { stored: false, code: 'EXPIRED' }
    if (route === 'forward') return this.depositForward(input, now, expiresAt)
    const owner = input.recipient
    const pendingKey = `${owner}!${input.id}`
    const step = await this.mutex.run(`m:${owner}`, async () => {
      const inFlight = this.pending.get(pendingKey)
      if (inFlight !== undefined) return { duplicateOf: inFlight }
      if (await this.s.relayEnvelopeIds.get({ peerId: owner, hex: input.id }) !== undefined) return { duplicate: true as const }
      const mailbox = this.mailboxes.get(owner)
      if (mailbox === undefined) return { refused: 'NOT_FOUND' as const }
      const size = input.envelope.byteLength
      const l = this.limits
      if (mailbox.count + 1 > l.mailboxMaxCount || mailbox.bytes + size > l.mailboxMaxBytes) return { refused: 'QUOTA' as const }
      const first = route === 'first'
      if (first && (mailbox.firstContactCount + 1 > l.firstContactMaxCount || mailbox.firstContactBytes + size > l.firstContactMaxBytes)) {
        return { refused: 'QUOTA' as const }
      }
      // Reserve in memory and queue the batch in the same synchronous step, so that batches
      // reach the group committer in the order their snapshots were taken.
      const seq = mailbox.nextSeq++
      mailbox.count++
      mailbox.bytes += size
      if (first) {
        mailbox.firstContactCount++
        mailbox.firstContactBytes += size
      }
      const record: RelayEnvelopeRecord = { id: input.id, seq, envelope: input.envelope, door: route, storedAt: now, expiresAt }
      const batch = this.store.batch()
        .put(this.s.relayEnvelopes, { peerId: owner, seq }, record)
        .put(this.s.relayEnvelopeIds, { peerId: owner, hex: input.id }, { seq })
        .put(this.s.relayExpiry, { expiresAt, queue: 'm' as const, peerId: owner, seq }, null)
        .put(this.s.relayMailboxes, owner, { ...mailbox })
      const write = this.store.write(batch)
      this.pending.set(pendingKey, write)
      const rollback = (): void => {
        mailbox.count--
        mailbox.bytes -= size
        if (first) {
          mailbox.firstContactCount--
          mailbox.firstContactBytes -= size
        }
      }
      return { write, rollback }
    })
    if ('refused' in step) return { stored: false, code: step.refused ?? 'NOT_FOUND' }
    if ('duplicate' in step) return { stored: true, duplicate: true, route }
    if ('duplicateOf' in step) {
      await step.duplicateOf
      return { stored: true, duplicate: true, route }
    }
    try {
      await step.write
    } catch (err) {
      step.rollback()
      throw err
    } finally {
      this.pending.delete(pendingKey)
    }
    this.notify(owner)
    return { stored: true, duplicate: false, route }
  }

  private async depositForward (input: DepositInput, now: number, expiresAt: number): Promise<DepositOutcome> {
    const recipient = input.recipient
    const pendingKey = `f:${recipient}!${input.id}`
    const step = await this.mutex.run(`f:${recipient}`, async () => {
      const inFlight = this.pending.get(pendingKey)
      if (inFlight !== undefined) return { duplicateOf: inFlight }
      if (await this.s.relayForwardIds.get({ peerId: recipient, hex: input.id }) !== undefined) return { duplicate: true as const }
      const size = input.envelope.byteLength
      if (this.forwardCount + 1 > this.limits.forwardMaxCount || this.forwardBytes + size > this.limits.forwardMaxBytes) {
        return { refused: 'QUOTA' as const }
      }
      const seq = this.forwardNextSeq++
      this.forwardCount++
      this.forwardBytes += size
      this.forwardByRecipient.set(recipient, (this.forwardByRecipient.get(recipient) ?? 0) + 1)
      const record: RelayForwardRecord = {
        id: input.id, seq, recipient, envelope: input.envelope, depositor: input.depositor, storedAt: now, expiresAt
      }
      const batch = this.store.batch()
        .put(this.s.relayForward, { peerId: recipient, seq }, record)
        .put(this.s.relayForwardIds, { peerId: recipient, hex: input.id }, { seq })
        .put(this.s.relayExpiry, { expiresAt, queue: 'f' as const, peerId: recipient, seq }, null)
      const write = this.store.write(batch)
      this.pending.set(pendingKey, write)
      const rollback = (): void => {
        this.forwardCount--
        this.forwardBytes -= size
        this.decrementForward(recipient, 1)
      }
      return { write, rollback }
    })
    if ('refused' in step) return { stored: false, code: step.refused ?? 'QUOTA' }
    if ('duplicate' in step) return { stored: true, duplicate: true, route: 'forward' }
    if ('duplicateOf' in step) {
      await step.duplicateOf
      return { stored: true, duplicate: true, route: 'forward' }
    }
    try {
      await step.write
    } catch (err) {
      step.rollback()
      throw err
    } finally {
      this.pending.delete(pendingKey)
    }
    for (const listener of this.forwardListeners) listener(recipient)
    return { stored: true, duplicate: false, route: 'forward' }
  }

  /** Envelopes of `owner`'s mailbox after `cursor`, in deposit order, within `limit` and `maxBytes`. */
  async fetch (owner: string, cursor: number, limit: number, maxBytes: number): Promise<FetchPage | undefined> {
    if (!this.mailboxes.has(owner)) return undefined
    const entries = await this.s.relayEnvelopes.range({
      gt: this.s.relayEnvelopes.keyCodec.encode({ peerId: owner, seq: cursor }),
      lt: this.s.peerRange(owner).lt,
      limit: limit + 1
    })
    const envelopes: StoredEnvelope[] = []
    const now = this.now()
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
    if (!this.mailboxes.has(owner)) return undefined
    const unique = [...new Set(ids)]
    return this.mutex.run(`m:${owner}`, async () => {
      const mailbox = this.mailboxes.get(owner)
      if (mailbox === undefined) return 0
      const index = await this.s.relayEnvelopeIds.getMany(unique.map((hex) => ({ peerId: owner, hex })))
      const seqs = index.filter((r) => r !== undefined).map((r) => r.seq)
      if (seqs.length === 0) return 0
      const records = await this.s.relayEnvelopes.getMany(seqs.map((seq) => ({ peerId: owner, seq })))
      return this.deleteFromMailbox(mailbox, records.filter((r) => r !== undefined).map(held), 'ack')
    })
  }

  /**
   * Deletes envelopes a subscription pushed and its owner acknowledged, from what fetch()
   * returned: one read of the small id index (is each still stored, at the same seq?) instead
   * of reading the records back. Returns how many were deleted.
   */
  async ackHeld (owner: string, envelopes: HeldEnvelope[]): Promise<number | undefined> {
    if (!this.mailboxes.has(owner)) return undefined
    if (envelopes.length === 0) return 0
    return this.mutex.run(`m:${owner}`, async () => {
      const mailbox = this.mailboxes.get(owner)
      if (mailbox === undefined) return 0
      // Another ack, the sweeper or a re-deposit (same id, new seq) may have come first.
      const index = await this.s.relayEnvelopeIds.getMany(envelopes.map((e) => ({ peerId: owner, hex: e.id })))
      const present = envelopes.filter((e, i) => index[i]?.seq === e.seq)
      if (present.length === 0) return 0
      return this.deleteFromMailbox(mailbox, present, 'ack')
    })
  }

  /** Caller holds the mailbox's mutex. Deletes records and their indexes, rewrites counters. */
  private async deleteFromMailbox (mailbox: RelayMailboxRecord, records: HeldEnvelope[], why: 'ack' | 'expired', extra: RelayExpiryKey[] = []): Promise<number> {
    const owner = mailbox.owner
    const before = { ...mailbox }
    const batch = this.store.batch()
    for (const record of records) {
      batch.del(this.s.relayEnvelopes, { peerId: owner, seq: record.seq })
      batch.del(this.s.relayEnvelopeIds, { peerId: owner, hex: record.id })
      batch.del(this.s.relayExpiry, { expiresAt: record.expiresAt, queue: 'm' as const, peerId: owner, seq: record.seq })
      mailbox.count--
      mailbox.bytes -= record.size
      if (record.door === 'first') {
        mailbox.firstContactCount--
        mailbox.firstContactBytes -= record.size
      }
    }
    for (const key of extra) batch.del(this.s.relayExpiry, key)
    batch.put(this.s.relayMailboxes, owner, { ...mailbox })
    const stats = why === 'expired' ? { ...this.stats, expired: this.stats.expired + records.length } : undefined
    if (stats !== undefined) batch.put(this.s.relayStats, STATS_KEY, { ...stats })
    try {
      await this.store.write(batch)
    } catch (err) {
      Object.assign(mailbox, { count: before.count, bytes: before.bytes, firstContactCount: before.firstContactCount, firstContactBytes: before.firstContactBytes })
      throw err
    }
    if (stats !== undefined) this.stats = stats
    return records.length
  }

  async status (owner: string): Promise<MailboxStatusInfo | undefined> {
    const mailbox = this.mailboxes.get(owner)
    if (mailbox === undefined) return undefined
    return {
      count: mailbox.count,
      bytes: mailbox.bytes,
      maxCount: this.limits.mailboxMaxCount,
      maxBytes: this.limits.mailboxMaxBytes,
      firstContactCount: mailbox.firstContactCount,
      firstContactBytes: mailbox.firstContactBytes,
      prekeysRemaining: this.prekeys.get(owner)?.count ?? 0,
      firstContactOpen: mailbox.firstContactOpen,
      capabilities: this.capabilities.get(owner)?.size ?? 0
    }
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

  // ---- prekeys ----

  /** Appends bundles; 'QUOTA' (nothing stored) when more than maxPrekeysHeld would be held. */
  async uploadPrekeys (owner: string, bundles: Uint8Array[]): Promise<{ remaining: number } | 'NOT_FOUND' | 'QUOTA'> {
    return this.mutex.run(`m:${owner}`, async () => {
      if (!this.mailboxes.has(owner)) return 'NOT_FOUND'
      const p = this.prekeys.get(owner) ?? { count: 0, nextSeq: 1 }
      if (p.count + bundles.length > this.limits.maxPrekeysHeld) return 'QUOTA'
      const batch = this.store.batch()
      bundles.forEach((bundle, i) => batch.put(this.s.relayPrekeys, { peerId: owner, seq: p.nextSeq + i }, bundle))
      await this.store.write(batch)
      p.nextSeq += bundles.length
      p.count += bundles.length
      this.prekeys.set(owner, p)
      return { remaining: p.count }
    })
  }

  /** Removes and returns the oldest bundle; 'NONE_LEFT' when there is none. */
  async takePrekey (owner: string): Promise<Uint8Array | 'NOT_FOUND' | 'NONE_LEFT'> {
    return this.mutex.run(`m:${owner}`, async () => {
      if (!this.mailboxes.has(owner)) return 'NOT_FOUND'
      const p = this.prekeys.get(owner)
      if (p === undefined || p.count === 0) return 'NONE_LEFT'
      const [first] = await this.s.relayPrekeys.range({ ...this.s.peerRange(owner), limit: 1 })
      if (first === undefined) return 'NONE_LEFT'
      const key = this.s.relayPrekeys.keyCodec.decode(first[0], 'relayPrekeys')
      // Deleted durably before it is handed out: a bundle is never given twice.
      await this.store.commit((b) => b.del(this.s.relayPrekeys, key))
      p.count--
      return first[1]
    })
  }

  // ---- forward queue ----

  /** Recipients with envelopes waiting in the forward queue. */
  forwardRecipients (): string[] {
    return [...this.forwardByRecipient.keys()]
  }

  forwardPending (recipient: string): number {
    return this.forwardByRecipient.get(recipient) ?? 0
  }

  onForward (listener: (recipient: string) => void): () => void {
    this.forwardListeners.add(listener)
    return () => { this.forwardListeners.delete(listener) }
  }

  /** The oldest forward-queue entries for `recipient`, within `limit` and `maxBytes`. */
  async forwardPage (recipient: string, limit: number, maxBytes: number): Promise<ForwardEntry[]> {
    const entries = await this.s.relayForward.range({ ...this.s.peerRange(recipient), limit })
    const out: ForwardEntry[] = []
    let bytes = 0
    for (const [, record] of entries) {
      if (out.length > 0 && bytes + record.envelope.byteLength > maxBytes) break
      bytes += record.envelope.byteLength
      out.push({ id: record.id, seq: record.seq, envelope: record.envelope, expiresAt: record.expiresAt })
    }
    return out
  }

  /** Deletes forward-queue entries the recipient has made durable. */
  async forwardDelivered (recipient: string, entries: ForwardEntry[]): Promise<void> {
    await this.mutex.run(`f:${recipient}`, async () => {
      const current = await this.s.relayForward.getMany(entries.map((e) => ({ peerId: recipient, seq: e.seq })))
      const present = current.filter((r) => r !== undefined)
      if (present.length === 0) return
      const stats = { ...this.stats, forwarded: this.stats.forwarded + present.length }
      await this.store.write(this.forwardDeleteBatch(recipient, present).put(this.s.relayStats, STATS_KEY, { ...stats }))
      this.stats = stats
      this.forgetForward(recipient, present)
    })
  }

  private forwardDeleteBatch (recipient: string, records: RelayForwardRecord[]): ReturnType<Store['batch']> {
    const batch = this.store.batch()
    for (const record of records) {
      batch.del(this.s.relayForward, { peerId: recipient, seq: record.seq })
      batch.del(this.s.relayForwardIds, { peerId: recipient, hex: record.id })
      batch.del(this.s.relayExpiry, { expiresAt: record.expiresAt, queue: 'f' as const, peerId: recipient, seq: record.seq })
    }
    return batch
  }

  private forgetForward (recipient: string, records: RelayForwardRecord[]): void {
    for (const record of records) {
      this.forwardCount--
      this.forwardBytes -= record.envelope.byteLength
    }
    this.decrementForward(recipient, records.length)
  }

  private decrementForward (recipient: string, n: number): void {
    const left = (this.forwardByRecipient.get(recipient) ?? 0) - n
    if (left > 0) this.forwardByRecipient.set(recipient, left)
    else this.forwardByRecipient.delete(recipient)
  }

  // ---- sweeper ----

  /**
   * Deletes envelopes (mailboxes and forward queue) whose expiry has passed, at most `max` index
   * entries per call, and counts them in stats. Returns how many envelopes were deleted.
   */
  async sweep (now = this.now(), max = SWEEP_BATCH): Promise<number> {
    const keys = await this.s.relayExpiry.rangeKeys({ lt: encodeU53(now + 1), limit: max })
    const groups = new Map<string, RelayExpiryKey[]>()
    for (const key of keys) {
      const k = this.s.relayExpiry.keyCodec.decode(key, 'relayExpiry')
      const group = `${k.queue}:${k.peerId}`
      const list = groups.get(group) ?? []
      list.push(k)
      groups.set(group, list)
    }
    let deleted = 0
    for (const [group, list] of groups) {
      const peerId = list[0].peerId
      if (group.startsWith('m:')) deleted += await this.sweepMailbox(peerId, list, now)
      else deleted += await this.sweepForward(peerId, list, now)
    }
    if (deleted > 0) log('swept %d expired envelopes', deleted)
    return deleted
  }

  private async sweepMailbox (owner: string, keys: RelayExpiryKey[], now: number): Promise<number> {
    return this.mutex.run(`m:${owner}`, async () => {
      const records = await this.s.relayEnvelopes.getMany(keys.map((k) => ({ peerId: owner, seq: k.seq })))
      const expired = records.filter((r): r is RelayEnvelopeRecord => r !== undefined && r.expiresAt <= now)
      const mailbox = this.mailboxes.get(owner)
      if (mailbox === undefined) {
        // Orphaned index entries (cannot normally happen): drop them.
        await this.store.commit((b) => { for (const k of keys) b.del(this.s.relayExpiry, k) })
        return 0
      }
      return this.deleteFromMailbox(mailbox, expired.map(held), 'expired', keys)
    })
  }

  private async sweepForward (recipient: string, keys: RelayExpiryKey[], now: number): Promise<number> {
    return this.mutex.run(`f:${recipient}`, async () => {
      const records = await this.s.relayForward.getMany(keys.map((k) => ({ peerId: recipient, seq: k.seq })))
      const expired = records.filter((r): r is RelayForwardRecord => r !== undefined && r.expiresAt <= now)
      const stats = { ...this.stats, forwardExpired: this.stats.forwardExpired + expired.length }
      const batch = this.forwardDeleteBatch(recipient, expired).put(this.s.relayStats, STATS_KEY, { ...stats })
      for (const k of keys) batch.del(this.s.relayExpiry, k)
      await this.store.write(batch)
      this.stats = stats
      this.forgetForward(recipient, expired)
      return expired.length
    })
  }

  getStats (): RelayStats & { mailboxes: number, forwardQueued: number, forwardBytes: number } {
    return { ...this.stats, mailboxes: this.mailboxes.size, forwardQueued: this.forwardCount, forwardBytes: this.forwardBytes }
  }

  private capabilitySet (owner: string): Set<string> {
    let set = this.capabilities.get(owner)
    if (set === undefined) {
      set = new Set()
      this.capabilities.set(owner, set)
    }
    return set
  }
}

/** Lowercase hex of bytes (ids, capability hashes). */
export { toHex }
