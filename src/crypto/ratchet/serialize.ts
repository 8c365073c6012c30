/**
 * Lossless serialization of RatchetState (src/wire/ratchet-state.proto, version 2: the Triple
 * Ratchet; version 1 states, of the Double Ratchet alone, are refused). The
 * decoder trusts nothing: every length, count and number is checked, and any failure is an
 * InvalidStateError.
 */
import { InvalidStateError } from '../errors.js'
import {
  RatchetStateRecord, UnavailableReason as WireReason,
  type UnavailableRange as WireRange
} from '../../wire/ratchet-state.js'
import {
  KEPT_RECEIVING_CHAINS, KEY_LENGTH, MAX_MESSAGE_NUMBER, MAX_SKIPPED_KEYS, MAX_UNAVAILABLE_RANGES,
  RATCHET_STATE_VERSION
} from './constants.js'
import { bytesEqual } from './bytes.js'
import { pqStateFromWire, pqStateToWire } from '../pq-ratchet/serialize.js'
import type { PreviousReceivingChain, RatchetState, SkippedMessageKey, UnavailableRange } from './state.js'

/** Largest session AD we accept back (PQXDH's is a label plus two 32-byte keys). */
const MAX_AD_LENGTH = 4096

function rangesToWire (ranges: readonly UnavailableRange[]): WireRange[] {
  return ranges.map((range) => ({
    first: range.first,
    last: range.last,
    reason: range.reason === 'evicted' ? WireReason.EVICTED : WireReason.EXPIRED
  }))
}

export function serializeRatchetState (state: RatchetState): Uint8Array {
  return RatchetStateRecord.encode({
    version: RATCHET_STATE_VERSION,
    ad: state.ad as Uint8Array<ArrayBuffer>,
    rootKey: state.rootKey as Uint8Array<ArrayBuffer>,
    sendingRatchetPrivateKey: state.sendingRatchetKey.privateKey as Uint8Array<ArrayBuffer>,
    sendingRatchetPublicKey: state.sendingRatchetKey.publicKey as Uint8Array<ArrayBuffer>,
    remoteRatchetKey: (state.remoteRatchetKey ?? undefined) as Uint8Array<ArrayBuffer> | undefined,
    sendingChainKey: (state.sendingChainKey ?? undefined) as Uint8Array<ArrayBuffer> | undefined,
    receivingChainKey: (state.receivingChainKey ?? undefined) as Uint8Array<ArrayBuffer> | undefined,
    sendingHeaderKey: (state.sendingHeaderKey ?? undefined) as Uint8Array<ArrayBuffer> | undefined,
    receivingHeaderKey: (state.receivingHeaderKey ?? undefined) as Uint8Array<ArrayBuffer> | undefined,
    sendingNextHeaderKey: state.sendingNextHeaderKey as Uint8Array<ArrayBuffer>,
    receivingNextHeaderKey: state.receivingNextHeaderKey as Uint8Array<ArrayBuffer>,
    sendingMessageNumber: state.sendingMessageNumber,
    receivingMessageNumber: state.receivingMessageNumber,
    previousSendingChainLength: state.previousSendingChainLength,
    skippedMessageKeys: state.skippedMessageKeys.map((key) => ({
      headerKey: key.headerKey as Uint8Array<ArrayBuffer>,
      messageNumber: key.messageNumber,
      messageKey: key.messageKey as Uint8Array<ArrayBuffer>,
      createdAt: key.createdAt
    })),
    receivingUnavailable: rangesToWire(state.receivingUnavailable),
    previousReceivingChains: state.previousReceivingChains.map((chain) => ({
      headerKey: chain.headerKey as Uint8Array<ArrayBuffer>,
      length: chain.length,
      unavailable: rangesToWire(chain.unavailable)
    })),
    sendingEpoch: state.sendingEpoch,
    pq: pqStateToWire(state.pq)
  })
}

function key (bytes: Uint8Array, what: string): Uint8Array {
  if (bytes.length !== KEY_LENGTH) throw new InvalidStateError(`${what} must be 32 bytes`)
  return bytes.slice()
}

function optionalKey (bytes: Uint8Array | undefined, what: string): Uint8Array | null {
  return bytes === undefined ? null : key(bytes, what)
}

function u32 (value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_MESSAGE_NUMBER) throw new InvalidStateError(`${what} out of range`)
  return value
}

function rangesFromWire (ranges: WireRange[], what: string): UnavailableRange[] {
  if (ranges.length > MAX_UNAVAILABLE_RANGES) throw new InvalidStateError(`too many ${what} ranges`)
  let previousLast = -1
  return ranges.map((range) => {
    const first = u32(range.first, `${what} range`)
    const last = u32(range.last, `${what} range`)
    if (first > last || first <= previousLast) throw new InvalidStateError(`${what} ranges not sorted`)
    previousLast = last
    if (range.reason !== WireReason.EVICTED && range.reason !== WireReason.EXPIRED) throw new InvalidStateError(`${what} range has no reason`)
    return { first, last, reason: range.reason === WireReason.EVICTED ? 'evicted' : 'expired' }
  })
}

