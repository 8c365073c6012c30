/**
 * Ratchet message headers and their encryption (Double Ratchet spec §4, HENCRYPT/HDECRYPT).
 *
 * Plaintext header, 44 bytes: ratchetPublicKey(32) || u32be(previousChainLength) ||
 * u32be(messageNumber) || u32be(epoch). Encrypted header, 84 bytes: headerNonce(24) ||
 * XChaCha20-Poly1305(headerKey, headerNonce, header, ad = session AD).
 */
import { DecryptionError, InvalidMessageError } from '../errors.js'
import type { CryptoProvider } from '../provider.js'
import {
  ENCRYPTED_HEADER_LENGTH, HEADER_LENGTH, HEADER_NONCE_LENGTH, KEY_LENGTH, MAX_MESSAGE_NUMBER
} from './constants.js'
import { concatBytes } from './bytes.js'

export interface RatchetHeader {
  /** The sender's current ratchet public key (DHs.public). */
  ratchetPublicKey: Uint8Array
  /** PN: number of messages in the sender's previous sending chain. */
  previousChainLength: number
  /** N: this message's number in the current sending chain. */
  messageNumber: number
  /** The post-quantum epoch of the sending chain (docs/protocol.md part 3b). */
  epoch: number
}

function checkU32 (value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_MESSAGE_NUMBER) {
    throw new InvalidMessageError(`${what} must be a u32`)
  }
}

export function encodeHeader (header: RatchetHeader): Uint8Array {
  if (header.ratchetPublicKey.length !== KEY_LENGTH) throw new InvalidMessageError('ratchet public key must be 32 bytes')
  checkU32(header.previousChainLength, 'previous chain length')
  checkU32(header.messageNumber, 'message number')
  checkU32(header.epoch, 'epoch')
  const out = new Uint8Array(HEADER_LENGTH)
  out.set(header.ratchetPublicKey, 0)
  const view = new DataView(out.buffer)
  view.setUint32(32, header.previousChainLength, false)
  view.setUint32(36, header.messageNumber, false)
  view.setUint32(40, header.epoch, false)
  return out
}

export function decodeHeader (bytes: Uint8Array): RatchetHeader {
  if (bytes.length !== HEADER_LENGTH) throw new InvalidMessageError('header must be 44 bytes')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return {
    ratchetPublicKey: bytes.slice(0, KEY_LENGTH),
    previousChainLength: view.getUint32(32, false),
    messageNumber: view.getUint32(36, false),
    epoch: view.getUint32(40, false)
  }
}

/** HENCRYPT: headerNonce || XChaCha20-Poly1305(headerKey, headerNonce, encodeHeader(header), ad). */
export function encryptHeader (provider: CryptoProvider, headerKey: Uint8Array, headerNonce: Uint8Array, header: RatchetHeader, ad: Uint8Array): Uint8Array {
  if (headerNonce.length !== HEADER_NONCE_LENGTH) throw new InvalidMessageError('header nonce must be 24 bytes')
  const sealed = provider.xchacha20poly1305Seal(headerKey, headerNonce, encodeHeader(header), ad)
  return concatBytes(headerNonce, sealed)
}

/**
 * HDECRYPT: the header if `headerKey` authenticates `encryptedHeader` under `ad`, otherwise
 * null (trial decryption with several keys is the normal case, spec §4).
 */
export function decryptHeader (provider: CryptoProvider, headerKey: Uint8Array, encryptedHeader: Uint8Array, ad: Uint8Array): RatchetHeader | null {
  if (encryptedHeader.length !== ENCRYPTED_HEADER_LENGTH) throw new InvalidMessageError('encrypted header must be 84 bytes')
  const nonce = encryptedHeader.subarray(0, HEADER_NONCE_LENGTH)
  const sealed = encryptedHeader.subarray(HEADER_NONCE_LENGTH)
  let plain: Uint8Array | null
  if (provider.xchacha20poly1305TryOpen !== undefined) {
    // No exception on the expected failure of a trial (see provider.ts).
    plain = provider.xchacha20poly1305TryOpen(headerKey, nonce, sealed, ad)
  } else {
    try {
      plain = provider.xchacha20poly1305Open(headerKey, nonce, sealed, ad)
    } catch (err) {
      if (err instanceof DecryptionError) return null
      throw err
    }
  }
  return plain === null ? null : decodeHeader(plain)
}
