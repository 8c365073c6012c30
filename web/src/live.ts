/**
 * The live link to the node (link.ts) and what happens when it breaks. A broken link is
 * followed by a new one: a node that does not answer shows the "stopped" page and is asked
 * again with backoff until it is back; a node that answers 401 shows the sign-in page.
 *
 * Each link reads the state once, after its event stream is open (link.ts says why nothing
 * falls in between). The events held during the read are applied after it, as new ones are;
 * merging by id shows nothing twice, and an incoming message the read already counted as
 * unread is not counted again. A held late message is the one case the read cannot be checked
 * against, so the link reads the state again (docs/web.md "Opening it").
 */
import type { ConversationView, MessageView } from '../../src/messenger/types.js'
import { call, NotSignedInError, signIn } from './api.js'
import { openLink, type Link, type LinkEvent, type StateRead } from './link.js'
import { nextProbeDelay, PROBE_MIN_MS } from './backoff.js'
import { onStreamOpen } from './shared-stream.js'
import { notifyIncoming } from './notify.js'
import { applyRead, connection, inbox, onConversationEvent, onIncoming, onRereadRequest, onStateChange, refreshMe, reloadConversation, reportProblem, signInFailed } from './state.js'


let link: Link | undefined
let probeTimer: ReturnType<typeof setTimeout> | undefined
let probeDelay = PROBE_MIN_MS

/**
 * Whether the read already holds this message: its conversation's last message in the read is
 * this one or a later one (positions only grow as messages are stored). Not for a late message:
 * it is placed below the newest entry (docs/messaging.md "Order").
 */
function inRead (read: ConversationView[], message: MessageView): boolean {
  const last = read.find(c => c.peerId === message.peerId)?.lastMessage
  return last !== undefined && last.seq >= message.seq
}

/**
 * Whether the read surely lacks this message: its conversation's last activity there (the
 * latest arrival the node had stored, `lastMessageAt`) is older than the message's arrival.
 */
function surelyNotInRead (read: ConversationView[], message: MessageView): boolean {
  const conversation = read.find(c => c.peerId === message.peerId)
  return conversation === undefined || (message.receivedAt !== undefined && conversation.lastMessageAt < message.receivedAt)
}

/**
 * After a reconnection (the node restarted, or the stream broke), what came while the page had
 * no link has no event: the link's first read holds it. A conversation whose newest message
 * there is incoming, unread and later than the newest the page had (`shown`) is notified once,
 * with that message (a conversation's notifications replace each other: notify.ts). Not on the
 * page's first link: what is there when the app opens is not new to it.
 *
 * A late message (docs/messaging.md "Order") is placed below the newest: the newest is then one
 * the page had, and only the conversation's last arrival (`lastMessageAt`) says that something
 * came. That conversation's recent history is read, and its latest incoming arrival since the
 * page's is notified (notifyLateArrival).
 */
function notifyMissed (shown: ConversationView[], read: ConversationView[]): void {
  for (const conversation of read) {
    const last = conversation.lastMessage
    if (conversation.unread === 0) continue
    const had = shown.find(c => c.peerId === conversation.peerId)
    const known = had?.lastMessage
    if (last?.direction === 'in' && (known === undefined || last.seq > known.seq)) {
      notifyIncoming(last)
    } else if (had !== undefined && known !== undefined && last !== undefined && last.seq <= known.seq && conversation.lastMessageAt > had.lastMessageAt) {
      void notifyLateArrival(conversation.peerId, had.lastMessageAt, conversation.lastMessageAt)
    }
  }
}

/** How far back a late arrival is looked for: the newest entries of its conversation. */
const LATE_ARRIVAL_WINDOW = 200

/**
 * Notifies the latest incoming message of `peerId` that arrived after `since` and by `upTo`
 * (what the read covered: one that came after it has an event, notified as it is applied).
 */
async function notifyLateArrival (peerId: string, since: number, upTo: number): Promise<void> {
  try {
    const recent = await call('history', { to: peerId, limit: LATE_ARRIVAL_WINDOW })
    const arrived = recent.filter(m => m.direction === 'in' && m.receivedAt !== undefined && m.receivedAt > since && m.receivedAt <= upTo)
    const latest = arrived.reduce<MessageView | undefined>((a, m) => a === undefined || (m.receivedAt as number) > (a.receivedAt as number) ? m : a, undefined)
    if (latest !== undefined) notifyIncoming(latest)
  } catch {
    // Nothing to notify from: the message is still shown and counted by the read.
  }
}

