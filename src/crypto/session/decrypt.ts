/**
 * Decrypt a session message against a record (docs/protocol.md part 4 "Receiving"):
 *
 * - prekey: a base key that names a responder session we hold (current or archived) decrypts
 *   in that session (the initiator repeats its header; the ratchet catches duplicates);
 *   otherwise PQXDH responds, the new session becomes current and the old one is archived.
 * - ratchet: try current, then the archived sessions newest first; the first that decrypts
 *   is promoted to current. If none does, the current session's error is thrown.
 *
 * Pure: nothing of a failed attempt survives; the caller persists the returned record, then
 * consumes the prekeys named in `consumed`.
 */
import { InvalidMessageError, NoSessionError, WrongRecipientError } from '../errors.js'
import { acceptPreKeyMessage, type ConsumedPreKeys, type ResponderContext } from '../pqxdh/accept.js'
import { bytesEqual } from '../pqxdh/bytes.js'
import { decodePreKeyMessage, type PreKeyMessage } from '../pqxdh/message.js'
import type { CryptoProvider } from '../provider.js'
import { ratchetDecrypt } from '../ratchet/index.js'
import { RemoteIdentityMismatchError } from './errors.js'
import { sessionsInOrder, withNewCurrent, withUpdatedSession } from './record.js'
import type { Session, SessionMessage, SessionRecord } from './types.js'

export interface SessionDecryptOptions {
  /** Creation time of a new session and the ratchet's clock (skipped-key ages). */
  now?: number
}

export interface SessionDecryptResult {
  record: SessionRecord
  plaintext: Uint8Array
  /** A new session was accepted from a PQXDH header. */
  established: boolean
  /** That new session replaced an existing current session. */
  reset: boolean
  /** Prekeys to consume once `record` is durable (empty unless `established`). */
  consumed: ConsumedPreKeys
}

function decryptIn (provider: CryptoProvider, session: Session, bytes: Uint8Array, now: number | undefined): { session: Session, plaintext: Uint8Array } {
  const { state, plaintext } = ratchetDecrypt(provider, session.ratchet, bytes, { now })
  // A message from the peer in this session proves it holds it: stop repeating the header.
  const updated: Session = { ...session, ratchet: state }
  delete updated.pendingPreKey
  return { session: updated, plaintext }
}

function decryptPreKey (provider: CryptoProvider, record: SessionRecord | undefined, message: PreKeyMessage, context: ResponderContext, now: number | undefined): SessionDecryptResult {
  if (!bytesEqual(message.recipientIdentityKey, context.identity.publicKey)) throw new WrongRecipientError()
  if (record != null && !bytesEqual(record.current.remoteIdentityKey, message.identityKey)) throw new RemoteIdentityMismatchError()
  if (record != null) {
    for (const { index, session } of sessionsInOrder(record)) {
      if (session.role === 'responder' && bytesEqual(session.baseKey, message.baseKey)) {
        const result = decryptIn(provider, session, message.message, now)
        return { record: withUpdatedSession(record, index, result.session), plaintext: result.plaintext, established: false, reset: false, consumed: {} }
      }
    }
  }
  const accepted = acceptPreKeyMessage(provider, context, message, { now })
  const session: Session = {
    ratchet: accepted.state,
    localIdentityKey: context.identity.publicKey.slice(),
    remoteIdentityKey: message.identityKey,
    baseKey: message.baseKey,
    role: 'responder',
    createdAt: now ?? Date.now()
  }
  return { record: withNewCurrent(record, session), plaintext: accepted.plaintext, established: true, reset: record != null, consumed: accepted.consumed }
}

export function sessionDecrypt (provider: CryptoProvider, record: SessionRecord | undefined, message: SessionMessage, context: ResponderContext, options: SessionDecryptOptions = {}): SessionDecryptResult {
  const { now } = options
  if (message.kind === 'prekey') return decryptPreKey(provider, record, decodePreKeyMessage(message.bytes), context, now)
  if (message.kind !== 'ratchet') throw new InvalidMessageError('Unknown session message kind')
  if (record == null) throw new NoSessionError()
  let firstError: unknown
  for (const { index, session } of sessionsInOrder(record)) {
    try {
      const result = decryptIn(provider, session, message.bytes, now)
      return { record: withUpdatedSession(record, index, result.session), plaintext: result.plaintext, established: false, reset: false, consumed: {} }
    } catch (err) {
      if (index < 0) firstError = err
    }
  }
  throw firstError
}
