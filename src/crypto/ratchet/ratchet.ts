/**
 * The Triple Ratchet: the Double Ratchet with header encryption (Signal's Double Ratchet spec
 * §4: RatchetInitAliceHE, RatchetInitBobHE, RatchetEncryptHE, RatchetDecryptHE) with the sparse
 * post-quantum ratchet of src/crypto/pq-ratchet beside it (docs/protocol.md part 3b): every
 * chain key is mixed with the epoch key its header names, and the post-quantum chunks ride at
 * the front of the padded body. Pure functions over an immutable RatchetState. Decryption works on a copy: nothing of a failed
 * attempt survives, and the caller persists the returned state only after it succeeds.
 */
import { logger } from '@libp2p/logger'
import {
  DuplicateMessageError, HeaderDecryptionError, InvalidKeyError, InvalidMessageError,
  MessageKeyUnavailableError, TooManySkippedMessagesError
} from '../errors.js'
import type { CryptoProvider, KeyPair } from '../provider.js'
import {
  AEAD_TAG_LENGTH, ENCRYPTED_HEADER_LENGTH, HEADER_NONCE_LENGTH, KEPT_RECEIVING_CHAINS, KEY_LENGTH,
  MAX_MESSAGE_NUMBER, MAX_PLAINTEXT_LENGTH, MAX_SKIP, MIN_PADDED_LENGTH, RATCHET_MESSAGE_VERSION
} from './constants.js'
import { bytesEqual, concatBytes } from './bytes.js'
import { SendingChainUnavailableError } from './errors.js'
import { decryptHeader, encryptHeader, type RatchetHeader } from './header.js'
import { deriveMessageKeys, kdfChain, kdfRoot } from './kdf.js'
import { MAX_PADDED_CONTENT_LENGTH, padBody, paddedLength, unpadPlaintext } from './padding.js'
import {
  acceptChainEpoch, applyPayload, chainEpochKey, initialPqState, mixChainKey, outgoingPayload, payloadLength,
  readPayload, sendingEpochOf, writePayload, type PqPayload
} from '../pq-ratchet/index.js'
import {
  evictOverflowKeys, findSkippedKey, nextCreatedAt, pruneExpiredKeys, unavailableReason, withoutKey
} from './skipped-keys.js'
import type { PreviousReceivingChain, RatchetState, SkippedMessageKey, UnavailableRange } from './state.js'

const log = logger('murmur:crypto:ratchet')

const VERSION_BYTE = Uint8Array.of(RATCHET_MESSAGE_VERSION)
const MIN_MESSAGE_LENGTH = 1 + ENCRYPTED_HEADER_LENGTH + MIN_PADDED_LENGTH + AEAD_TAG_LENGTH
const MAX_MESSAGE_LENGTH = 1 + ENCRYPTED_HEADER_LENGTH + paddedLength(MAX_PADDED_CONTENT_LENGTH) + AEAD_TAG_LENGTH

export interface InitiatorParams {
  rootKey: Uint8Array
  sendingHeaderKey: Uint8Array
  receivingNextHeaderKey: Uint8Array
  remoteRatchetKey: Uint8Array
  ad: Uint8Array
}

export interface ResponderParams {
  rootKey: Uint8Array
  sendingNextHeaderKey: Uint8Array
  receivingNextHeaderKey: Uint8Array
  ratchetKeyPair: KeyPair
  ad: Uint8Array
}

export interface RatchetOptions {
  /** Current time in ms since the epoch, for skipped-key ageing; defaults to Date.now(). */
  now?: number
}

function requireKey (bytes: Uint8Array, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== KEY_LENGTH) throw new InvalidKeyError(`${what} must be 32 bytes`)
  // A private copy: later writes by the caller into its buffers cannot reach the state.
  return bytes.slice()
}

function resolveNow (options?: RatchetOptions): number {
  const now = options?.now ?? Date.now()
  if (!Number.isFinite(now)) throw new TypeError('options.now must be a finite number')
  return now
}

