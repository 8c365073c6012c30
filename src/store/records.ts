/**
 * The record types of the store, one per sublevel (docs/store.md, "Layout").
 *
 * Times are milliseconds since the Unix epoch. Byte fields are Uint8Array. Every record is
 * stored as JSON (bytes as base64), so fields added later as optional properties are read
 * back from old records as `undefined`, and unknown fields written by a newer minor version
 * survive a read-modify-write unchanged.
 */

/** Any value JSON can carry: the type of settings values. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

/** Profile data of this node. The identity key itself lives in a key file outside the store. */
export interface IdentityProfile {
  displayName?: string
  createdAt: number
}

/** A signed X25519 prekey (PQXDH: SPK_B) with Bob's Ed25519 signature over its encoding. */
export interface SignedPrekeyRecord {
  id: number
  publicKey: Uint8Array
  privateKey: Uint8Array
  signature: Uint8Array
  createdAt: number
}

/** A signed last-resort ML-KEM-768 prekey (PQXDH: PQSPK_B); privateKey is the decapsulation key. */
export interface LastResortKemPrekeyRecord {
  id: number
  publicKey: Uint8Array
  privateKey: Uint8Array
  signature: Uint8Array
  createdAt: number
}

/** A one-time X25519 prekey (PQXDH: OPK_B); deleted once the first message of its session decrypts. */
export interface OneTimePrekeyRecord {
  id: number
  publicKey: Uint8Array
  privateKey: Uint8Array
  createdAt: number
}

/** A signed one-time ML-KEM-768 prekey (PQXDH: PQOPK_B). */
export interface OneTimeKemPrekeyRecord {
  id: number
  publicKey: Uint8Array
  privateKey: Uint8Array
  signature: Uint8Array
  createdAt: number
}

/**
 * The key of a LastResortBaseKeyRecord: the PQXDH spec ("Receiving the initial message", replay) has Bob reject a second initial
 * message that uses the same last-resort KEM prekey, signed prekey and base key.
 */
export interface LastResortBaseKeyId {
  kemPrekeyId: number
  signedPrekeyId: number
  baseKey: Uint8Array
}

export interface LastResortBaseKeyRecord extends LastResortBaseKeyId {
  usedAt: number
}

export interface ContactRecord {
  peerId: string
  /** A local label; never logged. */
  name: string
  verified: boolean
  addedAt: number
  verifiedAt?: number
  updatedAt?: number
}

export type HistoryDirection = 'in' | 'out' | 'event'

/** Delivery states of DESIGN.md "Delivery", plus the receiving side's `received`. */
export type HistoryState = 'queued' | 'sent' | 'stored' | 'delivered' | 'read' | 'expired' | 'failed' | 'received'

export interface HistoryRecord {
  peerId: string
  /** Per-conversation sequence number, from Store.allocateSeq(). */
  seq: number
  /** Message id, unique within the conversation. */
  id: string
  direction: HistoryDirection
  text: string
  sentAt: number
  receivedAt?: number
  state: HistoryState
  /** Why the state is what it is (an expiry, a failure), for display. */
  reason?: string
  /** The relay holding the message when state is `stored`. */
  relay?: string
  /** Outgoing texts: the message's number among our texts to this peer (from 1), for gap detection. */
  outNumber?: number
  /** Per relay: who holds the message (stored) or refused it, while the recipient is offline. */
  relays?: Array<{ relay: string, status: 'stored' | 'refused', reason?: string }>
  updatedAt?: number
}

/**
 * Per-conversation summary. Maintained by the store's writer only (StoreBatch.appendHistory
 * and markRead), never put directly, so that concurrent writers cannot lose an update.
 */
export interface ConversationRecord {
  peerId: string
  /** Highest sequence number written to this conversation's history. */
  lastSeq: number
  /** Incoming entries with seq > readSeq. */
  unread: number
  readSeq: number
  lastMessageAt: number
}

export interface OutboxRecord {
  messageId: string
  peerId: string
  /** The sequence number of the message's history entry: the outbox order per conversation. */
  seq: number
  /** The exact envelope bytes; a retry sends these again, never a new encryption. */
  envelope: Uint8Array
  attempts: number
  nextAttemptAt: number
  expiresAt: number
  /** When relays took the envelope (direct delivery is then retried only rarely). */
  storedAt?: number
}

export interface SeenRecord {
  firstSeenAt: number
}

/**
 * A history entry's delivery state, stored beside the entry (sublevel `historyState`, same key)
 * when only the state changes, and read over it: its `state`, `updatedAt` and `reason` (absent:
 * none) replace the entry's (docs/store.md, "History states").
 */
export interface HistoryStateRecord {
  state: HistoryState
  updatedAt: number
  reason?: string
}

/** Where a history entry lives, found by message id. */
export interface MessageLocation {
  seq: number
}

// ---- Relay (src/relay, docs/relay.md "Storage") ----

/** A peer this node relays for (sublevel `trust`, keyed by peer ID). */
export interface TrustRecord {
  addedAt: number
}

/**
 * A mailbox held for `owner` (sublevel `relayMailboxes`). The counters cover the envelopes in
 * `relayHeld` under this mailbox and are rewritten in the same batch as every change there.
 */
export interface RelayMailboxRecord {
  owner: string
  /**
   * Keys this mailbox's envelopes in `relayHeld` and `relayHeldIds`: given at registration, never
   * reused. 0 only in a record from before numbers, until the relay store's open moves it.
   */
  number: number
  createdAt: number
  /** The first-contact door: deposits without a capability, PREKEY envelopes only. */
  firstContactOpen: boolean
  /** The seq the next deposit gets (deposit order). */
  nextSeq: number
  count: number
  bytes: number
  /** The part of count/bytes that came in through the first-contact door. */
  firstContactCount: number
  firstContactBytes: number
}

/** How an envelope got into a mailbox. */
export type RelayDoor = 'contact' | 'first' | 'trusted'

/** One envelope held in a mailbox (`relayHeld`, key `<mailbox number:10>!<seq:16>`). */
export interface RelayEnvelopeRecord {
  /** Envelope id, lowercase hex. */
  id: string
  seq: number
  /** The exact envelope bytes as deposited. */
  envelope: Uint8Array
  door: RelayDoor
  storedAt: number
  /** Clamped expiry (ms since the epoch): the sweeper deletes the envelope after it. */
  expiresAt: number
}

/** An envelope queued for forwarding (`relayForward`, key `<recipient>!<seq:16>`). */
export interface RelayForwardRecord {
  /** Envelope id, lowercase hex. */
  id: string
  seq: number
  recipient: string
  envelope: Uint8Array
  depositor: string
  storedAt: number
  expiresAt: number
}

/** Index from envelope id to its seq within one queue (`relayHeldIds`, `relayForwardIds`). */
export interface RelayIdRecord {
  seq: number
}