/**
 * Applies one event; true when the state must be read again: a held late message, or a
 * conversation marked read (here, in another tab, or by `murmur read`). Its unread count is 0
 * then, but messages that came after the marking count again, and their events may come before
 * or after this one (and before or after a read in flight): a read asked now, with the events
 * that come meanwhile held and checked against it, counts each exactly once.
 *
 * `reread`: `read` is a read again, not the link's first. Counting still goes by what that read
 * holds, but a notification does not: every message whose event came during a read again is
 * new to this page, which had everything before it (its first read, then each event), so it is
 * notified even when the read again already holds it.
 */
function dispatch (read: StateRead, event: LinkEvent, held: boolean, reread: boolean): boolean {
  const data: unknown = JSON.parse(event.data)
  switch (event.name) {
    case 'message': {
      const message = data as MessageView
      if (held && message.late === true) {
        // Its seq is below its conversation's newest, so positions cannot say whether the read
        // counted it. It is shown now and counted by the next read, asked after its event came
        // (so it surely has it). Notified only when this read surely lacked it, in a link's
        // first read (a message that read had is not new to this page), and always in a read
        // again (`reread`).
        onIncoming(message, false)
        if (reread || surelyNotInRead(read.inbox, message)) notifyIncoming(message)
        return true
      }
      const counted = held && inRead(read.inbox, message)
      onIncoming(message, !counted)
      if (!counted || reread) notifyIncoming(message)
      return false
    }
    case 'message:state': onStateChange(data as Parameters<typeof onStateChange>[0]); return false
    case 'conversation:read': return true
    // A contact added, renamed or removed here, in another tab or by the CLI: the list names
    // conversations by the contacts it read, so both are read again together.
    case 'contacts': return true
    // A peer blocked or unblocked, here or elsewhere: read with the rest, so that the conversation
    // and the contact page show it.
    case 'blocks': return true
    case 'session:reset': onConversationEvent((data as { peerId: string }).peerId); return false
    // A problem of the node's own (its disk is full, a bootstrap peer never answered): the node
    // view lists the ones that last (status.warnings); this says when one happens.
    case 'warning': reportProblem(`your node warns: ${(data as { message: string }).message}`); return false
    case 'decrypt:failed': {
      const failure = data as { peerId: string, reason: string }
      reportProblem(`a message from ${failure.peerId} could not be decrypted: ${failure.reason}`)
      onConversationEvent(failure.peerId)
      return false
    }
  }
}

/**
 * Hands the link's events to the app, the held ones checked against `read`. After an event that
 * needs it (dispatch), held or live, the state is read again, with the events that come
 * meanwhile held and then checked against that read: one read at a time, asked after all the
 * held events were applied.
 */
function deliverAgainst (current: Link, read: StateRead, reread: boolean): void {
  let readAgain = false
  let handingHeld = true
  current.deliver((event, held) => {
    if (!dispatch(read, event, held, reread) || readAgain) return
    readAgain = true
    if (!handingHeld) readStateAgain(current)
  })
  handingHeld = false
  if (readAgain) readStateAgain(current)
}

/** The link whose state is being read again, and whether another read was asked for meanwhile. */
let rereading: Link | undefined
let rereadAfter = false

/**
 * One read again at a time per link: two at once would each hand over the events held since
 * they began, and the later read, applied last, could lack an event the earlier one let through
 * (counted, then lost under it). A read asked for meanwhile comes after it.
 */
function readStateAgain (current: Link): void {
  if (rereading === current) { rereadAfter = true; return }
  rereading = current
  rereadAfter = false
  current.readAgain().then((again) => {
    rereading = undefined
    if (link !== current) return
    applyRead(again)
    deliverAgainst(current, again, true)
    if (rereadAfter) readStateAgain(current)
  }, (err: unknown) => {
    rereading = undefined
    readFailed(current, err)
  })
}

