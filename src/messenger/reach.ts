/**
 * Reaching a peer by its peer ID (DESIGN.md "Delivery": paths; docs/messaging.md "Reaching a
 * peer"): a connection already open; else the addresses the peer store knows; else those of
 * the peer's signed contact record and of a DHT peer lookup (both DHTs), whichever answers
 * first. Dials go by address, not by bare peer ID: libp2p joins dials to one peer into one job,
 * and a bare-ID dial that waits on a slow lookup would hold up the others.
 *
 * A dead path never delays a live one: when the known addresses have not connected within
 * KNOWN_ADDRESSES_HEAD_START_MS, the lookup starts beside their dial, and if it names addresses
 * the peer store did not have (the peer moved), that dial is given up for them.
 *
 * Failures are typed and say what happened, for the "why is it still queued" of `murmur status`:
 * PeerNotFoundError (no address anywhere), PeerUnreachableError (addresses, none answered).
 */
import { logger } from '@libp2p/logger'
import { LRUCache } from 'lru-cache'
import { setImmediate, setTimeout as delay } from 'node:timers/promises'
import { peerIdFromString } from '@libp2p/peer-id'
import { Circuit } from '@multiformats/multiaddr-matcher'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { multiaddr } from '@multiformats/multiaddr'
import type { ContactRecordLookups } from '../net/contact-record-lookups.js'
import { nodeAddressSorter } from '../net/address-order.js'
import { findPeerInDhts } from '../net/dht-peer-lookup.js'
import { PeerNotFoundError } from '../net/errors.js'
import { CONTACT_RECORD_REUSE } from '../net/limits.js'
import type { MurmurNode } from '../net/node.js'
import { addressKey, lackedBy, staleFirst } from './address-vouching.js'
import { KNOWN_ADDRESSES_HEAD_START_MS } from './constants.js'
import { PeerUnreachableError } from './errors.js'

const log = logger('murmur:messenger:reach')

/** Parsed peer IDs kept (a string parse costs ~16 us, and every envelope sent needs one). */
const MAX_PARSED_PEERS = 1024

/** A peer's addresses from a lookup; `reusedRecord`: from a contact record found earlier. */
interface Found { addresses: Multiaddr[], reusedRecord: boolean }

export class PeerReacher {
  private readonly node: () => MurmurNode
  /** The order the node dials a peer's addresses in, whichever dial of it (ours, a DHT query's) runs. */
  private readonly sortAddresses = nodeAddressSorter(() => this.node())
  private readonly lookups: ContactRecordLookups
  private readonly lookupTimeoutMs: number
  private readonly attempts = new Map<string, Promise<PeerId>>()
  private readonly parsed = new LRUCache<string, PeerId>({ max: MAX_PARSED_PEERS })
  /** Aborted by stop(): an attempt in progress ends then, not at its own timeout. */
  private readonly stopping = new AbortController()

  constructor (node: () => MurmurNode, lookups: ContactRecordLookups, lookupTimeoutMs: number) {
    this.node = node
    this.lookups = lookups
    this.lookupTimeoutMs = lookupTimeoutMs
  }

