/**
 * The live link to the node: the event stream (GET /events, docs/api.md "Events") and what
 * happens when it breaks. A broken stream is followed by a new attempt: a node that does not
 * answer shows the "stopped" page and is asked again with backoff until it is back; a node
 * that answers 401 shows the sign-in page. On every (re)connection the state is read again
 * once the stream is open, so nothing that happened in between is missed, and merging by id
 * shows nothing twice.
 */
import type { MessageView } from '../../src/messenger/types.js'
import { NotSignedInError } from './api.js'
import { notifyIncoming } from './notify.js'
import { connection, onConversationEvent, onIncoming, onStateChange, refreshContacts, refreshInbox, refreshMe, reloadConversation, reportProblem } from './state.js'

const PROBE_MIN_MS = 500
const PROBE_MAX_MS = 5_000

let source: EventSource | undefined
let probeTimer: ReturnType<typeof setTimeout> | undefined
let probeDelay = PROBE_MIN_MS

function parse<T> (event: Event): T {
  return JSON.parse((event as MessageEvent<string>).data) as T
}

/** What the list and the open conversation need (id, slower, follows on its own). */
async function load (): Promise<void> {
  await Promise.all([refreshContacts(), refreshInbox(), reloadConversation()])
  refreshMe().catch(() => {})
}

function openStream (): void {
  source?.close()
  const es = new EventSource('/events')
  source = es
  // Once subscribed, read again: whatever happened between the first read and the
  // subscription is in this read; merging by id shows nothing twice.
  es.addEventListener('open', () => {
    probeDelay = PROBE_MIN_MS
    load().catch(() => {})
  })
  es.addEventListener('message', (event) => {
    const message = parse<MessageView>(event)
    onIncoming(message)
    notifyIncoming(message)
  })
  es.addEventListener('message:state', (event) => { onStateChange(parse(event)) })
  es.addEventListener('session:reset', (event) => { onConversationEvent(parse<{ peerId: string }>(event).peerId) })
  es.addEventListener('decrypt:failed', (event) => {
    const failure = parse<{ peerId: string, reason: string }>(event)
    reportProblem(`a message from ${failure.peerId} could not be decrypted: ${failure.reason}`)
    onConversationEvent(failure.peerId)
  })
  es.addEventListener('error', () => {
    if (source !== es) return
    es.close()
    source = undefined
    retryLater()
  })
}

function retryLater (): void {
  clearTimeout(probeTimer)
  probeTimer = setTimeout(() => { void start() }, probeDelay)
  probeDelay = Math.min(PROBE_MAX_MS, probeDelay * 2)
}

/**
 * Subscribes and reads the state at once (in parallel: the list shows after one round of
 * calls). A node that does not answer shows the stopped page and is asked again with backoff;
 * a 401 shows the sign-in page.
 */
async function start (): Promise<void> {
  clearTimeout(probeTimer)
  openStream()
  try {
    await load()
    connection.set('live')
  } catch (err) {
    source?.close()
    source = undefined
    if (err instanceof NotSignedInError) {
      connection.set('signed-out')
      return
    }
    connection.set('stopped')
    retryLater()
  }
}

/** Starts (or restarts now) the live link. */
export function connect (): void {
  probeDelay = PROBE_MIN_MS
  void start()
}

export function disconnect (): void {
  clearTimeout(probeTimer)
  source?.close()
  source = undefined
}
