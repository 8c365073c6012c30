/**
 * Blocked peers (docs/messaging.md, "Blocking"). A peer ID is an address anyone can write to:
 * blocking one is how a user stops hearing from it. While a peer is blocked:
 * - what it sends is acknowledged and dropped unread, before any decryption, whether it comes
 *   directly or from one of our relays: nothing is stored or shown, no receipt goes back, and
 *   no prekey of ours is spent on it (its messages stay "sent" at its end, never "delivered");
 * - the deposit capability we gave it is revoked at our relays (the hash goes, and stays gone
 *   at every later registration), so our mailboxes refuse its ratchet messages (a relay that
 *   trusts the peer still takes them, as from any peer it trusts: they are dropped here);
 * - nothing goes to it: `send` and `resend` refuse, and the outbox drops what was queued for it
 *   (its texts fail with BLOCKED_REASON, receipts and other control messages go).
 *
 * The list is kept in the settings (`blocked:<peerId>`, the peer ID sealed like every settings
 * key's id) and in memory, where the receive path reads it without waiting on the store.
 */
import { capabilityHash } from '../relay/index.js'
import type { Clock } from '../runtime/clock.js'
import type { KeyedLocks } from '../runtime/keyed-locks.js'
import type { Store, StoreBatch } from '../store/index.js'
import type { BlockedView, BlocksApi } from './api-types.js'
import { SelfMessageError, PeerNotBlockedError } from './errors.js'
import type { MurmurEventEmitter } from './events.js'
import { fromHexId, hex } from './envelopes.js'
import { capabilityKey } from './outgoing.js'

export const BLOCKED_PREFIX = 'blocked:'
/** The first key after every `blocked:` key (';' follows ':'). */
const BLOCKED_PREFIX_END = 'blocked;'
export const blockedKey = (peerId: string): string => `${BLOCKED_PREFIX}${peerId}`

/**
 * Settings keys of capabilities revoked by a block: `capabilityRevoked:<SHA-256 hex>`. Each of
 * our relays is told to forget these hashes at every registration, so a relay that could not be
 * reached at the block forgets it later. Unblocking does not bring one back: the peer gets a new
 * capability with our next text to it.
 */
export const REVOKED_CAPABILITY_PREFIX = 'capabilityRevoked:'
const REVOKED_CAPABILITY_PREFIX_END = 'capabilityRevoked;'

/** The hashes of every capability a block revoked: our relays forget them at each registration. */
export async function revokedCapabilityHashes (store: Store): Promise<Uint8Array[]> {
  const revoked = await store.sublevels.settings.list({ gte: REVOKED_CAPABILITY_PREFIX, lt: REVOKED_CAPABILITY_PREFIX_END })
  return revoked.map(({ key }) => fromHexId(key.slice(REVOKED_CAPABILITY_PREFIX.length)))
}

/** Why a text queued for a peer failed when its recipient was blocked (its history entry's reason). */
export const BLOCKED_REASON = 'you blocked this peer'

// A type, not an interface: settings hold JSON values, which an interface is not assignable to.
export type BlockedRecord = {
  /** When the peer was blocked (ms since the epoch). */
  at: number
}

/** The blocked peers as the receive path and the delivery read them: in memory, at once. */
export interface BlockList {
  has: (peerId: string) => boolean
}

export class Blocks implements BlockList {
  private readonly store: Store
  private readonly locks: KeyedLocks
  /** Marks our capability unsent to the peer, in the batch and in memory (Outgoing.forgetCapabilitySent). */
  private readonly forgetCapabilitySent: (batch: StoreBatch, peerId: string) => void
  /** Adds an unblock's changes to its batch; returns what to do once it is durable (Incoming.unblocking). */
  private readonly unblocking: (batch: StoreBatch, peerId: string) => Promise<() => void>
  /** peer ID -> when it was blocked; undefined until read from the store. */
  private blocked: Map<string, number> | undefined
  private loading: Promise<Map<string, number>> | undefined

  constructor (store: Store, locks: KeyedLocks, forgetCapabilitySent: (batch: StoreBatch, peerId: string) => void, unblocking: (batch: StoreBatch, peerId: string) => Promise<() => void>) {
    this.store = store
    this.locks = locks
    this.forgetCapabilitySent = forgetCapabilitySent
    this.unblocking = unblocking
  }

  /** Reads the list from the store, once (start calls it before the node receives anything). */
  async load (): Promise<Map<string, number>> {
    if (this.blocked !== undefined) return this.blocked
    this.loading ??= (async () => {
      const blocked = new Map<string, number>()
      for (const { key, value } of await this.store.sublevels.settings.list({ gte: BLOCKED_PREFIX, lt: BLOCKED_PREFIX_END })) {
        const at = (value as Partial<BlockedRecord> | null)?.at
        blocked.set(key.slice(BLOCKED_PREFIX.length), typeof at === 'number' ? at : 0)
      }
      this.blocked = blocked
      return blocked
    })()
    return await this.loading
  }

  has (peerId: string): boolean {
    return this.blocked?.has(peerId) ?? false
  }

