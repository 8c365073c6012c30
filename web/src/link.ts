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
 * The stream itself is shared by every tab of the app in this browser (shared-stream.ts): a
 * link attaches to it once it is open, and breaks when it ends.
 *
 * No Preact and no app state here: the boot script (boot.ts), inlined into index.html, opens
 * the first link before the app's module has arrived.
 */
import type { BlockedView } from '../../src/messenger/api-types.js'
import type { ContactView, ConversationView } from '../../src/messenger/types.js'
import { call, NodeUnreachableError } from './api.js'
import { subscribe, type StreamWire } from './shared-stream.js'

/** The events the page follows (docs/api.md "Events"). */
export const LINK_EVENTS = ['message', 'message:state', 'conversation:read', 'contacts', 'blocks', 'session:reset', 'decrypt:failed', 'warning'] as const
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
  /** The peers blocked here: their conversations show it, and offer no compose box. */
  blocked: BlockedView[]
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
  const [contacts, inbox, blocked] = await Promise.all([call('contacts.list', {}), call('inbox', {}), call('blocked', {})])
  return { contacts, inbox, blocked }
}

/**
 * A link that has not heard its stream open by then gives up (NodeUnreachableError), and the
 * page tries again: the leading tab's stream may be stuck opening to a node that hangs.
 */
const OPEN_TIMEOUT_MS = 15_000

export function openLink (): Link {
  let held: LinkEvent[] | undefined = []
  let handler: ((event: LinkEvent, held: boolean) => void) | undefined
  /** The shared stream this link follows (shared-stream.ts), once it is open. */
  let attached: string | undefined
  let done = false
  let broken = false
  let brokenHandler: (() => void) | undefined
  let settle: { resolve: (state: StateRead) => void, reject: (err: Error) => void } | undefined

  const read = new Promise<StateRead>((resolve, reject) => { settle = { resolve, reject } })
  // A read nobody awaits yet (the boot script's, before the app's module arrives) must not
  // count as an unhandled rejection; whoever awaits it still sees the error.
  read.catch(() => {})

  const fail = (err: Error): void => {
    if (done) return
    done = true
    clearTimeout(openTimer)
    unsubscribe()
    settle?.reject(err)
  }
  const breakNow = (): void => {
    // Events may be lost between the stream that ended and the next: the page makes a new link,
    // which reads the state again (live.ts).
    if (broken) return
    broken = true
    done = true
    unsubscribe()
    brokenHandler?.()
  }
  const openTimer = setTimeout(() => { if (attached === undefined) fail(new NodeUnreachableError('the event stream did not open')) }, OPEN_TIMEOUT_MS)

  const unsubscribe = subscribe(LINK_EVENTS, (wire: StreamWire) => {
    switch (wire.t) {
      case 'open':
        if (attached !== undefined) {
          // Another stream than ours: ours has ended, perhaps before we heard it.
          if (wire.s !== attached) breakNow()
          return
        }
        if (done) return
        attached = wire.s
        clearTimeout(openTimer)
        performance.mark('murmur:stream-open')
        readState().then(
          (state) => {
            performance.mark('murmur:read')
            settle?.resolve(state)
          },
          (err: Error) => { settle?.reject(err) })
        return
      case 'event':
        if (wire.s !== attached || broken) return
        if (held !== undefined) held.push(wire.event)
        else handler?.(wire.event, false)
        return
      case 'broken':
        if (wire.s === attached) breakNow()
        return
      case 'leader':
        if (attached !== undefined) breakNow()
        return
      case 'refused':
        if (attached === undefined && !done) {
          done = true
          clearTimeout(openTimer)
          unsubscribe()
          whyRefused().then((err) => { settle?.reject(err) }, () => {})
        }
        return
      case 'want': return
    }
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
      done = true
      clearTimeout(openTimer)
      unsubscribe()
      settle?.reject(new NodeUnreachableError('the link was closed'))
    }
  }
}
