/**
 * The Triple Ratchet state: the Double Ratchet with header encryption (spec §4 "state
 * variables") plus the sparse post-quantum ratchet (docs/protocol.md part 3b), as an
 * immutable value: every operation returns a new state and never writes into its input.
 */
import type { PqState } from '../pq-ratchet/index.js'
import type { KeyPair } from '../provider.js'

/** Why a passed message key is gone. */
export type UnavailableReason = 'evicted' | 'expired'

/** Message numbers first..last (inclusive) of one receiving chain whose keys are gone. */
export interface UnavailableRange {
  readonly first: number
  readonly last: number
  readonly reason: UnavailableReason
}

/** An entry of MKSKIPPED: the key of a message not yet received, indexed by (headerKey, messageNumber). */
export interface SkippedMessageKey {
  readonly headerKey: Uint8Array
  readonly messageNumber: number
  readonly messageKey: Uint8Array
  /** When the key was derived (ms since the epoch); never decreases along the list. */
  readonly createdAt: number
}

/** A finished receiving chain, kept so that late or replayed messages get a precise error. */
export interface PreviousReceivingChain {
  readonly headerKey: Uint8Array
  /** Every message number below this was decrypted or skipped; none at or above exists. */
  readonly length: number
  readonly unavailable: readonly UnavailableRange[]
}

export interface RatchetState {
  /** Session associated data (from PQXDH); bound into every header and body. */
  readonly ad: Uint8Array
  /** RK */
  readonly rootKey: Uint8Array
  /** DHs */
  readonly sendingRatchetKey: Readonly<KeyPair>
  /** DHr */
  readonly remoteRatchetKey: Uint8Array | null
  /** CKs */
  readonly sendingChainKey: Uint8Array | null
  /** CKr */
  readonly receivingChainKey: Uint8Array | null
  /** HKs */
  readonly sendingHeaderKey: Uint8Array | null
  /** HKr */
  readonly receivingHeaderKey: Uint8Array | null
  /** NHKs */
  readonly sendingNextHeaderKey: Uint8Array
  /** NHKr */
  readonly receivingNextHeaderKey: Uint8Array
  /** Ns */
  readonly sendingMessageNumber: number
  /** Nr */
  readonly receivingMessageNumber: number
  /** PN */
  readonly previousSendingChainLength: number
  /** MKSKIPPED, oldest first (eviction order). */
  readonly skippedMessageKeys: readonly SkippedMessageKey[]
  /** Evicted/expired message numbers of the current receiving chain (HKr), sorted. */
  readonly receivingUnavailable: readonly UnavailableRange[]
  /** Up to KEPT_RECEIVING_CHAINS - 1 finished receiving chains, newest first. */
  readonly previousReceivingChains: readonly PreviousReceivingChain[]
  /** The post-quantum epoch whose key was mixed into CKs (sent in every header). */
  readonly sendingEpoch: number
  /** The sparse post-quantum ratchet (docs/protocol.md part 3b). */
  readonly pq: PqState
}