/** RatchetInitAliceHE(SK, bob_dh_public_key, shared_hka, shared_nhkb), spec §4. */
export function initializeInitiator (provider: CryptoProvider, params: InitiatorParams): RatchetState {
  const remoteRatchetKey = requireKey(params.remoteRatchetKey, 'remote ratchet key')
  const sendingRatchetKey = provider.x25519GenerateKeyPair()
  // Throws LowOrderPointError for a small-order remote key.
  const dhOutput = provider.x25519(sendingRatchetKey.privateKey, remoteRatchetKey)
  const sessionKey = requireKey(params.rootKey, 'root key')
  const root = kdfRoot(provider, sessionKey, dhOutput)
  dhOutput.fill(0)
  const pq = initialPqState(provider, sessionKey, true)
  const sendingChainKey = mixChainKey(provider, pq.epochKey, 0, root.chainKey)
  root.chainKey.fill(0) // only its mix with the epoch key is a chain key (part 3b)
  return {
    ad: params.ad.slice(),
    rootKey: root.rootKey,
    sendingRatchetKey: { publicKey: sendingRatchetKey.publicKey.slice(), privateKey: sendingRatchetKey.privateKey.slice() },
    remoteRatchetKey,
    sendingChainKey,
    receivingChainKey: null,
    sendingHeaderKey: requireKey(params.sendingHeaderKey, 'sending header key'),
    receivingHeaderKey: null,
    sendingNextHeaderKey: root.nextHeaderKey,
    receivingNextHeaderKey: requireKey(params.receivingNextHeaderKey, 'receiving next header key'),
    sendingMessageNumber: 0,
    receivingMessageNumber: 0,
    previousSendingChainLength: 0,
    skippedMessageKeys: [],
    receivingUnavailable: [],
    previousReceivingChains: [],
    sendingEpoch: 0,
    pq
  }
}

/** RatchetInitBobHE(SK, bob_dh_key_pair, shared_hka, shared_nhkb), spec §4. */
export function initializeResponder (provider: CryptoProvider, params: ResponderParams): RatchetState {
  const sessionKey = requireKey(params.rootKey, 'root key')
  return {
    ad: params.ad.slice(),
    rootKey: sessionKey,
    sendingRatchetKey: {
      publicKey: requireKey(params.ratchetKeyPair.publicKey, 'ratchet public key'),
      privateKey: requireKey(params.ratchetKeyPair.privateKey, 'ratchet private key')
    },
    remoteRatchetKey: null,
    sendingChainKey: null,
    receivingChainKey: null,
    sendingHeaderKey: null,
    receivingHeaderKey: null,
    sendingNextHeaderKey: requireKey(params.sendingNextHeaderKey, 'sending next header key'),
    receivingNextHeaderKey: requireKey(params.receivingNextHeaderKey, 'receiving next header key'),
    sendingMessageNumber: 0,
    receivingMessageNumber: 0,
    previousSendingChainLength: 0,
    skippedMessageKeys: [],
    receivingUnavailable: [],
    previousReceivingChains: [],
    sendingEpoch: 0,
    pq: initialPqState(provider, sessionKey, false)
  }
}

/** AD of the body AEAD: sessionAd || version byte || encryptedHeader. */
function bodyAd (sessionAd: Uint8Array, encryptedHeader: Uint8Array): Uint8Array {
  return concatBytes(sessionAd, VERSION_BYTE, encryptedHeader)
}

/** RatchetEncryptHE, spec §4. */
export function ratchetEncrypt (provider: CryptoProvider, state: RatchetState, plaintext: Uint8Array, options?: RatchetOptions): { state: RatchetState, message: Uint8Array } {
  // Size check before any work.
  if (plaintext.length > MAX_PLAINTEXT_LENGTH) throw new InvalidMessageError(`plaintext longer than ${MAX_PLAINTEXT_LENGTH} bytes`)
  const now = resolveNow(options)
  const current = pruneExpiredKeys(state, now)
  if (current.sendingChainKey === null || current.sendingHeaderKey === null) throw new SendingChainUnavailableError()
  if (current.sendingMessageNumber >= MAX_MESSAGE_NUMBER) throw new InvalidMessageError('sending chain exhausted')

  const { chainKey, messageKey } = kdfChain(provider, current.sendingChainKey)
  const { pq, payload } = outgoingPayload(provider, current.pq)
  const padded = padBody(payloadLength(payload), plaintext)
  writePayload(payload, padded)
  const header: RatchetHeader = {
    ratchetPublicKey: current.sendingRatchetKey.publicKey,
    previousChainLength: current.previousSendingChainLength,
    messageNumber: current.sendingMessageNumber,
    epoch: current.sendingEpoch
  }
  const headerNonce = provider.randomBytes(HEADER_NONCE_LENGTH)
  const encryptedHeader = encryptHeader(provider, current.sendingHeaderKey, headerNonce, header, current.ad)
  const { bodyKey, bodyNonce } = deriveMessageKeys(provider, messageKey, headerNonce)
  const body = provider.chacha20poly1305Seal(bodyKey, bodyNonce, padded, bodyAd(current.ad, encryptedHeader))

  return {
    state: { ...current, sendingChainKey: chainKey, sendingMessageNumber: current.sendingMessageNumber + 1, pq },
    message: concatBytes(VERSION_BYTE, encryptedHeader, body)
  }
}

