/**
 * Record operations shared by encrypt/decrypt/initiate: archiving and promotion. Pure: each
 * returns a new record.
 */
import type { Session, SessionRecord } from './types.js'
import { ARCHIVED_SESSIONS_MAX } from './types.js'

/** `session` becomes current; the old current goes to the front of the archive (oldest dropped). */
export function withNewCurrent (record: SessionRecord | undefined, session: Session): SessionRecord {
  if (record == null) return { current: session, archived: [] }
  return { current: session, archived: [record.current, ...record.archived].slice(0, ARCHIVED_SESSIONS_MAX) }
}

/**
 * Replace the session at `index` (-1 = current, else archived[index]) with `updated`, and make
 * it current: a session that just decrypted is the one the peer is using, so we answer in it
 * (Signal's promoteState).
 */
export function withUpdatedSession (record: SessionRecord, index: number, updated: Session): SessionRecord {
  if (index < 0) return { current: updated, archived: record.archived }
  const archived = record.archived.filter((_, i) => i !== index)
  return { current: updated, archived: [record.current, ...archived].slice(0, ARCHIVED_SESSIONS_MAX) }
}

/** current, then the archived sessions in order, each with its index for withUpdatedSession. */
export function sessionsInOrder (record: SessionRecord): Array<{ index: number, session: Session }> {
  return [{ index: -1, session: record.current }, ...record.archived.map((session, index) => ({ index, session }))]
}
