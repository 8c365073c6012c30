/**
 * One contact-record look-up per peer at a time (docs/network.md "Contact-record look-ups").
 * A first message to a contact that does not answer asks for the same record up to three times
 * within a second or two: the direct path for the peer's addresses, the mailbox path for its
 * mailboxes, and the bundle fallback for the bundle in it. Each was a DHT query of its own,
 * taking up to the whole look-up budget when the record was not there yet. Here the callers
 * share one: a caller joins the look-up in flight for that peer, and a record found a moment
 * ago is reused. A miss is not remembered: the record may be published any moment, and behind
 * real NATs a send whose bundle fallback reused the miss of its direct path failed at once where
 * a look-up of its own found the record published meanwhile. A look-up runs to its end within
 * its budget even when every caller has left.
 */
import { logger } from '@libp2p/logger'
import type { PeerId } from '@libp2p/interface'
import { LRUCache } from 'lru-cache'
import { raceSignal } from 'race-signal'
import type { CryptoProvider } from '../crypto/provider.js'
import { resolveContactRecord, type ResolvedContactRecord } from './contact-records.js'
import type { DhtNode } from './lookup-passes.js'
import { CONTACT_RECORD_REUSE } from './limits.js'

const log = logger('murmur:net:contact-record-lookups')

export interface SharedLookupOptions {
  signal: AbortSignal
  /** Bound on a look-up this call starts, in ms (a call that joins one keeps its own signal). */
  timeoutMs: number
  /** Ask the DHTs even when a record found a moment ago is at hand (a look-up in flight is still joined). */
  fresh?: boolean
  /** Reuse a record found at most this long ago, in ms (default: as long as one is kept). */
  maxAgeMs?: number
}

interface Found { resolved: ResolvedContactRecord, at: number }

export class ContactRecordLookups {
  private readonly node: () => DhtNode
  private readonly provider: CryptoProvider
  private readonly inFlight = new Map<string, Promise<ResolvedContactRecord>>()
  private readonly recent: LRUCache<string, Found>
  private started = 0

  constructor (node: () => DhtNode, provider: CryptoProvider) {
    this.node = node
    this.provider = provider
    this.recent = new LRUCache({ max: CONTACT_RECORD_REUSE.maxEntries, ttl: CONTACT_RECORD_REUSE.foundMs })
  }

  /** DHT look-ups started since this node started (`murmur status`: dht.recordLookups). */
  get lookups (): number {
    return this.started
  }

  /**
   * `peer`'s best contact record: reused, joined, or looked up. Throws
   * ContactRecordNotFoundError as resolveContactRecord does, or the signal's reason.
   */
  async resolve (peer: PeerId, options: SharedLookupOptions): Promise<ResolvedContactRecord> {
    return (await this.lookup(peer, options)).resolved
  }

  /** `resolve`, also saying whether the record is one found before this call (reused). */
  async lookup (peer: PeerId, options: SharedLookupOptions): Promise<{ resolved: ResolvedContactRecord, reused: boolean }> {
    options.signal.throwIfAborted()
    const id = peer.toString()
    const known = options.fresh === true ? undefined : this.recent.get(id)
    if (known !== undefined && Date.now() - known.at <= (options.maxAgeMs ?? Infinity)) return { resolved: known.resolved, reused: true }
    const shared = this.inFlight.get(id) ?? this.begin(peer, options.timeoutMs)
    return { resolved: await raceSignal(shared, options.signal), reused: false }
  }

  /**
   * Forgets `peer`'s record: none of its addresses answered, and its owner may have published
   * new ones since (a relay address once it has a reservation), so the next call asks the DHTs.
   */
  forget (peer: PeerId): void {
    this.recent.delete(peer.toString())
  }

  private begin (peer: PeerId, timeoutMs: number): Promise<ResolvedContactRecord> {
    const id = peer.toString()
    this.started++
    log('looking up the contact record of %p', peer)
    // Under its own budget, not a caller's signal: a caller that leaves (the direct path when
    // a DHT peer lookup answered first) does not end it, so the next path finds its outcome.
    const promise = resolveContactRecord(this.node(), peer, { timeoutMs, provider: this.provider })
    this.inFlight.set(id, promise)
    // Registered before any caller awaits the promise, so a caller that comes back finds the
    // record already remembered. A miss is not: the next caller asks the DHTs again.
    const settle = (found?: ResolvedContactRecord): void => {
      if (this.inFlight.get(id) === promise) this.inFlight.delete(id)
      if (found !== undefined) this.recent.set(id, { resolved: found, at: Date.now() })
    }
    promise.then(settle, () => { settle() })
    return promise
  }
}