/**
 * Open the body with a message key and split it into the post-quantum payload and the
 * plaintext; DecryptionError on a bad tag, InvalidMessageError on bad padding or payload.
 */
function openBody (provider: CryptoProvider, state: RatchetState, messageKey: Uint8Array, encryptedHeader: Uint8Array, body: Uint8Array): { payload: PqPayload, plaintext: Uint8Array } {
  const { bodyKey, bodyNonce } = deriveMessageKeys(provider, messageKey, encryptedHeader.subarray(0, HEADER_NONCE_LENGTH))
  const padded = provider.chacha20poly1305Open(bodyKey, bodyNonce, body, bodyAd(state.ad, encryptedHeader))
  const { payload, plaintext } = readPayload(unpadPlaintext(padded))
  if (plaintext.length > MAX_PLAINTEXT_LENGTH) throw new InvalidMessageError(`plaintext longer than ${MAX_PLAINTEXT_LENGTH} bytes`)
  return { payload, plaintext }
}

/**
 * SkipMessageKeysHE, spec §4: store the keys of the current receiving chain from Nr up to
 * (not including) `until`. The caller has already checked the MAX_SKIP bound.
 */
function skipMessageKeys (provider: CryptoProvider, state: RatchetState, until: number, now: number): RatchetState {
  if (state.receivingChainKey === null || state.receivingHeaderKey === null || state.receivingMessageNumber >= until) return state
  let chainKey = state.receivingChainKey
  const added: SkippedMessageKey[] = []
  const createdAt = nextCreatedAt(state.skippedMessageKeys, now)
  for (let n = state.receivingMessageNumber; n < until; n++) {
    const step = kdfChain(provider, chainKey)
    chainKey = step.chainKey
    added.push({ headerKey: state.receivingHeaderKey, messageNumber: n, messageKey: step.messageKey, createdAt })
  }
  return {
    ...state,
    receivingChainKey: chainKey,
    receivingMessageNumber: until,
    skippedMessageKeys: state.skippedMessageKeys.concat(added)
  }
}

function checkSkip (from: number, until: number): void {
  if (until - from > MAX_SKIP) throw new TooManySkippedMessagesError(`a jump of ${until - from} message keys exceeds MAX_SKIP (${MAX_SKIP})`)
}

/** A passed message number with no key: say precisely why (spec leaves this to us). */
function passedMessageError (ranges: readonly UnavailableRange[], messageNumber: number): Error {
  const reason = unavailableReason(ranges, messageNumber)
  return reason === null ? new DuplicateMessageError() : new MessageKeyUnavailableError(reason)
}

/** Use (and remove) a stored key for (headerKey, n), or null when there is none. */
function trySkippedKey (provider: CryptoProvider, state: RatchetState, headerKey: Uint8Array, header: RatchetHeader, encryptedHeader: Uint8Array, body: Uint8Array): { state: RatchetState, plaintext: Uint8Array } | null {
  const index = findSkippedKey(state.skippedMessageKeys, headerKey, header.messageNumber)
  if (index < 0) return null
  const { payload, plaintext } = openBody(provider, state, state.skippedMessageKeys[index].messageKey, encryptedHeader, body)
  const pq = applyPayload(provider, state.pq, payload)
  return { state: { ...state, skippedMessageKeys: withoutKey(state.skippedMessageKeys, index), pq }, plaintext }
}

