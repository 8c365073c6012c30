/**
 * The live link to the node: the event stream (GET /events, docs/api.md "Events") and what
 * happens when it breaks. A broken stream is followed by a probe: a node that does not answer
 * shows the "stopped" page and is probed again with backoff until it is back; a node that
 * answers 401 shows the sign-in page. On every (re)connection the state is read again after
 * the stream is open, so nothing that happened in between is missed, and merging by id shows
 * nothing twice.
 */
import type { MessageView } from '../../src/messenger/types.js'
import { call, NotSignedInError } from './api.js'
import { notifyIncoming } from './notify.js'
import { connection, onConversationEvent, onIncoming, onStateChange, refreshContacts, refreshInbox, refreshMe, reloadConversation, reportProblem } from './state.js'

const PROBE_MIN_MS = 500
const PROBE_MAX_MS = 5_000
const PROBE_TIMEOUT_MS = 4_000

let source: EventSource | undefined
let probeTimer: ReturnType<typeof setTimeout> | undefined
let probeDelay = PROBE_MIN_MS

function parse<T> (event: Event): T {
  return JSON.parse((event as MessageEvent<string>).data) as T
}

async function reloadAll (): Promise<void> {
  await Promise.all([refreshMe(), refreshContacts(), refreshInbox(), reloadConversation()])
}

function openStream (): void {
  source?.close()
  const es = new EventSource('/events')
  source = es
  es.addEventListener('open', () => {
    probeDelay = PROBE_MIN_MS
    reloadAll().then(() => { connection.set('live') }, () => { connection.set('live') })
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
    void probe()
  })
}

/** Asks the node who it is: live again, signed out, or still away. */
async function probe (): Promise<void> {
  clearTimeout(probeTimer)
  try {
    await call('id', {}, PROBE_TIMEOUT_MS)
    openStream()
  } catch (err) {
    if (err instanceof NotSignedInError) {
      connection.set('signed-out')
      return
    }
    connection.set('stopped')
    probeTimer = setTimeout(() => { void probe() }, probeDelay)
    probeDelay = Math.min(PROBE_MAX_MS, probeDelay * 2)
  }
}

/** Starts (or restarts now) the live link. */
export function connect (): void {
  probeDelay = PROBE_MIN_MS
  void probe()
}

export function disconnect (): void {
  clearTimeout(probeTimer)
  source?.close()
  source = undefined
}
