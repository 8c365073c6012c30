/**
 * Depositing through relays (DESIGN.md "Relays", docs/relay.md "How the messenger uses it"):
 * when direct delivery fails, an envelope goes to every mailbox in the recipient's contact
 * record (with the capability it gave us, else through the first-contact door), else to our
 * own relays as forwarders; a first message to an offline contact takes a one-time prekey from
 * one of its mailboxes. As a forwarder, this node deposits what it holds for a recipient at
 * the recipient's mailboxes.
 */
import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { LRUCache } from 'lru-cache'
import { identityKeyFromPeerId } from '../../crypto/identity.js'
import { decodeBundle, verifyBundle } from '../../crypto/pqxdh/index.js'
import type { ContactRecordLookups } from '../../net/contact-record-lookups.js'
import type { MessengerContext } from '../context.js'
import { fromHexId } from '../envelopes.js'
import { peerCapabilityKey } from '../outgoing.js'
import { relayFailureReason } from '../relay-reasons.js'
import type { RelayDelivery } from '../types.js'
import type { OurMailboxes } from './our-mailboxes.js'
import { CALL_TIMEOUT_MS, learnAddresses, peerIdString, type RelayNode } from './shared.js'

const log = logger('murmur:messenger:relays')

/** A recipient's contact record is looked up at most this often (once it lists mailboxes). */
const RECORD_CACHE_MS = 60_000
/** ...and a record without mailboxes, or a failed lookup, at most this often. */
const RECORD_MISS_CACHE_MS = 5_000
/** Recipients whose mailbox lists are kept (the least recently used go first). */
const RECORD_CACHE_ENTRIES = 1024

interface RemoteMailbox { relay: string, addresses: string[] }

export class RelayDeposits {
  private readonly ctx: MessengerContext
  private readonly node: RelayNode
  private readonly ours: OurMailboxes
  private readonly lookups: ContactRecordLookups
  private readonly records = new LRUCache<string, { at: number, mailboxes: RemoteMailbox[] }>({ max: RECORD_CACHE_ENTRIES })
  /** One call to a relay (a deposit, a prekey), dial included, in ms (MurmurOptions.relayCallTimeoutMs). */
  private readonly callTimeoutMs: number

  constructor (ctx: MessengerContext, node: RelayNode, ours: OurMailboxes, lookups: ContactRecordLookups, callTimeoutMs = CALL_TIMEOUT_MS) {
    this.ctx = ctx
    this.node = node
    this.ours = ours
    this.lookups = lookups
    this.callTimeoutMs = callTimeoutMs
  }

  /** The mailboxes in `peerId`'s contact record, cached. */
  private async recipientMailboxes (peerId: string, signal: AbortSignal): Promise<RemoteMailbox[]> {
    const cached = this.records.get(peerId)
    // A record without mailboxes (or none found) is looked up again soon: the contact may have
    // just added its first relay, and its new record may not have spread yet.
    const ttl = cached != null && cached.mailboxes.length > 0 ? RECORD_CACHE_MS : RECORD_MISS_CACHE_MS
    if (cached != null && this.ctx.clock.now() - cached.at < ttl) return cached.mailboxes
    let mailboxes: RemoteMailbox[] = []
    try {
      const { record } = await this.lookups.resolve(peerIdFromString(peerId), { signal, timeoutMs: CALL_TIMEOUT_MS })
      mailboxes = record.mailboxes.map(m => ({
        relay: peerIdString(m.relayPeerId),
        addresses: m.addresses.map(a => multiaddr(a).toString())
      }))
    } catch (err) {
      log('no contact record for %s: %s', peerId, (err as Error).name)
    }
    this.records.set(peerId, { at: this.ctx.clock.now(), mailboxes })
    return mailboxes
  }

  /**
   * Deposits at every mailbox of the recipient (fan-out), else at our forwarders. Each relay's
   * answer goes to `onLine` as it comes; the promise resolves once every relay answered.
   */
  async deposit (peerId: string, envelope: Uint8Array, signal: AbortSignal, onLine?: (line: RelayDelivery) => void): Promise<RelayDelivery[]> {
    const node = this.node()
    const mailboxes = await this.recipientMailboxes(peerId, signal)
    const capability = await this.ctx.store.sublevels.settings.get(peerCapabilityKey(peerId))
    const targets = mailboxes.length > 0
      ? mailboxes
      : (await this.ours.list()).filter(r => r.registeredAt !== undefined).map(r => ({ relay: r.peerId, addresses: r.addresses }))
    // The capability opens the contacts door of the recipient's own mailboxes, not our forwarders.
    const door = typeof capability === 'string' && mailboxes.length > 0 ? fromHexId(capability) : undefined
    return await Promise.all(targets.filter(t => t.relay !== this.ctx.peerId).map(async (target): Promise<RelayDelivery> => {
      const line = await this.depositAt(node, target, envelope, signal, door)
      onLine?.(line)
      return line
    }))
  }

  /** One relay's deposit, as its line (never rejects). */
  private async depositAt (node: ReturnType<RelayNode>, target: RemoteMailbox, envelope: Uint8Array, signal: AbortSignal, capability: Uint8Array | undefined): Promise<RelayDelivery> {
    try {
      const peer = peerIdFromString(target.relay)
      await learnAddresses(node, peer, target.addresses)
      await node.services.mailbox.deposit(peer, envelope, {
        signal,
        timeout: this.callTimeoutMs,
        ...(capability !== undefined ? { capability } : {})
      })
      return { relay: target.relay, status: 'stored' }
    } catch (err) {
      return { relay: target.relay, status: 'refused', reason: relayFailureReason(err) }
    }
  }

  /** A one-time prekey bundle of an offline recipient, from one of its mailboxes. */
  async takePrekey (peerId: string, signal: AbortSignal): Promise<Uint8Array | undefined> {
    const node = this.node()
    for (const m of await this.recipientMailboxes(peerId, signal)) {
      try {
        const peer = peerIdFromString(m.relay)
        await learnAddresses(node, peer, m.addresses)
        const bytes = await node.services.mailbox.takePrekey(peer, peerIdFromString(peerId), { signal, timeout: this.callTimeoutMs })
        verifyBundle(this.ctx.provider, decodeBundle(bytes), identityKeyFromPeerId(peerId))
        return bytes
      } catch (err) {
        log('no prekey for %s at %s: %s', peerId, m.relay, (err as Error).name)
      }
    }
    return undefined
  }

  /**
   * Forwarding (relay side): deposits envelopes we hold for `recipient` at its mailboxes.
   * Without the capability the recipient gave the original sender, only PreKey envelopes get
   * in (first-contact door); the others stay queued here and are retried directly.
   */
  async forwardToMailboxes (recipient: string, envelopes: Uint8Array[], signal: AbortSignal): Promise<'delivered' | 'unreachable'> {
    const node = this.node()
    const mailboxes = (await this.recipientMailboxes(recipient, signal)).filter(m => m.relay !== this.ctx.peerId)
    if (mailboxes.length === 0) return 'unreachable'
    for (const envelope of envelopes) {
      const results = await Promise.allSettled(mailboxes.map(async m => {
        const peer = peerIdFromString(m.relay)
        await learnAddresses(node, peer, m.addresses)
        await node.services.mailbox.deposit(peer, envelope, { signal, timeout: this.callTimeoutMs })
      }))
      if (!results.some(r => r.status === 'fulfilled')) return 'unreachable'
    }
    return 'delivered'
  }
}
