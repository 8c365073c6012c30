/**
 * What the parts of the relay's durable state share (docs/relay.md, "Storage"): the node's
 * store and the relay's sublevels, the quotas and TTLs, the clock, and one mutex per mailbox
 * and per forward-queue recipient.
 *
 * Every change is ONE atomic, synced batch, so a restart loses nothing (DESIGN.md "Relays").
 * Small state (trust, mailbox records with their counters, capability hashes, prekey counts,
 * forward-queue totals) is loaded at open and kept in memory, authoritative, and rewritten
 * into every batch that changes it. Envelope bytes stay on disk.
 */
import type { RelaySublevels } from '../../store/layout.js'
import type { Store } from '../../store/store.js'
import type { TypedSublevel } from '../../store/sublevel.js'
import {
  DEFAULT_TTL_MS, FIRST_CONTACT_MAX_BYTES, FIRST_CONTACT_MAX_COUNT, FORWARD_MAX_BYTES, FORWARD_MAX_COUNT,
  MAILBOX_MAX_BYTES, MAILBOX_MAX_COUNT, MAX_CAPABILITIES, MAX_PREKEYS_HELD, MAX_TTL_MS
} from '../constants.js'
import type { KeyedLocks } from '../../runtime/keyed-locks.js'

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

export interface RelayStoreContext {
  store: Store
  s: RelaySublevels
  limits: Readonly<RelayLimits>
  now: () => number
  /** Keys: mailboxLock(owner) (mailbox, its capabilities and prekeys), forwardLock(recipient). */
  mutex: KeyedLocks
}

export const mailboxLock = (owner: string): string => `m:${owner}`
export const forwardLock = (recipient: string): string => `f:${recipient}`

/** Deposits whose batch is queued but not yet durable, by queue and id: a repeat waits for it. */
export type PendingWrites = Map<string, Promise<void>>

/**
 * Whether each of `keys` is stored in `sublevel` (an envelope id index, or the envelope records),
 * read synchronously with LevelDB's getSync: ~2 us per key from its memtable and cache, where an
 * asynchronous read is a thread-pool round trip of 0.1-1.5 ms on a loaded machine, taken under
 * the queue's lock on every deposit (the relay benchmark). Recent entries are in memory; an
 * older one may cost a disk read on the event loop, which is the trade.
 *
 * The key alone answers every caller (a deposit's id already stored is a duplicate; a held
 * envelope's record still stored was not deleted), so the values are not opened: nothing read
 * here is used, so there is nothing to authenticate, and an encrypted store pays no AEAD open
 * per key (docs/store.md, "Cost").
 */
export function storedSync<K, V> (sublevel: TypedSublevel<K, V>, keys: K[]): boolean[] {
  return keys.map((key) => sublevel.raw.getSync(sublevel.keyCodec.encode(key)) !== undefined)
}