function decodeRecord (bytes: Uint8Array): RatchetStateRecord {
  try {
    return RatchetStateRecord.decode(bytes, {
      limits: {
        skippedMessageKeys: MAX_SKIPPED_KEYS,
        receivingUnavailable: MAX_UNAVAILABLE_RANGES,
        previousReceivingChains: KEPT_RECEIVING_CHAINS - 1,
        pq: { received: 64 }
      }
    })
  } catch (err) {
    throw new InvalidStateError(`ratchet state does not decode: ${(err as Error).message}`)
  }
}

/** Inverse of serializeRatchetState; InvalidStateError on garbage, wrong lengths or an unknown version. */
export function deserializeRatchetState (bytes: Uint8Array): RatchetState {
  if (!(bytes instanceof Uint8Array)) throw new InvalidStateError('ratchet state must be bytes')
  const record = decodeRecord(bytes)
  if (record.version !== RATCHET_STATE_VERSION) throw new InvalidStateError(`unknown ratchet state version ${record.version}`)
  if (record.ad.length > MAX_AD_LENGTH) throw new InvalidStateError('associated data too long')

  const receivingHeaderKey = optionalKey(record.receivingHeaderKey, 'receiving header key')
  const receivingChainKey = optionalKey(record.receivingChainKey, 'receiving chain key')
  const sendingChainKey = optionalKey(record.sendingChainKey, 'sending chain key')
  const sendingHeaderKey = optionalKey(record.sendingHeaderKey, 'sending header key')
  // CKr and HKr are set together by a DH ratchet step, as are CKs and HKs.
  if ((receivingHeaderKey === null) !== (receivingChainKey === null)) throw new InvalidStateError('receiving chain key and header key must both be present or absent')
  if ((sendingHeaderKey === null) !== (sendingChainKey === null)) throw new InvalidStateError('sending chain key and header key must both be present or absent')

  const previousReceivingChains: PreviousReceivingChain[] = record.previousReceivingChains.map((chain) => ({
    headerKey: key(chain.headerKey, 'previous chain header key'),
    length: u32(chain.length, 'previous chain length'),
    unavailable: rangesFromWire(chain.unavailable, 'previous chain')
  }))

  let previousCreatedAt = -Infinity
  const skippedMessageKeys: SkippedMessageKey[] = record.skippedMessageKeys.map((skipped) => {
    const headerKey = key(skipped.headerKey, 'skipped header key')
    const known = (receivingHeaderKey !== null && bytesEqual(headerKey, receivingHeaderKey)) ||
      previousReceivingChains.some((chain) => bytesEqual(chain.headerKey, headerKey))
    if (!known) throw new InvalidStateError('skipped key of an unknown chain')
    if (!Number.isFinite(skipped.createdAt) || skipped.createdAt < previousCreatedAt) throw new InvalidStateError('skipped key timestamps out of order')
    previousCreatedAt = skipped.createdAt
    return {
      headerKey,
      messageNumber: u32(skipped.messageNumber, 'skipped message number'),
      messageKey: key(skipped.messageKey, 'skipped message key'),
      createdAt: skipped.createdAt
    }
  })

  return {
    ad: record.ad.slice(),
    rootKey: key(record.rootKey, 'root key'),
    sendingRatchetKey: {
      publicKey: key(record.sendingRatchetPublicKey, 'ratchet public key'),
      privateKey: key(record.sendingRatchetPrivateKey, 'ratchet private key')
    },
    remoteRatchetKey: optionalKey(record.remoteRatchetKey, 'remote ratchet key'),
    sendingChainKey,
    receivingChainKey,
    sendingHeaderKey,
    receivingHeaderKey,
    sendingNextHeaderKey: key(record.sendingNextHeaderKey, 'sending next header key'),
    receivingNextHeaderKey: key(record.receivingNextHeaderKey, 'receiving next header key'),
    sendingMessageNumber: u32(record.sendingMessageNumber, 'sending message number'),
    receivingMessageNumber: u32(record.receivingMessageNumber, 'receiving message number'),
    previousSendingChainLength: u32(record.previousSendingChainLength, 'previous sending chain length'),
    skippedMessageKeys,
    receivingUnavailable: rangesFromWire(record.receivingUnavailable, 'receiving chain'),
    previousReceivingChains,
    sendingEpoch: record.sendingEpoch,
    pq: pqStateFromWire(record.pq, record.sendingEpoch)
  }
}