/** Advance the current receiving chain to `header.messageNumber` and decrypt with its key. */
function decryptOnCurrentChain (provider: CryptoProvider, state: RatchetState, header: RatchetHeader, encryptedHeader: Uint8Array, body: Uint8Array, now: number): { state: RatchetState, plaintext: Uint8Array } {
  if (state.receivingChainKey === null) throw new HeaderDecryptionError()
  checkSkip(state.receivingMessageNumber, header.messageNumber)
  let next = skipMessageKeys(provider, state, header.messageNumber, now)
  const { chainKey, messageKey } = kdfChain(provider, next.receivingChainKey ?? state.receivingChainKey)
  const { payload, plaintext } = openBody(provider, next, messageKey, encryptedHeader, body)
  const pq = applyPayload(provider, next.pq, payload)
  next = evictOverflowKeys({ ...next, receivingChainKey: chainKey, receivingMessageNumber: header.messageNumber + 1, pq })
  return { state: next, plaintext }
}

/**
 * DHRatchetHE, spec §4, preceded by closing the current receiving chain: it becomes a
 * PreviousReceivingChain, and chains beyond KEPT_RECEIVING_CHAINS are dropped with their keys.
 */
function dhRatchet (provider: CryptoProvider, state: RatchetState, header: RatchetHeader): RatchetState {
  let previousReceivingChains = state.previousReceivingChains
  let skippedMessageKeys = state.skippedMessageKeys
  if (state.receivingHeaderKey !== null) {
    const closed: PreviousReceivingChain = {
      headerKey: state.receivingHeaderKey,
      length: state.receivingMessageNumber,
      unavailable: state.receivingUnavailable
    }
    previousReceivingChains = [closed, ...previousReceivingChains]
    if (previousReceivingChains.length > KEPT_RECEIVING_CHAINS - 1) {
      const dropped = previousReceivingChains.slice(KEPT_RECEIVING_CHAINS - 1)
      previousReceivingChains = previousReceivingChains.slice(0, KEPT_RECEIVING_CHAINS - 1)
      const isDropped = (key: SkippedMessageKey): boolean => dropped.some((chain) => bytesEqual(chain.headerKey, key.headerKey))
      if (skippedMessageKeys.some(isDropped)) skippedMessageKeys = skippedMessageKeys.filter((key) => !isDropped(key))
    }
  }

  const remoteRatchetKey = header.ratchetPublicKey
  const receivingEpochKey = chainEpochKey(state.pq, header.epoch)
  if (receivingEpochKey === null) throw new InvalidMessageError(`a chain of epoch ${header.epoch} is not acceptable in epoch ${state.pq.epoch}`)
  // Throws LowOrderPointError for a small-order ratchet key.
  const receivingDh = provider.x25519(state.sendingRatchetKey.privateKey, remoteRatchetKey)
  const receiving = kdfRoot(provider, state.rootKey, receivingDh)
  receivingDh.fill(0)
  const sendingRatchetKey = provider.x25519GenerateKeyPair()
  const sendingDh = provider.x25519(sendingRatchetKey.privateKey, remoteRatchetKey)
  const sending = kdfRoot(provider, receiving.rootKey, sendingDh)
  sendingDh.fill(0)
  receiving.rootKey.fill(0) // an intermediate root key: only `sending.rootKey` is kept
  // The post-quantum side (docs/protocol.md part 3b "Receiving a new chain"): a chain of e + 1
  // completes the move; then both new chain keys are mixed with their epoch keys.
  const pq = acceptChainEpoch(state.pq, header.epoch)
  const sendingEpoch = sendingEpochOf(pq)
  const sendingEpochKey = sendingEpoch === pq.epoch ? pq.epochKey : pq.nextEpochKey
  if (sendingEpochKey === null) throw new InvalidMessageError('no key for the sending epoch')

  const sendingChainKey = mixChainKey(provider, sendingEpochKey, sendingEpoch, sending.chainKey)
  const receivingChainKey = mixChainKey(provider, receivingEpochKey, header.epoch, receiving.chainKey)
  sending.chainKey.fill(0)
  receiving.chainKey.fill(0)
  return {
    ...state,
    rootKey: sending.rootKey,
    sendingRatchetKey: { publicKey: sendingRatchetKey.publicKey.slice(), privateKey: sendingRatchetKey.privateKey.slice() },
    remoteRatchetKey,
    sendingChainKey,
    receivingChainKey,
    sendingHeaderKey: state.sendingNextHeaderKey,
    receivingHeaderKey: state.receivingNextHeaderKey,
    sendingNextHeaderKey: sending.nextHeaderKey,
    receivingNextHeaderKey: receiving.nextHeaderKey,
    previousSendingChainLength: state.sendingMessageNumber,
    sendingMessageNumber: 0,
    receivingMessageNumber: 0,
    skippedMessageKeys,
    receivingUnavailable: [],
    previousReceivingChains,
    sendingEpoch,
    pq
  }
}

