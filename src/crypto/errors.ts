/**
 * Typed errors of the crypto core, in the js-libp2p style: one class per failure, each with
 * a stable `name` that callers (and the wire error frames) can switch on.
 *
 * Every function that throws one of these leaves its inputs untouched: state is only ever
 * returned, never mutated, so a failure changes nothing.
 */

/** An AEAD tag did not verify: wrong key, tampered ciphertext or tampered associated data. */
export class DecryptionError extends Error {
  static name = 'DecryptionError'
  constructor (message = 'Decryption failed') {
    super(message)
    this.name = 'DecryptionError'
  }
}

/** An X25519 public key is of small order, or a Diffie-Hellman result is all zeros. */
export class LowOrderPointError extends Error {
  static name = 'LowOrderPointError'
  constructor (message = 'X25519 public key is of low order') {
    super(message)
    this.name = 'LowOrderPointError'
  }
}

/** A key has the wrong length or encoding. */
export class InvalidKeyError extends Error {
  static name = 'InvalidKeyError'
  constructor (message = 'Invalid key') {
    super(message)
    this.name = 'InvalidKeyError'
  }
}

/** A signature did not verify under the expected identity key. */
export class InvalidSignatureError extends Error {
  static name = 'InvalidSignatureError'
  constructor (message = 'Invalid signature') {
    super(message)
    this.name = 'InvalidSignatureError'
  }
}

/** A prekey bundle failed verification; `reason` says which check failed. */
export class InvalidBundleError extends Error {
  static name = 'InvalidBundleError'
  readonly reason: string
  constructor (reason: string, message = `Invalid prekey bundle: ${reason}`) {
    super(message)
    this.name = 'InvalidBundleError'
    this.reason = reason
  }
}

/** A message is malformed: wrong version, truncated or oversized fields, bad encoding. */
export class InvalidMessageError extends Error {
  static name = 'InvalidMessageError'
  constructor (message = 'Invalid message') {
    super(message)
    this.name = 'InvalidMessageError'
  }
}

/** A message was already decrypted by this session (a replay or a duplicate delivery). */
export class DuplicateMessageError extends Error {
  static name = 'DuplicateMessageError'
  constructor (message = 'Message already received') {
    super(message)
    this.name = 'DuplicateMessageError'
  }
}

/**
 * The key for a skipped message is gone: evicted because more than MAX_SKIPPED_KEYS were held,
 * or expired after SKIPPED_KEY_MAX_AGE_MS.
 */
export class MessageKeyUnavailableError extends Error {
  static name = 'MessageKeyUnavailableError'
  readonly reason: 'evicted' | 'expired'
  constructor (reason: 'evicted' | 'expired', message = `Message key ${reason}`) {
    super(message)
    this.name = 'MessageKeyUnavailableError'
    this.reason = reason
  }
}

/** A header asks to skip more than MAX_SKIP message keys in one chain. */
export class TooManySkippedMessagesError extends Error {
  static name = 'TooManySkippedMessagesError'
  constructor (message = 'Too many skipped messages') {
    super(message)
    this.name = 'TooManySkippedMessagesError'
  }
}

/** No header key of the session decrypts the message header. */
export class HeaderDecryptionError extends Error {
  static name = 'HeaderDecryptionError'
  constructor (message = 'No header key decrypts this message header') {
    super(message)
    this.name = 'HeaderDecryptionError'
  }
}

/** Serialized state could not be decoded, or is of an unknown version. */
export class InvalidStateError extends Error {
  static name = 'InvalidStateError'
  constructor (message = 'Invalid serialized state') {
    super(message)
    this.name = 'InvalidStateError'
  }
}

/** A prekey message names a prekey this identity does not hold (used, rotated out, or never issued). */
export class PreKeyNotFoundError extends Error {
  static name = 'PreKeyNotFoundError'
  constructor (message = 'Prekey not found') {
    super(message)
    this.name = 'PreKeyNotFoundError'
  }
}

/** A prekey message reuses a base key already accepted under the last-resort KEM prekey. */
export class BaseKeyReusedError extends Error {
  static name = 'BaseKeyReusedError'
  constructor (message = 'Base key already used with this last-resort prekey') {
    super(message)
    this.name = 'BaseKeyReusedError'
  }
}

/** A prekey message is addressed to a different identity than ours. */
export class WrongRecipientError extends Error {
  static name = 'WrongRecipientError'
  constructor (message = 'Message is addressed to another identity') {
    super(message)
    this.name = 'WrongRecipientError'
  }
}

/** There is no session to encrypt or decrypt with. */
export class NoSessionError extends Error {
  static name = 'NoSessionError'
  constructor (message = 'No session') {
    super(message)
    this.name = 'NoSessionError'
  }
}
