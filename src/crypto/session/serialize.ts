/**
 * Lossless storage form of a SessionRecord: src/wire/session-record.proto, embedding the
 * ratchet's own serializeRatchetState bytes. Garbage, unknown versions, wrong lengths ->
 * InvalidStateError.
 */
import { InvalidStateError } from '../errors.js'
import { ED25519_PUBLIC_KEY_LENGTH, MLKEM768_CIPHERTEXT_LENGTH, X25519_KEY_LENGTH } from '../provider.js'
import { deserializeRatchetState, serializeRatchetState } from '../ratchet/index.js'
import { PendingPreKey as WirePending, StoredSession, StoredSessionRecord } from '../../wire/session-record.js'
import { LegacySessionRecordError } from './errors.js'
import { ARCHIVED_SESSIONS_MAX, LEGACY_SESSION_RECORD_VERSION, SESSION_RECORD_VERSION, type PendingPreKey, type Session, type SessionRecord } from './types.js'

type B = Uint8Array<ArrayBuffer>

function toWireSession (session: Session): StoredSession {
  const wire: StoredSession = {
    ratchetState: serializeRatchetState(session.ratchet) as B,
    localIdentityKey: session.localIdentityKey as B,
    remoteIdentityKey: session.remoteIdentityKey as B,
    baseKey: session.baseKey as B,
    role: session.role === 'initiator' ? StoredSession.Role.INITIATOR : StoredSession.Role.RESPONDER,
    createdAt: BigInt(session.createdAt)
  }
  const pending = session.pendingPreKey
  if (pending != null) {
    wire.pendingPreKey = {
      signedPreKeyId: pending.signedPreKeyId,
      kemPreKeyId: pending.kemPreKeyId,
      kemPreKeyKind: pending.kemPreKeyKind === 'one-time' ? WirePending.KemPreKeyKind.ONE_TIME : WirePending.KemPreKeyKind.LAST_RESORT,
      kemCiphertext: pending.kemCiphertext as B
    }
    if (pending.oneTimePreKeyId != null) wire.pendingPreKey.oneTimePreKeyId = pending.oneTimePreKeyId
  }
  return wire
}

export function serializeSessionRecord (record: SessionRecord): Uint8Array {
  return StoredSessionRecord.encode({
    version: SESSION_RECORD_VERSION,
    current: toWireSession(record.current),
    archived: record.archived.map(toWireSession)
  })
}

function fromWireSession (wire: StoredSession): Session {
  if (wire.localIdentityKey.length !== ED25519_PUBLIC_KEY_LENGTH) throw new InvalidStateError('Session localIdentityKey must be 32 bytes')
  if (wire.remoteIdentityKey.length !== ED25519_PUBLIC_KEY_LENGTH) throw new InvalidStateError('Session remoteIdentityKey must be 32 bytes')
  if (wire.baseKey.length !== X25519_KEY_LENGTH) throw new InvalidStateError('Session baseKey must be 32 bytes')
  let role: Session['role']
  if (wire.role === StoredSession.Role.INITIATOR) role = 'initiator'
  else if (wire.role === StoredSession.Role.RESPONDER) role = 'responder'
  else throw new InvalidStateError('Session role is unknown')
  if (wire.createdAt > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidStateError('Session createdAt out of range')
  const session: Session = {
    ratchet: deserializeRatchetState(wire.ratchetState),
    localIdentityKey: wire.localIdentityKey,
    remoteIdentityKey: wire.remoteIdentityKey,
    baseKey: wire.baseKey,
    role,
    createdAt: Number(wire.createdAt)
  }
  const p = wire.pendingPreKey
  if (p != null) {
    if (role !== 'initiator') throw new InvalidStateError('Only an initiator session has a pending PQXDH header')
    if (p.kemCiphertext.length !== MLKEM768_CIPHERTEXT_LENGTH) throw new InvalidStateError('Pending kemCiphertext must be 1088 bytes')
    let kemPreKeyKind: PendingPreKey['kemPreKeyKind']
    if (p.kemPreKeyKind === WirePending.KemPreKeyKind.ONE_TIME) kemPreKeyKind = 'one-time'
    else if (p.kemPreKeyKind === WirePending.KemPreKeyKind.LAST_RESORT) kemPreKeyKind = 'last-resort'
    else throw new InvalidStateError('Pending kemPreKeyKind is unknown')
    const pending: PendingPreKey = { signedPreKeyId: p.signedPreKeyId, kemPreKeyId: p.kemPreKeyId, kemPreKeyKind, kemCiphertext: p.kemCiphertext }
    if (p.oneTimePreKeyId != null) pending.oneTimePreKeyId = p.oneTimePreKeyId
    session.pendingPreKey = pending
  }
  return session
}

export function deserializeSessionRecord (bytes: Uint8Array): SessionRecord {
  let wire: StoredSessionRecord
  try {
    wire = StoredSessionRecord.decode(bytes, { limits: { archived: ARCHIVED_SESSIONS_MAX } })
  } catch {
    throw new InvalidStateError('Session record is not decodable')
  }
  if (wire.version === LEGACY_SESSION_RECORD_VERSION) throw new LegacySessionRecordError()
  if (wire.version !== SESSION_RECORD_VERSION) throw new InvalidStateError(`Unknown session record version ${String(wire.version)}`)
  if (wire.current == null) throw new InvalidStateError('Session record has no current session')
  // deserializeRatchetState throws InvalidStateError itself on a bad embedded state.
  return { current: fromWireSession(wire.current), archived: wire.archived.map(fromWireSession) }
}
