/**
 * The app's state, and the actions that change it through the API. Live updates come from
 * the event stream (live.ts); every list is keyed by message id, so a message that arrives
 * both in a history page and as an event is shown once.
 */
import type { BlockedView, IdView } from '../../src/messenger/api-types.js'
import type { ContactView, ConversationView, MessageView, RelayDelivery } from '../../src/messenger/types.js'
import { call, errorText } from './api.js'
import type { StateRead } from './link.js'
import { Observable } from './store.js'

/** History is read in pages of this many messages (the API allows up to 1,000). */
export const PAGE_SIZE = 50

/** 'signing-in': a sign-in code waits for the node to answer (live.ts signInWhenReachable). */
export type Connection = 'connecting' | 'live' | 'stopped' | 'signing-in' | 'signed-out'

export interface ConversationState {
  peerId: string
  messages: MessageView[]
  /** Older messages exist (the last page read was full). */
  hasMore: boolean
  loading: boolean
  error?: string
}

export interface Problem {
  at: number
  text: string
}

export const connection = new Observable<Connection>('connecting')
/** The sign-in code in the URL was refused (used, unknown or expired). */
export const signInFailed = new Observable(false)
export const me = new Observable<IdView | undefined>(undefined)
export const contacts = new Observable<ContactView[]>([])
export const inbox = new Observable<ConversationView[]>([])
export const conversation = new Observable<ConversationState | undefined>(undefined)
/** The peers blocked here, as the last read of the state had them. */
export const blocked = new Observable<BlockedView[]>([])
/** What went wrong since the page opened (decrypt failures, failed messages, failed calls). */
export const problems = new Observable<Problem[]>([])

const MAX_PROBLEMS = 50

export function reportProblem (text: string): void {
  problems.update(list => [{ at: Date.now(), text }, ...list].slice(0, MAX_PROBLEMS))
}

/** peer ID -> contact name. */
export function namesOf (list: ContactView[]): Map<string, string> {
  return new Map(list.map(c => [c.peerId, c.name]))
}

// States only move forward (src/messenger/views.ts): a late answer must not undo a newer event.
const RANK: Record<string, number> = { queued: 0, failed: 0, expired: 0, sent: 1, stored: 1, delivered: 2, read: 3, received: 0 }

function newer (current: MessageView, next: MessageView): MessageView {
  if (current.state === next.state) return { ...current, ...next }
  const advances = current.state === 'failed' || current.state === 'expired'
    ? next.state !== 'failed' && next.state !== 'expired'
    : RANK[next.state] >= RANK[current.state]
  return advances ? { ...current, ...next } : current
}

/** Merges messages by id, ordered by their position in the conversation. */
export function mergeMessages (existing: MessageView[], incoming: MessageView[]): MessageView[] {
  const byId = new Map(existing.map(m => [m.id, m]))
  for (const m of incoming) {
    const old = byId.get(m.id)
    byId.set(m.id, old === undefined ? m : newer(old, m))
  }
  return [...byId.values()].sort((a, b) => a.seq - b.seq)
}

export async function refreshContacts (): Promise<void> {
  contacts.set(await call('contacts.list', {}))
}

let rereadRequest = (): void => {}

/** live.ts: how to read the state again (link.ts holds the events meanwhile). */
export function onRereadRequest (reread: () => void): void {
  rereadRequest = reread
}

/**
 * Reads contacts and conversations again, through the live link, after a change no event
 * reports (a contact renamed or removed: the list shows conversations by the names it read).
 * Not a bare `inbox` call: a message that came while it was in flight would be counted, then
 * lost under an answer made before it.
 */
export function rereadState (): void {
  rereadRequest()
}

/** The state a link read once its event stream was open (link.ts). */
export function applyRead (read: StateRead): void {
  contacts.set(read.contacts)
  inbox.set(read.inbox)
  blocked.set(read.blocked)
}

export async function refreshMe (): Promise<void> {
  me.set(await call('id', {}))
}

