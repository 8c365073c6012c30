/**
 * What the parts of a running messenger share: the store, the identity, the crypto provider,
 * the session cache and per-peer locks, the prekeys, the event emitter and the transport.
 */
import type { Identity } from '../crypto/identity.js'
import type { CryptoProvider } from '../crypto/provider.js'
import type { Store } from '../store/index.js'
import type { EnvelopeBytes } from '../wire/strict/envelope.js'
import type { BlockList } from './blocks.js'
import type { ContactBook } from './contacts.js'
import type { MurmurEventEmitter } from './events.js'
import type { KeyedLocks } from '../runtime/keyed-locks.js'
import type { Clock } from '../runtime/clock.js'
import type { PrekeyManager } from './prekeys.js'
import type { SessionCache } from './sessions.js'
import type { RelayDelivery } from './types.js'

/** The network as the messenger sees it: direct delivery and bundle fetching. */
export interface Transport {
  /** Delivers an envelope directly; resolves when the recipient acked it durably. */
  send (peerId: string, envelope: EnvelopeBytes, options: { signal: AbortSignal }): Promise<'ok' | 'duplicate'>
  /** The peer's prekey bundle bytes: fetched from it directly, else its DHT contact record. */
  fetchBundle (peerId: string, options: { signal: AbortSignal }): Promise<Uint8Array>
  /**
   * When direct delivery failed: deposits the envelope at every mailbox in the recipient's
   * contact record, else hands it to our trusted forwarders. One line per relay tried, each
   * also given to `onLine` as soon as that relay answered (a slow relay must not hold back
   * what a fast one already took).
   */
  depositViaRelays?: (peerId: string, envelope: Uint8Array, options: { signal: AbortSignal, onLine?: (line: RelayDelivery) => void }) => Promise<RelayDelivery[]>
}

export interface MessengerContext {
  store: Store
  provider: CryptoProvider
  identity: Identity
  peerId: string
  sessions: SessionCache
  locks: KeyedLocks
  prekeys: PrekeyManager
  contacts: ContactBook
  /** The peers blocked here: nothing is taken from them nor sent to them (blocks.ts). */
  blocks: BlockList
  events: MurmurEventEmitter
  transport: Transport
  messageTtlMs: number
  /** The clock of times to live, expiry and backoff (runtime/clock.ts). */
  clock: Clock
  /** A new deposit capability for `peerId` was stored: register its hash at our relays. */
  onCapability?: (peerId: string, secret: Uint8Array) => void
}