  /** The blocked peers and when each was blocked, earliest first. */
  async list (): Promise<Array<{ peerId: string, at: number }>> {
    return [...(await this.load())].map(([peerId, at]) => ({ peerId, at })).sort((a, b) => a.at - b.at || a.peerId.localeCompare(b.peerId))
  }

  /**
   * Blocks `peerId` (again: keeps the first time). Under the peer's lock, in one synced batch: the
   * mark, and our capability for the peer revoked. Returns when it was blocked, whether by this
   * call (`added`), and the hash of the capability revoked now, if any (the caller tells our relays).
   */
  async add (peerId: string, now: number): Promise<{ at: number, added: boolean, revoked?: Uint8Array }> {
    const blocked = await this.load()
    return await this.locks.run(peerId, async () => {
      const already = blocked.get(peerId)
      if (already !== undefined) return { at: already, added: false }
      const { settings } = this.store.sublevels
      const batch = this.store.batch()
      batch.put(settings, blockedKey(peerId), { at: now } satisfies BlockedRecord)
      const revoked = await this.revokeCapability(batch, peerId, now)
      await this.store.write(batch, { sync: true })
      // Only once durable: a block that failed to write blocks nothing.
      blocked.set(peerId, now)
      return { at: now, added: true, ...(revoked !== undefined ? { revoked } : {}) }
    })
  }

  /** Unblocks `peerId`; returns when it had been blocked, or undefined when it was not. */
  async remove (peerId: string): Promise<number | undefined> {
    const blocked = await this.load()
    return await this.locks.run(peerId, async () => {
      const at = blocked.get(peerId)
      if (at === undefined) return undefined
      const batch = this.store.batch()
      batch.del(this.store.sublevels.settings, blockedKey(peerId))
      const durable = await this.unblocking(batch, peerId)
      await this.store.write(batch, { sync: true })
      durable()
      blocked.delete(peerId)
      return at
    })
  }

  /**
   * Our capability for `peerId` goes, into the revoked list, and is marked unsent: a text to
   * the peer after an unblock carries a new one (outgoing.ts, addCapabilityIfUnsent).
   */
  private async revokeCapability (batch: StoreBatch, peerId: string, now: number): Promise<Uint8Array | undefined> {
    const { settings } = this.store.sublevels
    this.forgetCapabilitySent(batch, peerId)
    const secret = await settings.get(capabilityKey(peerId))
    if (typeof secret !== 'string') return undefined
    const hash = capabilityHash(fromHexId(secret))
    batch.del(settings, capabilityKey(peerId))
    batch.put(settings, `${REVOKED_CAPABILITY_PREFIX}${hex(hash)}`, { at: now })
    return hash
  }
}

/** What the blocking API works with (Murmur wires it: murmur.ts). */
export interface BlocksApiParts {
  readonly blocks: Blocks
  readonly ownPeerId: string
  /** A contact's name or a peer ID, resolved (ContactBook.resolve). */
  readonly resolve: (peer: string) => Promise<{ peerId: string, contact?: { name: string } }>
  /** The contact's name of a peer ID, if it is one. */
  readonly contactName: (peerId: string) => Promise<string | undefined>
  readonly events: MurmurEventEmitter
  readonly clock: Clock
  /**
   * Has the delivery drop what waits for a peer just blocked (Delivery.kick: its rounds drop a
   * blocked peer's outbox). Not awaited: a round that is on its way to a dead address ends first.
   */
  readonly dropQueued: (peerId: string) => void
  /** Tells our relays to forget a revoked capability's hash now (a relay not reached forgets it at its next registration); never rejects. */
  readonly revokeAtRelays: (hash: Uint8Array) => Promise<void>
}

/** `murmur block`, `unblock` and `blocked` (docs/api.md): the library API over the list. */
export function createBlocksApi (parts: BlocksApiParts): BlocksApi {
  const { blocks, events } = parts
  const viewOf = (peerId: string, at: number, contact: string | undefined): BlockedView =>
    ({ peerId, ...(contact !== undefined ? { contact } : {}), blockedAt: at })
  return {
    add: async (peer) => {
      const { peerId, contact } = await parts.resolve(peer)
      if (peerId === parts.ownPeerId) throw new SelfMessageError('that is your own peer ID: you cannot block yourself')
      const { at, added, revoked } = await blocks.add(peerId, parts.clock.now())
      const view = viewOf(peerId, at, contact?.name)
      if (!added) return view
      parts.dropQueued(peerId)
      if (revoked !== undefined) await parts.revokeAtRelays(revoked)
      events.emit('blocks', { change: 'blocked', blocked: view })
      return view
    },
    list: async () => await Promise.all((await blocks.list()).map(async ({ peerId, at }) => viewOf(peerId, at, await parts.contactName(peerId)))),
    remove: async (peer) => {
      const { peerId, contact } = await parts.resolve(peer)
      const at = await blocks.remove(peerId)
      if (at === undefined) throw new PeerNotBlockedError()
      const view = viewOf(peerId, at, contact?.name)
      events.emit('blocks', { change: 'unblocked', blocked: view })
      return view
    }
  }
}