/**
 * The link whose first read is applied (its events are being delivered). Once set, the next
 * link's read is a reconnection's (notifyMissed).
 */
let delivering: Link | undefined

/**
 * Reads contacts and conversations again, as the link does (events meanwhile held and checked
 * against the read): after a change that has no event of its own (a contact renamed or removed,
 * a session reset written into a conversation).
 */
function rereadState (): void {
  if (link !== undefined && link === delivering) readStateAgain(link)
}
onRereadRequest(rereadState)

/** A link whose state cannot be read is dropped; a new one is tried, unless the node wants a sign-in. */
function readFailed (current: Link, err: unknown): void {
  if (link !== current) return
  current.close()
  link = undefined
  if (err instanceof NotSignedInError) {
    connection.set('signed-out')
    followSignInElsewhere()
    return
  }
  connection.set('stopped')
  retryLater()
}

let stopFollowing: (() => void) | undefined

/**
 * A tab showing the sign-in page follows a sign-in made in another tab of this browser (they
 * share the session cookie): once a stream is open there, this tab connects too. Without this
 * it kept asking for a code, and the code just used in the other tab was spent.
 */
function followSignInElsewhere (): void {
  stopFollowing?.()
  stopFollowing = onStreamOpen(() => {
    stopFollowing?.()
    stopFollowing = undefined
    if (connection.value === 'signed-out') connect()
  })
}

/** Runs `attempt` after the current backoff delay, the next one longer (backoff.ts). */
function probeLater (attempt: () => Promise<void>): void {
  clearTimeout(probeTimer)
  probeTimer = setTimeout(() => { void attempt() }, probeDelay)
  probeDelay = nextProbeDelay(probeDelay)
}

function retryLater (): void {
  probeLater(start)
}

/** Opens a link (or takes the boot script's), applies its read, then its events. */
async function start (opened?: Link): Promise<void> {
  clearTimeout(probeTimer)
  link?.close()
  const current = opened ?? openLink()
  link = current
  current.onBroken(() => {
    if (link !== current) return
    current.close()
    link = undefined
    retryLater()
  })
  try {
    const read = await current.read
    if (link !== current) return
    // Synchronously from here: no event can come between the read and the held events.
    if (delivering !== undefined) notifyMissed(inbox.value, read.inbox)
    applyRead(read)
    delivering = current
    deliverAgainst(current, read, false)
    probeDelay = PROBE_MIN_MS
    connection.set('live')
    void reloadConversation()
    refreshMe().catch(() => {})
  } catch (err) {
    readFailed(current, err)
  }
}

/** A sign-in code the node has not answered yet (signInWhenReachable). */
let pendingCode: string | undefined

/**
 * Trades a sign-in code (`unreachable`: one the node could not be asked about, as it was stopped
 * or restarting when the URL was opened) as soon as the node answers, trying with the same backoff as a stopped
 * node. The code is spent only when the node takes it, so saying "expired" meanwhile would be
 * wrong, and would lose a code that is still good. Then the page connects as usual: signed in,
 * or the sign-in page saying the node refused the code.
 */
export function signInWhenReachable (code: string, { unreachable = true } = {}): void {
  pendingCode = code
  probeDelay = PROBE_MIN_MS
  if (unreachable) connection.set('signing-in')
  void trySignIn()
}

async function trySignIn (): Promise<void> {
  clearTimeout(probeTimer)
  const code = pendingCode
  if (code === undefined) return
  let accepted: boolean
  try {
    accepted = await signIn(code)
  } catch {
    if (pendingCode !== code) return
    connection.set('signing-in')
    probeLater(trySignIn)
    return
  }
  if (pendingCode !== code) return
  pendingCode = undefined
  signInFailed.set(!accepted)
  connect()
}

/** "Try now" on the page that says the node does not answer. */
export function retryNow (): void {
  probeDelay = PROBE_MIN_MS
  if (pendingCode !== undefined) void trySignIn()
  else connect()
}

/** Starts (or restarts now) the live link; `opened`: one the boot script opened. */
export function connect (opened?: Link): void {
  probeDelay = PROBE_MIN_MS
  void start(opened)
}

export function disconnect (): void {
  clearTimeout(probeTimer)
  link?.close()
  link = undefined
}
