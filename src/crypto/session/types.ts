/**
 * Session records (docs/protocol.md part 4): per remote identity, the current session and
 * up to ARCHIVED_SESSIONS_MAX older ones, kept so that messages still in flight after a
 * simultaneous initiation or a reset decrypt (Signal keeps "previous sessions" the same way).
 */
import type { KemPreKeyKind } from '../pqxdh/prekeys.js'
import type { RatchetState } from '../ratchet/index.js'

export const ARCHIVED_SESSIONS_MAX = 4
/**
 * 2: sessions run the Triple Ratchet. Records of version 1 (the Double Ratchet alone) are
 * refused with LegacySessionRecordError: the caller drops them and a new session starts.
 */
export const SESSION_RECORD_VERSION = 2
/** The version of records made before the Triple Ratchet. */
export const LEGACY_SESSION_RECORD_VERSION = 1

export type SessionRole = 'initiator' | 'responder'

/** The PQXDH header fields an initiator repeats until the first reply (all but identities and base key). */
export interface PendingPreKey {
  signedPreKeyId: number
  kemPreKeyId: number
  kemPreKeyKind: KemPreKeyKind
  kemCiphertext: Uint8Array
  oneTimePreKeyId?: number
}

export interface Session {
  ratchet: RatchetState
  /** Ed25519 identity keys. */
  localIdentityKey: Uint8Array
  remoteIdentityKey: Uint8Array
  /** EK_A, the initiator's PQXDH base key: names the session in both records. */
  baseKey: Uint8Array
  role: SessionRole
  /** Milliseconds since the Unix epoch. */
  createdAt: number
  /** Initiator only, until a message from the responder decrypts. */
  pendingPreKey?: PendingPreKey
}

export interface SessionRecord {
  current: Session
  /** Newest first, at most ARCHIVED_SESSIONS_MAX. */
  archived: readonly Session[]
}

/** The wire form of a session message: which envelope kind carries it. */
export interface SessionMessage {
  kind: 'prekey' | 'ratchet'
  bytes: Uint8Array
}
