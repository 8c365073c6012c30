/**
 * Encrypt with the current session. While the session still has a pending PQXDH header (no
 * reply yet), every message is a PreKeyMessage repeating it, so whichever message arrives
 * first can establish the session (PQXDH spec §3.3; Signal does the same).
 */
import { NoSessionError } from '../errors.js'
import { encodePreKeyMessage } from '../pqxdh/message.js'
import type { CryptoProvider } from '../provider.js'
import { ratchetEncrypt } from '../ratchet/index.js'
import type { SessionMessage, SessionRecord } from './types.js'

export interface SessionEncryptOptions {
  now?: number
}

export function sessionEncrypt (provider: CryptoProvider, record: SessionRecord | undefined, plaintext: Uint8Array, options: SessionEncryptOptions = {}): { record: SessionRecord, message: SessionMessage } {
  if (record == null) throw new NoSessionError()
  const session = record.current
  const { state, message } = ratchetEncrypt(provider, session.ratchet, plaintext, options)
  const updated: SessionRecord = { current: { ...session, ratchet: state }, archived: record.archived }
  const pending = session.pendingPreKey
  if (pending == null) return { record: updated, message: { kind: 'ratchet', bytes: message } }
  const bytes = encodePreKeyMessage({
    identityKey: session.localIdentityKey,
    recipientIdentityKey: session.remoteIdentityKey,
    baseKey: session.baseKey,
    ...pending,
    message
  })
  return { record: updated, message: { kind: 'prekey', bytes } }
}
