/**
 * Using our mailboxes (DESIGN.md "Relays", docs/relay.md "How the messenger uses it"): the
 * relays we keep (settings `relays`), registered, listed in our contact record, stocked with
 * one-time prekey bundles, told the hashes of the capabilities we gave our contacts, and
 * subscribed to while we run (a subscription pushes what is held, then new deposits; each push
 * is acked once its envelopes are durable here). What relays hand us - pushes, and deliveries
 * by a forwarder - goes the same receive path as direct delivery.
 */
import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { encodeBundle } from '../../crypto/pqxdh/index.js'
import { capabilityHash } from '../../relay/index.js'
import type { FetchedEnvelope } from '../../relay/client.js'
import type { Store } from '../../store/index.js'
import { parseEnvelope, type ParsedEnvelope } from '../../wire/strict/envelope.js'
import type { RelayView } from '../api-types.js'
import { validatePeerId } from '../contacts.js'
import type { MessengerContext } from '../context.js'
import { fromHexId } from '../envelopes.js'
import { InvalidRelayError, PeerUnreachableError, RelayNotFoundError } from '../errors.js'
import type { Incoming } from '../incoming.js'
import { revokedCapabilityHashes } from '../blocks.js'
import { capabilityKey } from '../outgoing.js'
import type { PrekeyManager } from '../prekeys.js'
import { backoffDelay, type BackoffPolicy } from '../../runtime/backoff.js'
import { KeyedLocks } from '../../runtime/keyed-locks.js'
import { CALL_TIMEOUT_MS, learnAddresses, peerIdString, type RelayNode } from './shared.js'
import type { PeerId } from '@libp2p/interface'

const log = logger('murmur:messenger:relays')

/** Settings key: our relays, a list of RelayRecord. */
export const RELAYS_KEY = 'relays'
const FIRST_CONTACT_KEY = 'firstContactOpen'
/** One-time prekey bundles kept at each relay, topped up below PREKEYS_LOW. */
const PREKEYS_AT_RELAY = 20
const PREKEYS_LOW = 10
/**
 * How long a block waits for each relay to forget the blocked peer's capability (ms): the
 * block's answer waits for it, so that it means "refused at your relays" where they answer.
 */
const REVOKE_TIMEOUT_MS = 3_000
/** How often each relay is looked after (registration, prekeys, subscription health). */
const MAINTAIN_MS = 60_000
/** Subscription retry backoff (runtime/backoff.ts: doubling, capped, with jitter). */
const SUBSCRIBE_RETRY_MIN_MS = 1_000
const SUBSCRIBE_BACKOFF: BackoffPolicy = { initialMs: SUBSCRIBE_RETRY_MIN_MS, maxMs: 60_000 }

/**
 * Our relays as a restore writes them (docs/store.md, "Backup files"): not knowing what
 * bundles the relays hold. The old store may have stocked them after the backup, with prekeys
 * the backup lacks; a first message from such a bundle would not decrypt. So each relay's
 * bundles are replaced at its first registration (stockPrekeys), as after our own rotation.
 */
export function restoredRelayRecords (records: readonly RelayRecord[]): RelayRecord[] {
  return records.map(({ prekeysSignedId: _signed, prekeysLastResortId: _lastResort, ...record }) => record)
}

export interface RelayRecord {
  peerId: string
  addresses: string[]
  addedAt: number
  registeredAt?: number
  /**
   * The signed and last-resort prekeys the bundles we stocked there name. Once ours are
   * replaced, the relay's bundles are replaced at the next registration (docs/messaging.md,
   * "Prekeys").
   */
  prekeysSignedId?: number
  prekeysLastResortId?: number
  error?: string
}

export class OurMailboxes {
  private readonly ctx: MessengerContext
  private readonly store: Store
  private readonly node: RelayNode
  private readonly prekeys: PrekeyManager
  private readonly incoming: Incoming
  private readonly onChange: () => void
  private readonly loops = new Map<string, AbortController>()
  /** Changes of the relays record, one at a time (change()). */
  private readonly changes = new KeyedLocks()
  private controller = new AbortController()

  /** `onChange`: our set of mailboxes changed (the contact record lists them). */
  constructor (ctx: MessengerContext, node: RelayNode, prekeys: PrekeyManager, incoming: Incoming, onChange: () => void) {
    this.ctx = ctx
    this.store = ctx.store
    this.node = node
    this.prekeys = prekeys
    this.incoming = incoming
    this.onChange = onChange
  }

