/**
 * The events a running murmur emits (docs/api.md lists them; the local API streams them as
 * Server-Sent Events). A small typed wrapper over EventTarget.
 */
import { setMaxListeners } from 'node:events'
import type { BlockedView, ReachabilityStatus } from './api-types.js'
import type { ContactView, MessageState, MessageView, RelayDelivery } from './types.js'

/** What happened to a contact (event `contacts`). */
export type ContactChange = 'added' | 'renamed' | 'removed' | 'verified'

/**
 * Listeners per event type before Node warns of a leak. Node's default (10) is below what a
 * running node legitimately has: one per event stream of the local API (up to 32, the web app
 * and `chat` among them) plus one per `send --wait` in progress. A leak still shows, later.
 */
export const MAX_EVENT_LISTENERS = 1024

export interface MurmurEvents {
  /** An incoming message, after it is durable. */
  message: MessageView
  /** A message changed state (sent, delivered, read, failed, expired, ...). */
  'message:state': { id: string, peerId: string, state: MessageState, reason?: string, relays?: RelayDelivery[] }
  /**
   * A conversation was marked read here (by any client of this node: the web app, another tab of
   * it, `murmur read`, `chat`): its unread count is now 0. `marked`: the incoming messages read
   * receipts go out for.
   */
  'conversation:read': { peerId: string, marked: number }
  /**
   * The contact book changed (by any client of this node: the web app, another tab of it, the
   * CLI): `contact` as it is now, or as it was for 'removed'. Pages that name conversations by
   * contact follow it instead of waiting for a reload.
   */
  contacts: { change: ContactChange, contact: ContactView }
  /**
   * A peer was blocked or unblocked here (by any client of this node): `blocked` as it is now,
   * or as it was for 'unblocked'. Pages showing its conversation follow it.
   */
  blocks: { change: 'blocked' | 'unblocked', blocked: BlockedView }
  /** A contact started a new session (lost its store, or both sides initiated at once). */
  'session:reset': { peerId: string, reason: string }
  /** An envelope from a peer could not be decrypted; it is not shown. */
  'decrypt:failed': { peerId: string, envelopeId: string, reason: string }
  /**
   * A connection to a peer opened or closed; or hole punching replaced a relayed connection by a
   * direct one ('direct', with the method and how long it took), or could not ('relayed').
   */
  connection: { peerId: string, status: 'open' | 'closed' | 'direct' | 'relayed', method?: string, ms?: number, reason?: string }
  /** How this node can be reached changed (a public address confirmed, a relay reservation taken or lost). */
  reachability: ReachabilityStatus
  /** Something the owner should know that did not stop the node (a bootstrap peer that never answered). */
  warning: { message: string }
}

export type MurmurEventName = keyof MurmurEvents

export class MurmurEventEmitter extends EventTarget {
  constructor () {
    super()
    setMaxListeners(MAX_EVENT_LISTENERS, this)
  }

  emit<K extends MurmurEventName> (type: K, detail: MurmurEvents[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }))
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends MurmurEventName> (type: K, listener: (detail: MurmurEvents[K]) => void): () => void {
    const wrapped = (event: Event): void => { listener((event as CustomEvent<MurmurEvents[K]>).detail) }
    this.addEventListener(type, wrapped)
    return () => { this.removeEventListener(type, wrapped) }
  }
}
