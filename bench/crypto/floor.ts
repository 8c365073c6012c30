/**
 * The "floor" of the ratchet benchmarks: the rate implied by the primitive calls one message
 * needs, timed with the same provider in the same process, so the ratchet's own overhead
 * (state copies, encoding, padding, bookkeeping) can be read as ratchet rate / floor rate.
 *
 * The loops below make exactly the calls of docs/protocol.md part 3 for one message sent and
 * received (Double Ratchet spec §4 with header encryption), on inputs of the real sizes, with
 * keys that change every message as they do in a session. Because the loop is real work that
 * produces the next iteration's inputs, the floor is a rate the ratchet could actually reach.
 */
import type { CryptoProvider } from '../../src/crypto/provider.js'
import {
  CHAIN_KEY_SEED, ENCRYPTED_HEADER_LENGTH, HEADER_LENGTH, HEADER_NONCE_LENGTH, KEY_LENGTH,
  MESSAGE_KDF_INFO, MESSAGE_KDF_OUTPUT_LENGTH, MESSAGE_KEY_SEED, MIN_PADDED_LENGTH, RATCHET_MESSAGE_VERSION,
  ROOT_KDF_INFO, ROOT_KDF_OUTPUT_LENGTH
} from '../../src/crypto/ratchet/constants.js'
import { BenchmarkCheckError, type Prepare } from '../harness.js'

/** Session associated data: the label "murmur/v1/ad" (12 bytes) || IK_A (32) || IK_B (32). */
const SESSION_AD_LENGTH = 12 + 32 + 32

/** The body AEAD's AD: sessionAd || version byte || encryptedHeader (nonce || sealed header). */
function bodyAdOf (sessionAd: Uint8Array, headerNonce: Uint8Array, sealedHeader: Uint8Array): Uint8Array {
  const out = new Uint8Array(sessionAd.length + 1 + headerNonce.length + sealedHeader.length)
  out.set(sessionAd, 0)
  out[sessionAd.length] = RATCHET_MESSAGE_VERSION
  out.set(headerNonce, sessionAd.length + 1)
  out.set(sealedHeader, sessionAd.length + 1 + headerNonce.length)
  return out
}

/** The symmetric work of one message in one direction: sender then receiver. */
function oneMessage (
  provider: CryptoProvider,
  sendChainKey: Uint8Array,
  receiveChainKey: Uint8Array,
  headerKey: Uint8Array,
  header: Uint8Array,
  body: Uint8Array,
  sessionAd: Uint8Array
): { sendChainKey: Uint8Array, receiveChainKey: Uint8Array } {
  // Sender: KDF_CK (2 x HMAC), the message-key HKDF (44 bytes) salted with the header nonce,
  // XChaCha20-Poly1305 of the 40-byte header, ChaCha20-Poly1305 of the padded body.
  const messageKey = provider.hmacSha256(sendChainKey, MESSAGE_KEY_SEED)
  const nextSendChainKey = provider.hmacSha256(sendChainKey, CHAIN_KEY_SEED)
  const headerNonce = provider.randomBytes(HEADER_NONCE_LENGTH)
  const okm = provider.hkdfSha256(messageKey, headerNonce, MESSAGE_KDF_INFO, MESSAGE_KDF_OUTPUT_LENGTH)
  const sealedHeader = provider.xchacha20poly1305Seal(headerKey, headerNonce, header, sessionAd)
  const bodyAd = bodyAdOf(sessionAd, headerNonce, sealedHeader)
  const sealedBody = provider.chacha20poly1305Seal(okm.subarray(0, KEY_LENGTH), okm.subarray(KEY_LENGTH), body, bodyAd)

  // Receiver: open the header, KDF_CK, the same HKDF, open the body.
  provider.xchacha20poly1305Open(headerKey, headerNonce, sealedHeader, sessionAd)
  const receivedMessageKey = provider.hmacSha256(receiveChainKey, MESSAGE_KEY_SEED)
  const nextReceiveChainKey = provider.hmacSha256(receiveChainKey, CHAIN_KEY_SEED)
  const receivedOkm = provider.hkdfSha256(receivedMessageKey, headerNonce, MESSAGE_KDF_INFO, MESSAGE_KDF_OUTPUT_LENGTH)
  provider.chacha20poly1305Open(receivedOkm.subarray(0, KEY_LENGTH), receivedOkm.subarray(KEY_LENGTH), sealedBody, bodyAd)

  return { sendChainKey: nextSendChainKey, receiveChainKey: nextReceiveChainKey }
}

interface FloorInputs {
  header: Uint8Array
  body: Uint8Array
  sessionAd: Uint8Array
  headerKey: Uint8Array
  wrongHeaderKey: Uint8Array
}

function inputs (provider: CryptoProvider): FloorInputs {
  return {
    header: provider.randomBytes(HEADER_LENGTH),
    body: provider.randomBytes(MIN_PADDED_LENGTH),
    sessionAd: provider.randomBytes(SESSION_AD_LENGTH),
    headerKey: provider.randomBytes(KEY_LENGTH),
    wrongHeaderKey: provider.randomBytes(KEY_LENGTH)
  }
}