  async start (): Promise<void> {
    this.controller = new AbortController()
    // A forwarding relay hands us envelopes with a Deliver request: the same receive path.
    this.node().services.mailbox.setDeliveryHandler(async (_from, envelopes) => { await this.receive(envelopes) })
    for (const relay of await this.list()) this.watch(relay)
  }

  async stop (): Promise<void> {
    this.controller.abort()
    for (const loop of this.loops.values()) loop.abort()
    this.loops.clear()
    this.node().services.mailbox.setDeliveryHandler(undefined)
  }

  async list (): Promise<RelayRecord[]> {
    const stored = await this.store.sublevels.settings.get(RELAYS_KEY)
    return Array.isArray(stored) ? stored as unknown as RelayRecord[] : []
  }

  /**
   * Changes the relays record: `change` gets the list as last saved and returns the new one (or
   * undefined: no change). One change at a time, each on the one before's result: the record
   * holds every relay, and two changes that read it together (two registrations ending at once,
   * a restock updating each relay) each saved its own copy, so one relay's change was lost.
   */
  private async change (change: (relays: RelayRecord[]) => RelayRecord[] | undefined): Promise<void> {
    await this.changes.run(RELAYS_KEY, async () => {
      const next = change(await this.list())
      if (next === undefined) return
      await this.store.commit(b => { b.put(this.store.sublevels.settings, RELAYS_KEY, next as never) }, { sync: true })
    })
  }

  private async update (peerId: string, change: Partial<RelayRecord>): Promise<void> {
    await this.change(relays => {
      const i = relays.findIndex(r => r.peerId === peerId)
      if (i < 0) return undefined
      const next = { ...relays[i], ...change }
      if (change.error === undefined && 'error' in change) delete next.error
      relays[i] = next
      return relays
    })
  }

  /** Registers a mailbox at `peerId` (which must trust us) and keeps it. */
  async add (peerId: string, addresses: string[] = []): Promise<RelayView> {
    validatePeerId(peerId)
    if (peerId === this.ctx.peerId) throw new InvalidRelayError('a node cannot be its own relay')
    const peer = peerIdFromString(peerId)
    await learnAddresses(this.node(), peer, addresses)
    // Refused (MailboxNotFoundError) when the relay does not trust us: nothing is saved.
    let stocked: Partial<RelayRecord>
    try {
      stocked = await this.register(peer)
    } catch (err) {
      const name = (err as Error).name
      if (name.startsWith('Mailbox') || name.startsWith('Relay') || name.endsWith('RefusedError')) throw err
      throw new PeerUnreachableError(`cannot reach the relay ${peerId}: ${(err as Error).message}`)
    }
    const now = this.ctx.clock.now()
    const record: RelayRecord = { peerId, addresses, addedAt: now, registeredAt: now, ...stocked }
    await this.change(relays => [...relays.filter(r => r.peerId !== peerId), record])
    this.watch(record)
    this.onChange()
    return await this.view(record, false)
  }

  async remove (peerId: string): Promise<RelayView> {
    let found: RelayRecord | undefined
    await this.change(relays => {
      found = relays.find(r => r.peerId === peerId)
      return found === undefined ? undefined : relays.filter(r => r.peerId !== peerId)
    })
    if (found === undefined) throw new RelayNotFoundError(`${peerId} is not one of your relays`)
    this.loops.get(peerId)?.abort()
    this.loops.delete(peerId)
    this.onChange()
    return await this.view(found, false)
  }

  /** Whether strangers may leave a first message at our mailboxes (open unless closed). */
  async firstContact (): Promise<{ open: boolean }> {
    return { open: (await this.store.sublevels.settings.get(FIRST_CONTACT_KEY)) !== false }
  }

  async setFirstContact (open: boolean): Promise<{ open: boolean }> {
    await this.store.commit(b => { b.put(this.store.sublevels.settings, FIRST_CONTACT_KEY, open) }, { sync: true })
    await Promise.allSettled((await this.list()).map(async r => {
      await this.node().services.mailbox.setFirstContact(peerIdFromString(r.peerId), open, { timeout: CALL_TIMEOUT_MS })
    }))
    return { open }
  }

  async views (withStatus: boolean): Promise<RelayView[]> {
    return await Promise.all((await this.list()).map(async r => await this.view(r, withStatus)))
  }

