/**
 * Typed errors of the crypto core, in the js-libp2p style: one class per failure, each with
 * a stable `name` that callers (and the wire error frames) can switch on.
 *
 * Every function that throws one of these leaves its inputs untouched: state is only ever
 * returned, never mutated, so a failure changes nothing.
 */
import { MurmurError } from '../errors/murmur-error.js'

/** An AEAD tag did not verify: wrong key, tampered ciphertext or tampered associated data. */
export class DecryptionError extends MurmurError {
  constructor (message = 'Decryption failed') {
    super(message)
  }
}

/** An X25519 public key is of small order, or a Diffie-Hellman result is all zeros. */
export class LowOrderPointError extends MurmurError {
  constructor (message = 'X25519 public key is of low order') {
    super(message)
  }
}

/** A key has the wrong length or encoding. */
export class InvalidKeyError extends MurmurError {
  constructor (message = 'Invalid key') {
    super(message)
  }
}

/** A signature did not verify under the expected identity key. */
export class InvalidSignatureError extends MurmurError {
  constructor (message = 'Invalid signature') {
    super(message)
  }
}

/** A prekey bundle failed verification; `reason` says which check failed. */
export class InvalidBundleError extends MurmurError {
  readonly reason: string
  constructor (reason: string, message = `Invalid prekey bundle: ${reason}`) {
    super(message)
    this.reason = reason
  }
}

/** A message is malformed: wrong version, truncated or oversized fields, bad encoding. */
export class InvalidMessageError extends MurmurError {
  constructor (message = 'Invalid message') {
    super(message)
  }
}

/** A message was already decrypted by this session (a replay or a duplicate delivery). */
export class DuplicateMessageError extends MurmurError {
  constructor (message = 'Message already received') {
    super(message)
  }
}

/**
 * The key for a skipped message is gone: evicted because more than MAX_SKIPPED_KEYS were held,
 * or expired after SKIPPED_KEY_MAX_AGE_MS.
 */
export class MessageKeyUnavailableError extends MurmurError {
  readonly reason: 'evicted' | 'expired'
  constructor (reason: 'evicted' | 'expired', message = `Message key ${reason}`) {
    super(message)
    this.reason = reason
  }
}

/** A header asks to skip more than MAX_SKIP message keys in one chain. */
export class TooManySkippedMessagesError extends MurmurError {
  constructor (message = 'Too many skipped messages') {
    super(message)
  }
}

/** No header key of the session decrypts the message header. */
export class HeaderDecryptionError extends MurmurError {
  constructor (message = 'No header key decrypts this message header') {
    super(message)
  }
}

/** Serialized state could not be decoded, or is of an unknown version. */
export class InvalidStateError extends MurmurError {
  constructor (message = 'Invalid serialized state') {
    super(message)
  }
}

/** A prekey message names a prekey this identity does not hold (used, rotated out, or never issued). */
export class PreKeyNotFoundError extends MurmurError {
  constructor (message = 'Prekey not found') {
    super(message)
  }
}

/** A prekey message reuses a base key already accepted under the last-resort KEM prekey. */
export class BaseKeyReusedError extends MurmurError {
  constructor (message = 'Base key already used with this last-resort prekey') {
    super(message)
  }
}

/** A prekey message is addressed to a different identity than ours. */
export class WrongRecipientError extends MurmurError {
  constructor (message = 'Message is addressed to another identity') {
    super(message)
  }
}

/** There is no session to encrypt or decrypt with. */
export class NoSessionError extends MurmurError {
  constructor (message = 'No session') {
    super(message)
  }
}

/**
 * A crypto engine failed where it cannot with valid inputs (libsodium's module out of memory,
 * or refusing a call the caller had checked): an internal failure, never a verdict on the data.
 */
export class CryptoEngineError extends MurmurError {
  constructor (message = 'The crypto engine failed') {
    super(message)
  }
}