/**
 * Burst floor: per message 2 x KDF_CK (4 HMAC-SHA256), 2 x message-key HKDF (44 bytes), one
 * XChaCha20-Poly1305 seal + open of the 40-byte header, one ChaCha20-Poly1305 seal + open of
 * the 256-byte padded body, and the 24 random bytes of the header nonce.
 */
export function burstFloor (provider: CryptoProvider): Prepare {
  const { header, body, sessionAd, headerKey } = inputs(provider)
  // One chain: the receiver's chain key equals the sender's, as in a real session.
  let chainKey = provider.randomBytes(KEY_LENGTH)
  return (n) => () => {
    for (let i = 0; i < n; i++) {
      chainKey = oneMessage(provider, chainKey, chainKey, headerKey, header, body, sessionAd).sendChainKey
    }
  }
}

/** Messages per completed post-quantum epoch in ping-pong (docs/protocol.md part 3b). */
const PINGPONG_MESSAGES_PER_EPOCH = 144

/**
 * Ping-pong floor: the burst sequence, plus what the receiver of a message that turns the
 * ratchet does (spec §4 DHRatchetHE): one failed header trial under the current header key,
 * one X25519 agreement and KDF_RK (HKDF, 96 bytes) for the new receiving chain, one X25519 key
 * generation, and one more agreement and KDF_RK for the new sending chain; and the Triple
 * Ratchet's primitives (part 3b): the two chain-key mixes (HMAC-SHA256) of the new chains, and,
 * once every 144 messages (one epoch), an ML-KEM-768 key generation, encapsulation and
 * decapsulation with the HKDF and SHA-256 of the new epoch key.
 */
export function pingPongFloor (provider: CryptoProvider): Prepare {
  const { header, body, sessionAd, headerKey, wrongHeaderKey } = inputs(provider)
  let rootKey = provider.randomBytes(KEY_LENGTH)
  let chainKey = provider.randomBytes(KEY_LENGTH)
  let ours = provider.x25519GenerateKeyPair()
  let theirs = provider.x25519GenerateKeyPair().publicKey
  const mixLabel = new Uint8Array(22 + 4 + KEY_LENGTH)
  let sinceEpoch = 0
  return (n) => () => {
    for (let i = 0; i < n; i++) {
      if (++sinceEpoch === PINGPONG_MESSAGES_PER_EPOCH) {
        sinceEpoch = 0
        const keyPair = provider.mlkem768GenerateKeyPair()
        const encapsulated = provider.mlkem768Encapsulate(keyPair.publicKey)
        const secret = provider.mlkem768Decapsulate(encapsulated.ciphertext, keyPair.privateKey)
        const transcript = provider.sha256(encapsulated.ciphertext)
        provider.hkdfSha256(secret, rootKey, transcript, KEY_LENGTH)
      }
      chainKey = oneMessage(provider, chainKey, chainKey, headerKey, header, body, sessionAd).sendChainKey
      // The failed trial: the header does not open under the current receiving header key.
      // Made as the ratchet makes it (ratchet/header.ts): the non-throwing open when the
      // provider has one, so the floor costs what the ratchet's own call costs.
      const nonce = header.subarray(0, HEADER_NONCE_LENGTH)
      const sealed = body.subarray(0, ENCRYPTED_HEADER_LENGTH - HEADER_NONCE_LENGTH)
      if (provider.xchacha20poly1305TryOpen !== undefined) {
        if (provider.xchacha20poly1305TryOpen(wrongHeaderKey, nonce, sealed, sessionAd) !== null) throw new BenchmarkCheckError('floor: a wrong header key opened the header')
      } else {
        try {
          provider.xchacha20poly1305Open(wrongHeaderKey, nonce, sealed, sessionAd)
        } catch {
          // Expected: DecryptionError.
        }
      }
      const receiving = provider.hkdfSha256(provider.x25519(ours.privateKey, theirs), rootKey, ROOT_KDF_INFO, ROOT_KDF_OUTPUT_LENGTH)
      const next = provider.x25519GenerateKeyPair()
      const sending = provider.hkdfSha256(provider.x25519(next.privateKey, theirs), receiving.subarray(0, KEY_LENGTH), ROOT_KDF_INFO, ROOT_KDF_OUTPUT_LENGTH)
      // MIX of the two new chain keys: HMAC(epochKey, label || u32be(epoch) || chainKey).
      mixLabel.set(receiving.subarray(KEY_LENGTH, 2 * KEY_LENGTH), 26)
      provider.hmacSha256(headerKey, mixLabel)
      mixLabel.set(sending.subarray(KEY_LENGTH, 2 * KEY_LENGTH), 26)
      provider.hmacSha256(headerKey, mixLabel)
      rootKey = sending.slice(0, KEY_LENGTH)
      // Alternate roles: the new key pair is the peer's next ratchet key.
      theirs = ours.publicKey
      ours = next
    }
  }
}