  private async view (record: RelayRecord, withStatus: boolean): Promise<RelayView> {
    const view: RelayView = {
      peerId: record.peerId,
      addresses: record.addresses,
      addedAt: record.addedAt,
      registered: record.registeredAt !== undefined && record.error === undefined,
      ...(record.error !== undefined ? { error: record.error } : {})
    }
    if (!withStatus) return view
    try {
      const status = await this.node().services.mailbox.status(peerIdFromString(record.peerId), { timeout: 3_000 })
      return { ...view, queued: status.count, bytes: status.bytes, maxCount: status.maxCount, maxBytes: status.maxBytes, prekeysRemaining: status.prekeysRemaining }
    } catch (err) {
      return { ...view, error: `status: ${(err as Error).message}` }
    }
  }

  /** The mailboxes to list in our contact record. */
  async mailboxes (): Promise<Array<{ relayPeerId: Uint8Array, addresses: Uint8Array[] }>> {
    return (await this.list()).filter(r => r.registeredAt !== undefined).map(r => ({
      relayPeerId: peerIdFromString(r.peerId).toMultihash().bytes,
      addresses: r.addresses.map(a => multiaddr(a).bytes)
    }))
  }

  /** Registers at the relay and stocks it; says what to record of its prekeys. */
  private async register (peer: PeerId): Promise<Partial<RelayRecord>> {
    const mailbox = this.node().services.mailbox
    const options = { timeout: CALL_TIMEOUT_MS, signal: this.controller.signal }
    await mailbox.register(peer, options)
    const open = await this.store.sublevels.settings.get(FIRST_CONTACT_KEY)
    if (open === false) await mailbox.setFirstContact(peer, false, options)
    const hashes: Uint8Array[] = []
    for (const { key, value } of await this.store.sublevels.settings.list()) {
      if (key.startsWith('capability:') && typeof value === 'string') hashes.push(capabilityHash(fromHexId(value)))
    }
    for (let i = 0; i < hashes.length; i += 256) await mailbox.addCapabilities(peer, hashes.slice(i, i + 256), options)
    // Every registration, not once: a relay that was not reached when a block revoked one learns it now.
    const revoked = await revokedCapabilityHashes(this.store)
    if (revoked.length > 0) await mailbox.removeCapabilities(peer, revoked, options)
    return await this.stockPrekeys(peer, options)
  }

  /**
   * Keeps bundles at the relay, all naming our current signed and last-resort prekeys. After
   * ours were replaced, the relay's are replaced in one request: it hands out the oldest first,
   * and one whose keys are gone starts no session. A relay that refuses the replacement (one that
   * predates it appends, and may then be over its quota) does not stop the registration: the
   * next one tries again.
   */
  private async stockPrekeys (peer: PeerId, options: { timeout: number, signal: AbortSignal }): Promise<Partial<RelayRecord>> {
    const mailbox = this.node().services.mailbox
    const bundle = await this.prekeys.publicBundle()
    const current = { prekeysSignedId: bundle.signedPreKey.id, prekeysLastResortId: bundle.lastResortKemPreKey.id }
    const record = (await this.list()).find(r => r.peerId === peer.toString())
    if (record?.prekeysSignedId !== current.prekeysSignedId || record.prekeysLastResortId !== current.prekeysLastResortId) {
      const bundles = (await this.prekeys.issueBundles(PREKEYS_AT_RELAY, this.ctx.clock.now())).map(b => encodeBundle(b))
      try {
        await mailbox.uploadPrekeys(peer, bundles, { ...options, replace: true })
        return current
      } catch (err) {
        log('relay %s: replacing prekeys: %s', peer, (err as Error).message)
        return {}
      }
    }
    const { remaining } = await mailbox.uploadPrekeys(peer, [], options).catch(() => ({ remaining: 0 }))
    if (remaining < PREKEYS_LOW) {
      const bundles = (await this.prekeys.issueBundles(PREKEYS_AT_RELAY - remaining, this.ctx.clock.now())).map(b => encodeBundle(b))
      await mailbox.uploadPrekeys(peer, bundles, options)
    }
    return current
  }

  /**
   * Our signed or last-resort prekey was replaced: every relay's bundles are replaced now. One
   * that cannot be reached gets its new bundles at its next registration.
   */
  async restockPrekeys (): Promise<void> {
    const options = { timeout: CALL_TIMEOUT_MS, signal: this.controller.signal }
    await Promise.allSettled((await this.list()).map(async (record) => {
      try {
        const stocked = await this.stockPrekeys(peerIdFromString(record.peerId), options)
        if (stocked.prekeysSignedId !== undefined) await this.update(record.peerId, stocked)
      } catch (err) {
        log('relay %s: restocking prekeys: %s', record.peerId, (err as Error).message)
      }
    }))
  }

