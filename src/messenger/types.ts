/**
 * The public shapes of the messenger API: what `createMurmur` methods return and events carry.
 * The local API (src/api) serializes exactly these.
 */
import type { HistoryState } from '../store/index.js'

export type MessageState = HistoryState

export interface MessageView {
  /** Message id (hex of the 16 random bytes chosen by the sender). */
  id: string
  /** The other party of the conversation. */
  peerId: string
  /** The local name of the contact, when it is one. */
  contact?: string
  direction: 'in' | 'out' | 'event'
  text: string
  /** Milliseconds since the Unix epoch, by the sender's clock. */
  sentAt: number
  receivedAt?: number
  state: MessageState
  reason?: string
  /** Position in the conversation. */
  seq: number
  /** Outgoing, when direct delivery failed: one line per relay that took (or refused) it. */
  relays?: RelayDelivery[]
  /**
   * In the `message` event only: the message arrived after later ones from the same sender and
   * was placed at its sender's position, above the newest entry (its `seq` is below theirs).
   * A client puts it in place by `seq` (docs/messaging.md "Order").
   */
  late?: true
}

export interface RelayDelivery {
  /** The relay's peer ID. */
  relay: string
  /** stored: the relay holds it; refused: QUOTA, TOO_LARGE, NOT_FOUND, RATE_LIMITED... */
  status: 'stored' | 'refused'
  reason?: string
}

export interface ContactView {
  name: string
  peerId: string
  verified: boolean
  addedAt: number
}

export interface ConversationView {
  peerId: string
  contact?: string
  unread: number
  lastMessageAt: number
  lastMessage?: MessageView
}

export interface SafetyNumberView {
  peerId: string
  contact?: string
  /** 60 digits in groups of 5: compare them with your contact's screen. */
  safetyNumber: string
  verified: boolean
}