/** Opens a conversation: its newest page of history. */
export async function openConversation (peerId: string): Promise<void> {
  const current = conversation.value
  if (current?.peerId !== peerId) conversation.set({ peerId, messages: [], hasMore: false, loading: true })
  await reloadConversation()
}

/** Re-reads the newest page of the open conversation (after a reconnect), keeping older pages. */
export async function reloadConversation (): Promise<void> {
  const open = conversation.value
  if (open === undefined) return
  try {
    const page = await call('history', { to: open.peerId, limit: PAGE_SIZE })
    const now = conversation.value
    if (now?.peerId !== open.peerId) return
    conversation.set({ ...now, messages: mergeMessages(now.messages, page), hasMore: now.messages.length > 0 ? now.hasMore : page.length === PAGE_SIZE, loading: false })
  } catch (err) {
    const now = conversation.value
    if (now?.peerId === open.peerId) conversation.set({ ...now, loading: false, error: errorText(err) })
  }
}

/** Reads the page before the oldest message shown (paging back on scroll). */
export async function loadEarlier (): Promise<void> {
  const open = conversation.value
  if (open === undefined || open.loading || !open.hasMore || open.messages.length === 0) return
  conversation.set({ ...open, loading: true })
  try {
    const page = await call('history', { to: open.peerId, limit: PAGE_SIZE, before: open.messages[0].seq })
    const now = conversation.value
    if (now?.peerId !== open.peerId) return
    conversation.set({ ...now, messages: mergeMessages(now.messages, page), hasMore: page.length === PAGE_SIZE, loading: false })
  } catch (err) {
    const now = conversation.value
    if (now?.peerId === open.peerId) conversation.set({ ...now, loading: false, error: errorText(err) })
  }
}

export function closeConversation (): void {
  conversation.set(undefined)
}

function putInConversation (messages: MessageView[]): void {
  const open = conversation.value
  if (open === undefined) return
  const mine = messages.filter(m => m.peerId === open.peerId)
  if (mine.length > 0) conversation.set({ ...open, messages: mergeMessages(open.messages, mine) })
}

function putInInbox (message: MessageView, unreadDelta: number): void {
  const list = inbox.value
  const i = list.findIndex(c => c.peerId === message.peerId)
  const old = i >= 0 ? list[i] : undefined
  const last = old?.lastMessage
  const lastMessage = last === undefined || last.seq <= message.seq ? (last?.id === message.id ? newer(last, message) : message) : last
  const updated: ConversationView = {
    peerId: message.peerId,
    ...(message.contact !== undefined ? { contact: message.contact } : old?.contact !== undefined ? { contact: old.contact } : {}),
    unread: (old?.unread ?? 0) + unreadDelta,
    lastMessageAt: Math.max(old?.lastMessageAt ?? 0, message.receivedAt ?? message.sentAt),
    lastMessage
  }
  inbox.set([updated, ...list.filter(c => c.peerId !== message.peerId)].sort((a, b) => b.lastMessageAt - a.lastMessageAt))
}

/**
 * Sends; `clientId` names this message (send's param): asked again with the same id after an
 * answer that never came, the node answers with the message it already has instead of sending
 * it twice.
 */
export async function sendMessage (peerId: string, text: string, clientId: string): Promise<MessageView> {
  const message = await call('send', { to: peerId, text, clientId })
  putInConversation([message])
  putInInbox(message, 0)
  return message
}

export async function resendMessage (peerId: string, messageId: string): Promise<void> {
  const message = await call('resend', { to: peerId, messageId })
  putInConversation([message])
}

let readTimer: ReturnType<typeof setTimeout> | undefined

/** Marks the open conversation read (read receipts) when the page is seen and it has unread messages. */
export function markReadSoon (): void {
  clearTimeout(readTimer)
  readTimer = setTimeout(() => {
    const open = conversation.value
    if (open === undefined || document.visibilityState !== 'visible') return
    const entry = inbox.value.find(c => c.peerId === open.peerId)
    if (entry === undefined || entry.unread === 0) return
    // The unread count goes to 0 with the node's conversation:read event (live.ts), not with this
    // answer: a message that came after the marking counts, and may have come before the answer.
    call('read', { to: open.peerId }).catch((err: unknown) => { reportProblem(`marking read failed: ${errorText(err)}`) })
  }, 150)
}