  /** A new capability we gave `peerId`: every relay of ours learns its hash. */
  capabilityCreated (_peerId: string, secret: Uint8Array): void {
    const hash = capabilityHash(secret)
    void this.list().then(async relays => {
      await Promise.allSettled(relays.map(async r => {
        await this.node().services.mailbox.addCapabilities(peerIdFromString(r.peerId), [hash], { timeout: CALL_TIMEOUT_MS })
      }))
    })
  }

  /**
   * A block revoked the capability of this hash (blocks.ts): every relay of ours is told to
   * forget it, each within REVOKE_TIMEOUT_MS; one not reached forgets it at its next
   * registration (register). Resolves when each answered or timed out; never rejects.
   */
  async capabilityRevoked (hash: Uint8Array): Promise<void> {
    try {
      await Promise.allSettled((await this.list()).map(async r => {
        await this.node().services.mailbox.removeCapabilities(peerIdFromString(r.peerId), [hash], { timeout: REVOKE_TIMEOUT_MS, signal: this.controller.signal })
      }))
    } catch (err) {
      log('revoking a capability at our relays: %s', (err as Error).message)
    }
  }

  /** Keeps a relay: registration, prekeys, and a live subscription, retried with backoff. */
  private watch (record: RelayRecord): void {
    this.loops.get(record.peerId)?.abort()
    const loop = new AbortController()
    this.loops.set(record.peerId, loop)
    const signal = AbortSignal.any([loop.signal, this.controller.signal])
    const peer = peerIdFromString(record.peerId)
    void (async () => {
      /** Failures (or subscriptions ended at once) in a row. */
      let failures = 0
      let lastMaintained = 0
      await learnAddresses(this.node(), peer, record.addresses).catch(() => {})
      while (!signal.aborted) {
        try {
          if (this.ctx.clock.now() - lastMaintained > MAINTAIN_MS) {
            const stocked = await this.register(peer)
            lastMaintained = this.ctx.clock.now()
            await this.update(record.peerId, { registeredAt: lastMaintained, error: undefined, ...stocked })
          }
          const subscribedAt = this.ctx.clock.now()
          await this.node().services.mailbox.subscribe(peer, async (envelopes) => { await this.receive(envelopes) }, { signal })
          // The relay ended the subscription (it stopped, or the connection closed): resubscribe,
          // but not in a tight loop when it keeps ending at once.
          if (this.ctx.clock.now() - subscribedAt < SUBSCRIBE_RETRY_MIN_MS) {
            await this.ctx.clock.sleep(backoffDelay(++failures, SUBSCRIBE_BACKOFF), signal)
          } else {
            failures = 0
          }
        } catch (err) {
          if (signal.aborted) break
          log('relay %s: %s', record.peerId, (err as Error).message)
          await this.update(record.peerId, { error: (err as Error).message }).catch(() => {})
          lastMaintained = 0
          await this.ctx.clock.sleep(backoffDelay(++failures, SUBSCRIBE_BACKOFF), signal)
        }
      }
    })()
  }

  /**
   * Envelopes a relay pushed or delivered: decrypted and made durable by sender (the same path
   * as direct delivery); resolving acks them at the relay. Envelopes we cannot use are acked
   * too (they are dropped at the relay): a bad envelope must not block a mailbox.
   */
  private async receive (envelopes: Array<FetchedEnvelope | Uint8Array>): Promise<void> {
    const bySender = new Map<string, ParsedEnvelope[]>()
    for (const item of envelopes) {
      let envelope: ParsedEnvelope
      try {
        // The envelope's one decode on this path (strict, id length checked).
        envelope = parseEnvelope(item instanceof Uint8Array ? item : item.bytes)
        const recipient = peerIdString(envelope.recipient)
        if (recipient !== this.ctx.peerId) continue
        const sender = peerIdString(envelope.sender)
        bySender.set(sender, [...(bySender.get(sender) ?? []), envelope])
      } catch {
        continue
      }
    }
    await Promise.all([...bySender].map(async ([sender, list]) => { await this.incoming.receive(sender, list) }))
  }

  /** Our capability for a contact, if one exists (for tests and status). */
  async capabilityFor (peerId: string): Promise<Uint8Array | undefined> {
    const value = await this.store.sublevels.settings.get(capabilityKey(peerId))
    return typeof value === 'string' ? fromHexId(value) : undefined
  }
}
