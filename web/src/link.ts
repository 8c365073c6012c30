/**
 * One link to the node: the event stream (GET /events, docs/api.md "Events") and the read of
 * the state made once it is open (docs/web.md "Opening it"), made again with the same holding
 * when the page asks (`readAgain`: a late message, live.ts).
 *
 * Why this order: the server subscribes a stream before it answers (`: ready`, so `open` fires
 * after the subscription is live), and the read is asked for only then. So every change is in
 * the read, or comes as an event, or both; none falls in between. Events that arrive while the
 * read is in flight are held, and delivered in order once the read is applied: an event the
 * read already includes is then merged (by id, states only forward) rather than lost under the
 * read's answer or counted twice.
 *
 * No Preact and no app state here: the boot script (boot.ts), inlined into index.html, opens
 * the first link before the app's module has arrived.
 */
import type { ContactView, ConversationView } from '../../src/messenger/types.js'
import { call, NodeUnreachableError } from './api.js'

/** The events the page follows (docs/api.md "Events"). */
export const LINK_EVENTS = ['message', 'message:state', 'conversation:read', 'session:reset', 'decrypt:failed'] as const
export type LinkEventName = typeof LINK_EVENTS[number]

export interface LinkEvent {
  name: LinkEventName
  /** The event's JSON, as sent. */
  data: string
}

/** What the conversation list needs: read once per link, right after its stream opened. */
export interface StateRead {
  contacts: ContactView[]
  inbox: ConversationView[]
}

export interface Link {
  /**
   * The state, read once the stream is open. Rejects with NotSignedInError (no session) or
   * NodeUnreachableError (no node, or the stream was refused).
   */
  readonly read: Promise<StateRead>
  /**
   * Hands over the events: those held while the read was in flight first (`held` true), in
   * the order they came, then each new one as it comes. Call it once the read is applied.
   */
  deliver: (handler: (event: LinkEvent, held: boolean) => void) => void
  /**
   * Reads the state again, holding the events that come meanwhile as during the first read,
   * until the next `deliver`. For what the first read cannot be checked against: a late
   * message, a conversation read elsewhere (live.ts). Rejects as `read` does.
   */
  readAgain: () => Promise<StateRead>
  /** Called once when an open stream breaks (at once if it already has). */
  onBroken: (handler: () => void) => void
  close: () => void
}

/** Tells a node that refused the stream because this browser is not signed in from one that is gone. */
async function whyRefused (): Promise<Error> {
  try {
    await call('id', {})
    return new NodeUnreachableError('the node refused the event stream')
  } catch (err) {
    return err as Error
  }
}

async function readState (): Promise<StateRead> {
  const [contacts, inbox] = await Promise.all([call('contacts.list', {}), call('inbox', {})])
  return { contacts, inbox }
}

export function openLink (): Link {
  const source = new EventSource('/events')
  let held: LinkEvent[] | undefined = []
  let handler: ((event: LinkEvent, held: boolean) => void) | undefined
  let opened = false
  let broken = false
  let brokenHandler: (() => void) | undefined
  let settle: { resolve: (state: StateRead) => void, reject: (err: Error) => void } | undefined

  const read = new Promise<StateRead>((resolve, reject) => { settle = { resolve, reject } })
  // A read nobody awaits yet (the boot script's, before the app's module arrives) must not
  // count as an unhandled rejection; whoever awaits it still sees the error.
  read.catch(() => {})

  for (const name of LINK_EVENTS) {
    source.addEventListener(name, (event) => {
      const linkEvent = { name, data: (event as MessageEvent<string>).data }
      if (held !== undefined) held.push(linkEvent)
      else handler?.(linkEvent, false)
    })
  }
  source.addEventListener('open', () => {
    if (opened) return
    opened = true
    performance.mark('murmur:stream-open')
    readState().then(
      (state) => {
        performance.mark('murmur:read')
        settle?.resolve(state)
      },
      (err: Error) => { settle?.reject(err) })
  })
  source.addEventListener('error', () => {
    // EventSource would retry by itself after a network error, but not after a 401; the page
    // decides instead (live.ts): a new link, with a new read.
    source.close()
    if (!opened) {
      whyRefused().then((err) => { settle?.reject(err) }, () => {})
      return
    }
    if (broken) return
    broken = true
    brokenHandler?.()
  })

  return {
    read,
    deliver: (next) => {
      handler = next
      const waiting = held ?? []
      held = undefined
      for (const event of waiting) next(event, true)
    },
    readAgain: async () => {
      held ??= []
      return await readState()
    },
    onBroken: (next) => {
      brokenHandler = next
      if (broken) next()
    },
    close: () => {
      source.close()
      settle?.reject(new NodeUnreachableError('the link was closed'))
    }
  }
}
