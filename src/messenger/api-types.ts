/**
 * The typed library API of a running murmur node: what `createMurmur` returns. The CLI (for
 * offline commands) and the local control API (src/api) use only this.
 */
import type { ProviderName } from '../crypto/provider.js'
import type { Clock } from '../runtime/clock.js'
import type { BackupSummary } from './backup.js'
import type { MigrationStep } from './home-migration.js'
import type { PassphraseSource } from './unlock.js'
import type { MurmurEventEmitter } from './events.js'
import type { ContactView, ConversationView, MessageState, MessageView, SafetyNumberView } from './types.js'

export interface MurmurOptions {
  /** The home folder (identity key file, store, datastore, config). */
  home: string
  /** Crypto provider; 'node' (default) or 'noble'. */
  provider?: ProviderName
  /** Multiaddrs to listen on; default: config.json, else DEFAULT_LISTEN. */
  listen?: string[]
  /** Bootstrap multiaddrs; added to those in config.json. */
  bootstrap?: string[]
  /** mDNS discovery on the local network (default true). */
  mdns?: boolean
  /** Ask the router for a port mapping by UPnP (default true). */
  upnp?: boolean
  /** Serve as a circuit relay: for anyone while publicly reachable, for trusted peers always (default true). */
  relayService?: boolean
  /** How long an unsent message is retried before it expires (default 30 days). */
  messageTtlMs?: number
  /**
   * The clock of times to live, expiry and retry backoff, here and in the relay this node runs
   * (runtime/clock.ts); default the system's. Tests move theirs forward instead of sleeping.
   */
  clock?: Clock
  /**
   * How long one call to a relay (a deposit or a prekey, dial included) may take before that
   * relay counts as not answering, in ms (default 10 s, `murmur start --relay-timeout`). A relay
   * that hangs gets its own "refused" line; it never holds back the other relays' "stored" ones.
   */
  relayCallTimeoutMs?: number
  /**
   * How long one attempt may spend finding a peer (peer store, contact record, DHT) and, for a
   * first message, fetching its prekey bundle, in ms (default 10 s, RESOLVE_TIMEOUT_MS,
   * docs/messaging.md "Sending"); also the default of `lookup`. A node whose DHT has no peer
   * to ask waits this long before the attempt fails and the message waits for a retry.
   */
  resolveTimeoutMs?: number
  /** Create an identity when the home has none (default false: `murmur init` first). */
  createIdentity?: boolean
  /**
   * The home's passphrase (docs/store.md, "Encryption at rest"), or a function asked for it
   * only when needed: to open an encrypted home, and to create or migrate one that is to be
   * encrypted. Its bytes are wiped once the key is derived.
   */
  passphrase?: PassphraseSource
  /** Create (or migrate) the home without a passphrase, its store unencrypted: only when chosen. */
  noPassphrase?: boolean
  /** Progress of a migration of a home made by the first murmur, when one runs. */
  onMigrationStep?: (step: MigrationStep) => void
}

export interface IdView {
  peerId: string
  fingerprint: string
  name?: string
  /** Listen addresses, with the peer ID, when the node runs. */
  addresses: string[]
}

/** A peer this node relays for (`murmur trust`). */
export interface TrustView {
  peerId: string
  addedAt: number
}

/** A peer blocked here (`murmur block`). */
export interface BlockedView {
  peerId: string
  /** The contact's name, when the peer is a contact. */
  contact?: string
  /** When it was blocked (ms since the epoch). */
  blockedAt: number
}

/** A relay this node keeps a mailbox at (`murmur relays`). */
export interface RelayView {
  peerId: string
  addresses: string[]
  addedAt: number
  /** The mailbox is registered there (the relay trusts us). */
  registered: boolean
  /** Why the last registration or fetch failed, when it did. */
  error?: string
  /** From the relay's status, when reachable: envelopes waiting, bytes, quota, prekeys left. */
  queued?: number
  bytes?: number
  maxCount?: number
  maxBytes?: number
  prekeysRemaining?: number
}

/** How this node can be reached (src/net/reachability), relays named as the owner knows them. */
export interface ReachabilityStatus {
  /** public: a public address others dialled back; relayed: through relays only; lan: private addresses only; unreachable: none. */
  mode: 'public' | 'relayed' | 'lan' | 'unreachable'
  /** One line for people, e.g. "through relay carol". */
  detail: string
  publicAddresses: string[]
  relayAddresses: string[]
  /** Peer IDs of the relays holding a reservation for us, and their contact names where known. */
  relays: string[]
  relayNames: string[]
  privateAddresses: string[]
  /** When no relay holds a reservation for us: the last that refused or failed, and why. */
  reservationError?: { relay: string, reason: string }
}