  /**
   * Makes sure a connection to `peerId` is open; returns its PeerId. One attempt per peer at a
   * time, bounded by its own timeout: a round of queued messages (up to 256) used to start one
   * each, all listening on the round's signal, and Node warned of a listener leak on it. Later
   * callers wait for the attempt in progress; `signal` is checked before and after.
   */
  async reach (peerId: string, signal: AbortSignal): Promise<PeerId> {
    const peer = this.parse(peerId)
    if (this.connected(peer)) return peer
    signal.throwIfAborted()
    let attempt = this.attempts.get(peerId)
    if (attempt === undefined) {
      attempt = this.attempt(peerId, peer, AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.lookupTimeoutMs)])).finally(() => { this.attempts.delete(peerId) })
      this.attempts.set(peerId, attempt)
    }
    const reached = await attempt
    signal.throwIfAborted()
    return reached
  }

  /**
   * Ends the attempts in progress. The node's stop waits for its delivery rounds, and a round
   * waits for its attempt: without this, a stop during a look-up of a peer that is nowhere to be
   * found took that look-up's whole timeout (10 s) longer.
   */
  stop (): void {
    this.stopping.abort()
  }

  /** The PeerId of a peer ID string, parsed once (InvalidParametersError if it is not one). */
  private parse (peerId: string): PeerId {
    let peer = this.parsed.get(peerId)
    if (peer === undefined) {
      peer = peerIdFromString(peerId)
      this.parsed.set(peerId, peer)
    }
    return peer
  }

  private async attempt (peerId: string, peer: PeerId, signal: AbortSignal): Promise<PeerId> {
    const node = this.node()
    const tried = new Set<string>()
    const known = await this.knownAddresses(peer)
    let looking: Promise<Found> | undefined
    if (known.length > 0) {
      const outcome = await this.dialKnown(peer, known, tried, signal)
      if (outcome.connected) return peer
      looking = outcome.looking
    }
    signal.throwIfAborted()
    const { addresses: found, reusedRecord } = await (looking ?? this.lookup(peer, signal)).catch((err: Error) => {
      // The attempt's own time ran out while looking: say so as "not found".
      if (signal.aborted) throw new PeerNotFoundError(`${short(peerId)} was not found in time`)
      // Addresses we knew did not answer, and no look-up gave others: that is what the user is told.
      if (tried.size > 0) throw unreachable(peerId, tried)
      throw err
    })
    if (this.connected(peer)) return peer
    const fresh = found.filter(a => !tried.has(a.toString()))
    if (fresh.length > 0 && await this.dial(peer, fresh, tried, signal)) return peer
    // The addresses of a record found earlier (by this send's other path) did not answer: the
    // next caller asks the DHTs (its owner may have published new ones, a relay address).
    if (reusedRecord) this.lookups.forget(peer)
    signal.throwIfAborted()
    if (node.getConnections(peer).length > 0) return peer
    throw unreachable(peerId, tried)
  }

  private connected (peer: PeerId): boolean {
    return this.node().getConnections(peer).some(c => c.status === 'open')
  }

  private dialOrder (addresses: Multiaddr[]): Multiaddr[] {
    return addresses.map(multiaddr => ({ multiaddr, isCertified: false })).sort(this.sortAddresses).map(a => a.multiaddr)
  }

  private async knownAddresses (peer: PeerId): Promise<Multiaddr[]> {
    try {
      const known = await this.node().peerStore.get(peer)
      return known.addresses.map(a => a.multiaddr)
    } catch {
      return []
    }
  }

  /**
   * Dials the peer store's addresses. When they have not connected within
   * KNOWN_ADDRESSES_HEAD_START_MS, looks the peer up beside them (`looking`, for the caller to
   * use once they fail). When the peer's own record shows that the dial under way tries stale
   * addresses before live ones, that dial is given up and the record's addresses are dialled at
   * once: libp2p dials a peer's addresses one after another, each with its own timeout, and
   * would add new ones to the dial in progress, after its stale ones.
   */
  private async dialKnown (peer: PeerId, known: Multiaddr[], tried: Set<string>, signal: AbortSignal): Promise<{ connected: boolean, looking?: Promise<Found> }> {
    const givenUp = new AbortController()
    const dialing = this.dial(peer, known, tried, signal, givenUp.signal)
    const headStart = new AbortController()
    const first = await Promise.race([
      dialing.then(connected => ({ connected })),
      delay(KNOWN_ADDRESSES_HEAD_START_MS, undefined, { signal: AbortSignal.any([signal, headStart.signal]) }).then(() => undefined, () => undefined)
    ])
    headStart.abort()
    if (first !== undefined) return first
    signal.throwIfAborted()
    // Ended once the known addresses connect: the caller needs no addresses then.
    const lookupDone = new AbortController()
    const lookupSignal = AbortSignal.any([signal, lookupDone.signal])
    const looking = this.lookup(peer, lookupSignal)
    // The caller takes its outcome once the known dial ended; a miss may come before that.
    looking.catch(() => {})
    // Only the peer's own record says which addresses are still its own: a DHT peer lookup
    // answers from other peers' stores, which may hold the same stale ones. It shares the
    // record lookup `looking` makes.
    const vouching = this.recordLookup(peer, lookupSignal)
    const next = await Promise.race([
      dialing.then(connected => ({ connected })),
      vouching.then(found => ({ found }), () => ({ found: undefined }))
    ])
    if ('connected' in next) {
      if (next.connected) lookupDone.abort()
      return { connected: next.connected, looking }
    }
    const current = next.found?.addresses ?? []
    const unvouched = lackedBy(peer, known, current)
    if (!staleFirst(peer, this.dialOrder(known), current)) return { connected: await dialing, looking }
    log('%p: its record vouches for %d of %d known addresses; dialling its own first', peer, known.length - unvouched.length, known.length)
    givenUp.abort()
    if (await dialing) return { connected: true, looking }
    // libp2p drops the given-up dial from its queue once that job settles, a few promise turns
    // after the abort: a dial asked before then would join it, and fail with it.
    await setImmediate()
    if (await this.dialApart(peer, current, tried, signal)) return { connected: true, looking }
    const relayed = current.filter(a => Circuit.matches(a))
    if (relayed.length > 0 && await this.dial(peer, relayed, tried, signal)) return { connected: true, looking }
    // A record older than what the peer store learned since (from identify) vouches for too
    // little: the addresses it lacks are tried last, not dropped.
    return { connected: unvouched.length > 0 && await this.dial(peer, unvouched, tried, signal), looking }
  }

  /**
   * Dials the direct (not relayed) ones of `addresses` by address alone, apart from any dial of
   * the peer under way. A given-up dial lives on when others joined it: kad-dht dials each peer
   * it queries, and a lookup of this peer's record queries the peer itself when it is in the
   * routing table. A dial by peer ID would join that one again, behind its stale addresses.
   * The connection counts only if the peer at the address is this peer (Noise proves who it is).
   */
  private async dialApart (peer: PeerId, addresses: Multiaddr[], tried: Set<string>, signal: AbortSignal): Promise<boolean> {
    const direct = addresses.filter(a => !Circuit.matches(a))
    if (direct.length === 0) return false
    for (const a of direct) tried.add(a.toString())
    try {
      const connection = await this.node().dial(direct.map(a => multiaddr(addressKey(a, peer))), { signal })
      if (connection.remotePeer.equals(peer)) return true
      log('a record address of %p led to another peer, %p', peer, connection.remotePeer)
      return false
    } catch (err) {
      signal.throwIfAborted()
      log('dial of %p failed - %s', peer, (err as Error).message)
      return false
    }
  }

  /**
   * Dials `addresses` (libp2p orders them: see src/net/address-order.ts); false when none
   * answered, or when `givenUp` aborted the dial.
   */
  private async dial (peer: PeerId, addresses: Multiaddr[], tried: Set<string>, signal: AbortSignal, givenUp?: AbortSignal): Promise<boolean> {
    for (const a of addresses) tried.add(a.toString())
    const withId = addresses.map(a => a.toString().includes(`/p2p/${peer.toString()}`) ? a : a.encapsulate(`/p2p/${peer.toString()}`))
    try {
      await this.node().dial(withId, { signal: givenUp === undefined ? signal : AbortSignal.any([signal, givenUp]) })
      return true
    } catch (err) {
      signal.throwIfAborted()
      log('dial of %p failed - %s', peer, (err as Error).message)
      return false
    }
  }

  /** The addresses of the peer's contact record (a lookup in flight for it is shared). */
  private async recordLookup (peer: PeerId, signal: AbortSignal): Promise<Found> {
    // Addresses age faster than a bundle or a mailbox list: a record is reused for dialling
    // only within one send's steps (CONTACT_RECORD_REUSE.dialMs); a retry asks the DHTs.
    const { resolved, reused } = await this.lookups.lookup(peer, { signal, timeoutMs: this.lookupTimeoutMs, maxAgeMs: CONTACT_RECORD_REUSE.dialMs })
    return { addresses: resolved.record.addresses.map(a => multiaddr(a)), reusedRecord: reused }
  }

  /**
   * The peer's addresses from its contact record or a DHT peer lookup, whichever has some
   * first. Throws PeerNotFoundError when neither does within the lookup timeout.
   */
  async lookup (peer: PeerId, signal: AbortSignal): Promise<Found> {
    const node = this.node()
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(this.lookupTimeoutMs)])
    const done = new AbortController()
    const both = AbortSignal.any([bounded, done.signal])
    const fromRecord = this.recordLookup(peer, both)
    const fromDht = (async () => {
      // Of the network, not this node's peer store (src/net/dht-peer-lookup.ts says why).
      return { addresses: await findPeerInDhts(node, peer, both), reusedRecord: false }
    })()
    try {
      return await Promise.any([fromRecord, fromDht].map(async p => {
        const found = await p
        if (found.addresses.length === 0) throw new PeerNotFoundError()
        return found
      }))
    } catch {
      signal.throwIfAborted()
      throw new PeerNotFoundError(`${short(peer.toString())} was not found: no contact record or DHT entry answered`)
    } finally {
      done.abort()
      fromRecord.catch(() => {})
      fromDht.catch(() => {})
    }
  }
}

function unreachable (peerId: string, tried: Set<string>): PeerUnreachableError {
  return new PeerUnreachableError(`no address of ${short(peerId)} answered (${describe([...tried])})`)
}

function short (peerId: string): string {
  return `…${peerId.slice(-8)}`
}

/** "2 direct, 1 relayed" for a list of tried addresses. */
function describe (addresses: string[]): string {
  if (addresses.length === 0) return 'none known'
  const relayed = addresses.filter(a => Circuit.matches(multiaddr(a))).length
  const direct = addresses.length - relayed
  return [direct > 0 ? `${direct} direct` : '', relayed > 0 ? `${relayed} relayed` : ''].filter(Boolean).join(', ')
}
