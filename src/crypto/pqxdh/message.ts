/**
 * The PreKeyMessage: the PQXDH header (PQXDH spec §3.3, "Alice then sends Bob an initial
 * message containing...") plus a ratchet message. Encoded as src/wire/prekey.proto
 * PreKeyMessage; decoded strictly: every length is checked after protobuf decoding.
 */
import { InvalidMessageError } from '../errors.js'
import { ED25519_PUBLIC_KEY_LENGTH, MLKEM768_CIPHERTEXT_LENGTH, X25519_KEY_LENGTH } from '../provider.js'
import { PreKeyMessage as WirePreKeyMessage } from '../../wire/prekey.js'
import { PREKEY_MESSAGE_VERSION } from './constants.js'
import type { KemPreKeyKind } from './prekeys.js'

/** Everything of a PreKeyMessage but the ratchet message. */
export interface PreKeyHeader {
  /** IK_A: the initiator's Ed25519 identity key. */
  identityKey: Uint8Array
  /** IK_B: the Ed25519 identity key the initiator believes it is talking to. */
  recipientIdentityKey: Uint8Array
  /** EK_A: the initiator's ephemeral X25519 public key. */
  baseKey: Uint8Array
  signedPreKeyId: number
  kemPreKeyId: number
  kemPreKeyKind: KemPreKeyKind
  /** ML-KEM-768 ciphertext (1088). */
  kemCiphertext: Uint8Array
  oneTimePreKeyId?: number
}

export interface PreKeyMessage extends PreKeyHeader {
  /** The first (or a repeated-header) ratchet message. */
  message: Uint8Array
}

function toWireKind (kind: KemPreKeyKind): WirePreKeyMessage.KemPreKeyKind {
  return kind === 'one-time' ? WirePreKeyMessage.KemPreKeyKind.ONE_TIME : WirePreKeyMessage.KemPreKeyKind.LAST_RESORT
}

export function encodePreKeyMessage (message: PreKeyMessage): Uint8Array {
  const wire: Partial<WirePreKeyMessage> = {
    version: PREKEY_MESSAGE_VERSION,
    identityKey: message.identityKey as Uint8Array<ArrayBuffer>,
    recipientIdentityKey: message.recipientIdentityKey as Uint8Array<ArrayBuffer>,
    baseKey: message.baseKey as Uint8Array<ArrayBuffer>,
    signedPreKeyId: message.signedPreKeyId,
    kemPreKeyId: message.kemPreKeyId,
    kemPreKeyKind: toWireKind(message.kemPreKeyKind),
    kemCiphertext: message.kemCiphertext as Uint8Array<ArrayBuffer>,
    message: message.message as Uint8Array<ArrayBuffer>
  }
  if (message.oneTimePreKeyId != null) wire.oneTimePreKeyId = message.oneTimePreKeyId
  return WirePreKeyMessage.encode(wire)
}

/** Decode untrusted bytes; anything malformed, of another version or of a wrong length -> InvalidMessageError. */
export function decodePreKeyMessage (bytes: Uint8Array): PreKeyMessage {
  let wire: WirePreKeyMessage
  try {
    wire = WirePreKeyMessage.decode(bytes)
  } catch {
    throw new InvalidMessageError('PreKeyMessage is not decodable')
  }
  if (wire.version !== PREKEY_MESSAGE_VERSION) throw new InvalidMessageError(`Unknown PreKeyMessage version ${String(wire.version)}`)
  if (wire.identityKey.length !== ED25519_PUBLIC_KEY_LENGTH) throw new InvalidMessageError('PreKeyMessage identityKey must be 32 bytes')
  if (wire.recipientIdentityKey.length !== ED25519_PUBLIC_KEY_LENGTH) throw new InvalidMessageError('PreKeyMessage recipientIdentityKey must be 32 bytes')
  if (wire.baseKey.length !== X25519_KEY_LENGTH) throw new InvalidMessageError('PreKeyMessage baseKey must be 32 bytes')
  if (wire.kemCiphertext.length !== MLKEM768_CIPHERTEXT_LENGTH) throw new InvalidMessageError('PreKeyMessage kemCiphertext must be 1088 bytes')
  if (wire.message.length === 0) throw new InvalidMessageError('PreKeyMessage carries no ratchet message')
  let kemPreKeyKind: KemPreKeyKind
  if (wire.kemPreKeyKind === WirePreKeyMessage.KemPreKeyKind.ONE_TIME) kemPreKeyKind = 'one-time'
  else if (wire.kemPreKeyKind === WirePreKeyMessage.KemPreKeyKind.LAST_RESORT) kemPreKeyKind = 'last-resort'
  else throw new InvalidMessageError('PreKeyMessage kemPreKeyKind must be ONE_TIME or LAST_RESORT')
  const message: PreKeyMessage = {
    identityKey: wire.identityKey,
    recipientIdentityKey: wire.recipientIdentityKey,
    baseKey: wire.baseKey,
    signedPreKeyId: wire.signedPreKeyId,
    kemPreKeyId: wire.kemPreKeyId,
    kemPreKeyKind,
    kemCiphertext: wire.kemCiphertext,
    message: wire.message
  }
  if (wire.oneTimePreKeyId != null) message.oneTimePreKeyId = wire.oneTimePreKeyId
  return message
}