/** One open connection. */
export interface ConnectionView {
  peerId: string
  contact?: string
  address: string
  /** direct, or through a relay (then `limited` says whether the relay caps it). */
  kind: 'direct' | 'relayed'
  limited: boolean
  direction: 'inbound' | 'outbound'
}

/** A message still waiting to leave, and why. */
export interface QueuedView {
  peerId: string
  contact?: string
  id: string
  state: MessageState
  /** Why it is still queued: the last attempt's outcome, in words. */
  reason?: string
  queuedAt: number
  nextAttemptAt: number
}

export interface StatusView {
  peerId: string
  /** How others can reach this node. */
  reachability: ReachabilityStatus
  /** Open connections, and the peers they go to. */
  connections: number
  peers: string[]
  connectionList: ConnectionView[]
  /** Peers in the DHT routing tables (LAN and WAN together). */
  dhtRoutingTableSize: number
  /** recordLookups: contact-record look-ups this node ran in the DHTs since start (callers share one per peer). */
  dht: { lan: number, wan: number, wanMode: 'server' | 'client', recordLookups: number }
  /** Our contact record in the DHTs: the last publish, and how many DHT peers took it. */
  record?: { sequence: string, publishedAt: number, peers: number }
  /** The bootstrap peers and whether they answer. */
  bootstrap: Array<{ peerId: string, address: string, connected: boolean, attempts: number, lastError?: string }>
  /** Problems found since start (a bootstrap peer that never answered, a bad address, ...). */
  warnings: string[]
  /**
   * Since when (ms since the epoch) the home's disk has been full: a write failed for want of
   * space and none has succeeded since. Nothing new is stored meanwhile: messages to us are not
   * acknowledged and wait at their senders and our relays. Absent while writes succeed.
   */
  diskFullSince?: number
  /** Messages waiting in the outbox (at most 50 listed), with why they wait. */
  queued: QueuedView[]
  /** Messages (and receipts) waiting in the outbox. */
  outbox: number
  listenAddresses: string[]
  /** False when the home was made without a passphrase: its store is not encrypted. */
  storeEncrypted: boolean
  /** One-time prekeys left to hand out. */
  oneTimePrekeys: number
  /** Our mailboxes at relays. */
  relays: RelayView[]
  /** What this node holds for others as a relay. */
  relaying: { trusted: number, mailboxes: number, forwardQueued: number }
}

/**
 * A contact record's prekey bundle (`murmur lookup`): the ids of its signed and last-resort
 * prekeys when it verifies under the peer's identity key, else why it does not.
 */
export type LookupBundleView = { valid: true, signedPreKeyId: number, lastResortPreKeyId: number } | { valid: false, error: string }

/** A peer's contact record as the DHTs hold it (`murmur lookup`): where it says it can be reached. */
export interface LookupView {
  peerId: string
  /** The contact's name, when the peer is a contact. */
  contact?: string
  /** The record's sequence number (the highest found wins), as a decimal string. */
  sequence: string
  /** When the peer signed the record (ms since the epoch, its clock). */
  createdAt: number
  /** The peer's own addresses, relayed (`/p2p-circuit`) ones included. */
  addresses: string[]
  /** Its mailboxes: relays that hold messages for it while it is offline. */
  mailboxes: Array<{ peerId: string, addresses: string[] }>
  /** The prekey bundle in the record: what a first message takes when no relay hands one out. */
  bundle: LookupBundleView
  /** How long the lookup took, in ms. */
  ms: number
}

export interface LookupOptions {
  signal?: AbortSignal
  /** Give up after this long (default 10 s): ContactRecordNotFoundError. */
  timeoutMs?: number
}

export interface SendOptions {
  signal?: AbortSignal
  /**
   * When send() answers: 'attempted' (the default) once the message is durable and its first
   * delivery attempt finished (at most 3 s), or 'queued' as soon as it is durable in the
   * outbox, with delivery started and not waited for (the local API's `send` without `wait`:
   * a command answers at once, the state follows in events and history).
   */
  returnWhen?: 'attempted' | 'queued'
  /**
   * An id the client chose for this text, stored with it: for CLIENT_ID_TTL_MS (10 minutes),
   * also across a restart, sentWithClientId(clientId) finds the text, so that a send asked again
   * after its answer was lost is not sent twice (the API's `send` does that check).
   */
  clientId?: string
}