/**
 * An incoming message (event `message`). Gap notices and session resets are history entries
 * written beside messages without an event of their own (docs/messaging.md "Gaps"), and a gap
 * notice is rewritten in place when the hole fills: when a message does not directly follow
 * what is shown, or the conversation shows such notices, the newest page is read again.
 * `countUnread` is false for a message the list's unread count already includes (an event
 * held while the state was read, and found in that read: live.ts).
 */
export function onIncoming (message: MessageView, countUnread = true): void {
  const open = conversation.value
  const here = open?.peerId === message.peerId
  if (here && open.messages.some(m => m.id === message.id)) return
  const last = here ? open.messages[open.messages.length - 1] : undefined
  const reread = here && ((last !== undefined && message.seq !== last.seq + 1) || open.messages.some(m => m.direction === 'event'))
  putInConversation([message])
  putInInbox(message, message.direction === 'in' && countUnread ? 1 : 0)
  if (reread) void reloadConversation()
  if (here) markReadSoon()
}

/** Conversations whose newest entry is being read (newestOf), and those to read once more after. */
const readingNewest = new Map<string, boolean>()

/**
 * Puts a conversation's newest entry into the list (its last message, its place by last
 * activity), without touching its unread count: for a message sent elsewhere (another tab,
 * `murmur send`), which has no event of its own, only state changes. One read per conversation
 * at a time; a change that comes meanwhile asks for one more.
 */
function newestOf (peerId: string): void {
  if (readingNewest.has(peerId)) { readingNewest.set(peerId, true); return }
  readingNewest.set(peerId, false)
  call('history', { to: peerId, limit: 1 }).then(([newest]) => {
    const last = inbox.value.find(c => c.peerId === peerId)?.lastMessage
    if (newest !== undefined && (last === undefined || newest.seq > last.seq)) putInInbox(newest, 0)
  }, () => {}).finally(() => {
    const again = readingNewest.get(peerId) === true
    readingNewest.delete(peerId)
    if (again) newestOf(peerId)
  })
}

/** A state change (event `message:state`). */
export function onStateChange (change: { id: string, peerId: string, state: MessageView['state'], reason?: string, relays?: RelayDelivery[] }): void {
  const apply = (m: MessageView): MessageView => m.id === change.id ? newer(m, { ...m, state: change.state, ...(change.reason !== undefined ? { reason: change.reason } : {}), ...(change.relays !== undefined ? { relays: change.relays } : {}) }) : m
  const open = conversation.value
  if (open?.peerId === change.peerId) {
    if (open.messages.some(m => m.id === change.id)) conversation.set({ ...open, messages: open.messages.map(apply) })
    // A message sent elsewhere (the CLI): read the newest page to show it.
    else void reloadConversation()
  }
  const listed = inbox.value.find(c => c.peerId === change.peerId)
  // A change of a message the list does not show last: perhaps one sent elsewhere, newer than
  // it. Not for a receipt (delivered, read): the common case, an older message, changes nothing
  // there, and a message sent elsewhere has had a state change before its receipt (sent,
  // stored or queued with a reason), which read it.
  const receipt = change.state === 'delivered' || change.state === 'read'
  if (!receipt && listed?.lastMessage?.id !== change.id) newestOf(change.peerId)
  inbox.update(list => list.map(c => c.lastMessage?.id === change.id ? { ...c, lastMessage: apply(c.lastMessage) } : c))
  if (change.state === 'failed') reportProblem(`a message to ${change.peerId} failed${change.reason !== undefined ? `: ${change.reason}` : ''}`)
}

/** A session reset or a gap is written into the conversation as an event entry: re-read it. */
export function onConversationEvent (peerId: string): void {
  if (conversation.value?.peerId === peerId) void reloadConversation()
  rereadState()
}
