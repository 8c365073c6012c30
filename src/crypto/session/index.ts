/** Session records over PQXDH and the Triple Ratchet (docs/protocol.md part 4). */
export { ARCHIVED_SESSIONS_MAX, SESSION_RECORD_VERSION } from './types.js'
export type { Session, SessionRecord, SessionRole, SessionMessage, PendingPreKey } from './types.js'
export { RemoteIdentityMismatchError, LegacySessionRecordError } from './errors.js'
export { initiateSession, type InitiateSessionOptions } from './initiate.js'
export { sessionEncrypt, type SessionEncryptOptions } from './encrypt.js'
export { sessionDecrypt, type SessionDecryptOptions, type SessionDecryptResult } from './decrypt.js'
export { serializeSessionRecord, deserializeSessionRecord } from './serialize.js'
