/**
 * A history entry as read: the entry, with the delivery state written beside it since, if any
 * (sublevel `historyState`, laid over `history` by layout.ts; docs/store.md "History states").
 * A state change is a few bytes beside the entry instead of the whole entry encoded and sealed
 * again; stores written before have no state records, and read as they are.
 */
import type { HistoryRecord, HistoryStateRecord } from './records.js'

export function withState (entry: HistoryRecord, change: HistoryStateRecord | undefined): HistoryRecord {
  if (change === undefined) return entry
  const merged: HistoryRecord = { ...entry, state: change.state, updatedAt: change.updatedAt }
  if (change.reason !== undefined) merged.reason = change.reason
  else delete merged.reason
  return merged
}
