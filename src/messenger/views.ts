/**
 * History records as the API shows them, and the order of delivery states.
 */
import type { HistoryRecord, HistoryState } from '../store/index.js'
import type { MessageView } from './types.js'

export function messageView (record: HistoryRecord, contact?: string): MessageView {
  return {
    id: record.id,
    peerId: record.peerId,
    ...(contact !== undefined ? { contact } : {}),
    direction: record.direction,
    text: record.text,
    sentAt: record.sentAt,
    ...(record.receivedAt !== undefined ? { receivedAt: record.receivedAt } : {}),
    state: record.state,
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
    seq: record.seq,
    ...(record.relays !== undefined ? { relays: record.relays } : {})
  }
}

const RANK: Record<HistoryState, number> = {
  queued: 0, failed: 0, expired: 0, sent: 1, stored: 1, delivered: 2, read: 3, received: 0
}

/** True when `next` is further along than `current` (states never move backwards). */
export function advances (current: HistoryState, next: HistoryState): boolean {
  if (current === 'failed' || current === 'expired') return next === 'delivered' || next === 'read'
  return RANK[next] > RANK[current]
}