export interface WaitOptions {
  /** Give up after this long and return the state reached (default 30 s). */
  timeoutMs?: number
  signal?: AbortSignal
}

export interface HistoryOptions {
  /** At most this many entries (1..1000, default 50), newest last. */
  limit?: number
  /** Only entries before this sequence number (paging backwards). */
  before?: number
}

export interface ContactsApi {
  add (name: string, peerId: string): Promise<ContactView>
  list (): Promise<ContactView[]>
  rename (contact: string, newName: string): Promise<ContactView>
  remove (contact: string): Promise<ContactView>
  /** The safety number shared with a contact (or any peer ID). */
  safetyNumber (contact: string): Promise<SafetyNumberView>
  /** Marks a contact verified (after comparing safety numbers), or unverified. */
  setVerified (contact: string, verified: boolean): Promise<SafetyNumberView>
}

export interface TrustApi {
  /** Relay for this peer: it may register a mailbox here and hand us envelopes to forward. */
  add (peerId: string): Promise<TrustView>
  list (): Promise<TrustView[]>
  remove (peerId: string): Promise<TrustView>
}

export interface BlocksApi {
  /**
   * Blocks a peer (a contact's name or a peer ID): what it sends is dropped unread, what was
   * queued for it fails, nothing more goes to it, and our relays forget its capability.
   * Blocking a blocked peer changes nothing.
   */
  add (peer: string): Promise<BlockedView>
  /** The blocked peers, earliest blocked first. */
  list (): Promise<BlockedView[]>
  /** Unblocks a peer; PeerNotBlockedError when it is not blocked. */
  remove (peer: string): Promise<BlockedView>
}

export interface RelaysApi {
  /** Keep a mailbox at this relay (it must trust us): registers, lists it in our contact record. */
  add (peerId: string, options?: { addresses?: string[] }): Promise<RelayView>
  list (): Promise<RelayView[]>
  remove (peerId: string): Promise<RelayView>
  /** Opens or closes the first-contact door of our mailboxes (strangers' first messages). */
  setFirstContact (open: boolean): Promise<{ open: boolean }>
  /** Whether the first-contact door is open (it is unless closed). */
  firstContact (): Promise<{ open: boolean }>
}

export interface BackupOptions {
  /** The backup's own passphrase (its own salt; it may differ from the home's). */
  passphrase: string | Uint8Array
  /** Include the history (default true). */
  history?: boolean
}

export interface Murmur {
  readonly peerId: string
  readonly events: MurmurEventEmitter
  readonly contacts: ContactsApi
  readonly trust: TrustApi
  readonly relays: RelaysApi
  readonly blocks: BlocksApi
  start (): Promise<void>
  /** Flushes pending writes, closes streams and the store. */
  stop (): Promise<void>
  id (): Promise<IdView>
  status (): Promise<StatusView>
  /** The peer's contact record from the DHTs (read-only: no dial); ContactRecordNotFoundError when there is none. */
  lookup (peer: string, options?: LookupOptions): Promise<LookupView>
  /** Encrypts, persists and transmits; resolves once the message is durable (see SendOptions.returnWhen). */
  send (to: string, text: string, options?: SendOptions): Promise<MessageView>
  /** The text a client's id named (SendOptions.clientId) within the last 10 minutes, also across a restart. */
  sentWithClientId (clientId: string): Promise<MessageView | undefined>
  /** Resends a failed or expired message under the current session (new encryption, same message id). */
  resend (to: string, messageId: string): Promise<MessageView>
  /** Cancels a queued message (marked failed, reason "cancelled"); MessageStateError once a relay or the recipient holds it. */
  cancel (to: string, messageId: string): Promise<MessageView>
  /** Resolves when the message reaches one of `states` or the timeout passes (then with its current state). */
  waitForState (to: string, messageId: string, states: MessageState[], options?: WaitOptions): Promise<MessageView>
  history (to: string, options?: HistoryOptions): Promise<MessageView[]>
  inbox (): Promise<ConversationView[]>
  /** Marks a conversation read and sends read receipts. */
  markRead (to: string): Promise<{ peerId: string, marked: number }>
  /** An encrypted backup file of this home (docs/store.md, "Backup files"), and what it holds. */
  backup (options: BackupOptions): Promise<{ file: Uint8Array, summary: BackupSummary }>
}
