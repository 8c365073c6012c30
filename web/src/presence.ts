/**
 * Whether another tab of this app is in front of the user (docs/web.md "Notifications"). A
 * hidden tab notifies of a new message only while no tab of the app is visible: the user who is
 * looking at murmur in another tab sees the message there, and a desktop notification on top of
 * it is noise.
 *
 * Tabs tell each other on a BroadcastChannel (same origin, same browser profile): a tab says
 * whether it is visible when it starts (asking the others to say too), when its visibility
 * changes, and when it goes away; a visible tab repeats it every HEARTBEAT_MS, and one not heard
 * for STALE_MS no longer counts, so that a tab that crashed or froze while visible does not
 * silence the others for good.
 */

import { randomId } from './random-id.js'

/** The channel tabs announce themselves on. */
export const PRESENCE_CHANNEL = 'murmur-presence'
/** How often a visible tab says so again (ms). Timers of visible tabs are not throttled. */
const HEARTBEAT_MS = 5_000
/** A visible tab not heard for this long is taken as gone (ms): two heartbeats and some. */
const STALE_MS = 12_000

interface Announcement {
  tab: string
  visible: boolean
  /** A tab that just started: the others say where they stand. */
  ask?: boolean
}

const tabId = randomId()
/** Other tabs last heard as visible, and when (Date.now()). */
const visibleTabs = new Map<string, number>()
let channel: BroadcastChannel | undefined
/** Between pagehide and a pageshow from the back-forward cache: this tab says nothing. */
let gone = false

function isVisible (): boolean {
  return document.visibilityState === 'visible'
}

function announce (ask = false): void {
  // The events of an unload can come after pagehide (a visibilitychange, say): once gone, silent.
  if (gone) return
  const message: Announcement = { tab: tabId, visible: isVisible(), ...(ask ? { ask } : {}) }
  channel?.postMessage(message)
}

function heard (data: unknown): void {
  if (typeof data !== 'object' || data === null) return
  const { tab, visible, ask } = data as Partial<Announcement>
  if (typeof tab !== 'string' || tab === tabId) return
  if (visible === true) visibleTabs.set(tab, Date.now())
  else visibleTabs.delete(tab)
  if (ask === true) announce()
}

/** Joins the other tabs (once; nothing where BroadcastChannel is missing). */
export function startPresence (): void {
  if (channel !== undefined || typeof BroadcastChannel === 'undefined') return
  channel = new BroadcastChannel(PRESENCE_CHANNEL)
  channel.addEventListener('message', (event) => { heard(event.data) })
  document.addEventListener('visibilitychange', () => { announce() })
  // Leaving: the others stop counting this tab at once, not STALE_MS later.
  addEventListener('pagehide', () => {
    channel?.postMessage({ tab: tabId, visible: false } satisfies Announcement)
    gone = true
  })
  // Back from the back-forward cache: here again.
  addEventListener('pageshow', (event) => {
    if (!event.persisted) return
    gone = false
    announce(true)
  })
  setInterval(() => { if (isVisible()) announce() }, HEARTBEAT_MS)
  announce(true)
}

/** True while another tab of this app is visible (heard within STALE_MS). */
export function anotherTabVisible (): boolean {
  const now = Date.now()
  for (const [tab, at] of visibleTabs) {
    if (now - at <= STALE_MS) return true
    visibleTabs.delete(tab)
  }
  return false
}