/** Split and size-check a message: version || encryptedHeader(80) || body. */
function parseMessage (message: Uint8Array): { encryptedHeader: Uint8Array, body: Uint8Array } {
  if (!(message instanceof Uint8Array)) throw new InvalidMessageError('message must be bytes')
  if (message.length < MIN_MESSAGE_LENGTH || message.length > MAX_MESSAGE_LENGTH) {
    throw new InvalidMessageError(`ratchet message length ${message.length} outside ${MIN_MESSAGE_LENGTH}..${MAX_MESSAGE_LENGTH}`)
  }
  if (message[0] !== RATCHET_MESSAGE_VERSION) throw new InvalidMessageError(`unknown ratchet message version ${message[0]}`)
  return {
    encryptedHeader: message.subarray(1, 1 + ENCRYPTED_HEADER_LENGTH),
    body: message.subarray(1 + ENCRYPTED_HEADER_LENGTH)
  }
}

/**
 * RatchetDecryptHE, spec §4. Header keys are tried in this order: HKr, NHKr (a DH ratchet
 * step), then the header keys of the kept previous receiving chains. Skipped keys are looked
 * up under whichever header key decrypted the header; since a header authenticates under one
 * key only, this is the spec's TrySkippedMessageKeysHE without trial-decrypting once per key.
 */
export function ratchetDecrypt (provider: CryptoProvider, state: RatchetState, message: Uint8Array, options?: RatchetOptions): { state: RatchetState, plaintext: Uint8Array } {
  const { encryptedHeader, body } = parseMessage(message)
  const now = resolveNow(options)
  const current = pruneExpiredKeys(state, now)

  // 1. The current receiving chain.
  if (current.receivingHeaderKey !== null) {
    const header = decryptHeader(provider, current.receivingHeaderKey, encryptedHeader, current.ad)
    if (header !== null) {
      if (current.remoteRatchetKey !== null && !bytesEqual(header.ratchetPublicKey, current.remoteRatchetKey)) {
        throw new InvalidMessageError('header ratchet key does not match its chain')
      }
      if (header.messageNumber < current.receivingMessageNumber) {
        const result = trySkippedKey(provider, current, current.receivingHeaderKey, header, encryptedHeader, body)
        if (result === null) throw passedMessageError(current.receivingUnavailable, header.messageNumber)
        return result
      }
      return decryptOnCurrentChain(provider, current, header, encryptedHeader, body, now)
    }
  }

  // 2. The next header key: the sender has turned the DH ratchet. Tried before the earlier
  // chains because it is by far the more frequent case (every reply), and a header opens
  // under one key only, so the order changes no result, only the number of failed trials.
  const header = decryptHeader(provider, current.receivingNextHeaderKey, encryptedHeader, current.ad)
  if (header !== null) {
    // The epoch and both jumps are checked before any key is derived.
    if (chainEpochKey(current.pq, header.epoch) === null) throw new InvalidMessageError(`a chain of epoch ${header.epoch} is not acceptable in epoch ${current.pq.epoch}`)
    checkSkip(current.receivingMessageNumber, header.previousChainLength)
    checkSkip(0, header.messageNumber)
    const closedChain = skipMessageKeys(provider, current, header.previousChainLength, now)
    const ratcheted = dhRatchet(provider, closedChain, header)
    log.trace('DH ratchet step')
    return decryptOnCurrentChain(provider, ratcheted, header, encryptedHeader, body, now)
  }

  // 3. Earlier receiving chains: only stored keys can decrypt; their chain keys are gone.
  for (const chain of current.previousReceivingChains) {
    const previousHeader = decryptHeader(provider, chain.headerKey, encryptedHeader, current.ad)
    if (previousHeader === null) continue
    if (previousHeader.messageNumber >= chain.length) throw new InvalidMessageError('message number beyond the end of a finished chain')
    const result = trySkippedKey(provider, current, chain.headerKey, previousHeader, encryptedHeader, body)
    if (result === null) throw passedMessageError(chain.unavailable, previousHeader.messageNumber)
    return result
  }

  throw new HeaderDecryptionError()
}
