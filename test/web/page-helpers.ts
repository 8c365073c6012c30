/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Helpers for driving the web app in Chromium: open a node's page signed in, move focus with
 * the keyboard only, find messages and their states, and run axe-core.
 */
import axe from 'axe-core'
import type { BrowserContext, BrowserContextOptions, Page, Route } from 'playwright-core'
import type { RunningNode } from '../e2e/daemon-helpers.js'
import type { TestBrowser } from './browser.js'
import { STREAM_CHANNEL } from '../../web/src/shared-stream.js'

export const UI_TIMEOUT_MS = 20_000

const problems = new WeakMap<Page, string[]>()

/**
 * What went wrong in a page opened by openApp: uncaught errors, and console errors that are
 * not failed requests (a stopped node, a refused call): CSP and Trusted Types violations
 * among them.
 */
export function pageProblems (page: Page): string[] {
  return problems.get(page) ?? []
}

/** Starts collecting what pageProblems returns. */
function watchProblems (page: Page): void {
  const list: string[] = []
  problems.set(page, list)
  page.on('pageerror', (err) => { list.push(`uncaught: ${err.message}`) })
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const text = message.text()
    if (/^Failed to load resource|net::ERR_/.test(text)) return
    list.push(text)
  })
}

/** Opens the node's printed sign-in URL in a new context and waits for the conversation list. */
export async function openApp (browser: TestBrowser, node: Pick<RunningNode, 'webSignIn'>, options: BrowserContextOptions = {}, initScript?: () => void): Promise<Page> {
  return await openInNewContext(browser, node.webSignIn, options, initScript)
}

/** `url` in a new page of a new context (`initScript` before the app, problems watched), once its conversation list shows. */
async function openInNewContext (browser: TestBrowser, url: string, options: BrowserContextOptions, initScript?: () => void): Promise<Page> {
  const { page } = await browser.page(undefined, options)
  if (initScript !== undefined) await page.addInitScript(initScript)
  watchProblems(page)
  await page.goto(url)
  await page.locator('nav.sidebar').waitFor({ timeout: UI_TIMEOUT_MS })
  return page
}

/**
 * A page in a new context signed in as `beside` is (its cookies): a browser of its own, whose
 * tabs share no event stream with `beside`'s (web/src/shared-stream.ts). Waits for the
 * conversation list, as openApp.
 */
export async function openBeside (browser: TestBrowser, beside: Page, url: string, options: BrowserContextOptions = {}, initScript?: () => void): Promise<Page> {
  return await openInNewContext(browser, url, { ...options, storageState: await beside.context().storageState() }, initScript)
}

/**
 * Refuses every event stream (GET /events) the page opens from now on, as an unreachable node
 * would, until `unblock`: a page whose link broke stays without one, and tries again with
 * backoff. `attempts` counts the streams refused.
 */
export async function blockEventStreams (page: Page): Promise<{ attempts: () => number, unblock: () => Promise<void> }> {
  let attempts = 0
  const refuse = async (route: Route): Promise<void> => {
    attempts++
    await route.abort('connectionrefused')
  }
  await page.route('**/events', refuse)
  return { attempts: () => attempts, unblock: async () => { await page.unroute('**/events', refuse) } }
}

/** Presses Tab until the focused element matches `selector` (keyboard-only navigation). */
export async function tabTo (page: Page, selector: string, maxPresses = 80): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) === true, selector)) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`Tab never reached ${selector}`)
}

/** The message bubbles whose text is exactly `text`. */
export function messageItems (page: Page, text: string) {
  return page.locator('li.message').filter({ has: page.locator('p.text', { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) })
}

/** Waits until the single message with `text` shows `state`, or one of `states` (its data-state attribute). */
export async function waitForState (page: Page, text: string, state: string | string[], timeout = UI_TIMEOUT_MS): Promise<void> {
  const states = Array.isArray(state) ? state : [state]
  await messageItems(page, text).and(page.locator(states.map(s => `[data-state="${s}"]`).join(', '))).waitFor({ timeout })
}

/** Records every state each message shows, in order (window.__states[id] = [...]). */
export async function recordStates (page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __states: Record<string, string[]> }
    w.__states = {}
    const note = (el: Element): void => {
      const id = el.getAttribute('data-id')
      const state = el.getAttribute('data-state')
      if (id === null || state === null) return
      const list = (w.__states[id] ??= [])
      if (list[list.length - 1] !== state) list.push(state)
    }
    document.querySelectorAll('li.message').forEach(note)
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes') note(r.target as Element)
        r.addedNodes.forEach(n => { if (n instanceof Element) { if (n.matches('li.message')) note(n); n.querySelectorAll('li.message').forEach(note) } })
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] })
  })
}

export async function recordedStates (page: Page, id: string): Promise<string[]> {
  return await page.evaluate((i) => (window as unknown as { __states: Record<string, string[]> }).__states[i] ?? [], id)
}

/**
 * axe-core's serious and critical violations on the page as it is now. axe's own script is
 * put into the page through the DevTools protocol (page.evaluate), which the page's CSP does
 * not govern, exactly as a browser extension would run it.
 */
export async function seriousViolations (page: Page): Promise<string[]> {
  if (!await page.evaluate(() => 'axe' in window)) await page.evaluate(axe.source)
  const result = await page.evaluate(async () => await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }))
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join('; ')})`)
}

/** A gate a test opens once: `wait` resolves when `open` is called. */
export function barrier (): { wait: Promise<void>, open: () => void } {
  let open = (): void => {}
  const wait = new Promise<void>((resolve) => { open = resolve })
  return { wait, open }
}

/**
 * A new page in a signed-in `context`, opened at `url`, whose first `inbox` call goes through
 * `hold` (a Playwright route: answer it, forward it, or fetch the answer and keep it back), so a
 * test can make an event come while the page reads the state (docs/web.md "Opening it"). The
 * page counts the `message` events the tabs' shared event stream delivers (messageEventsSeen),
 * listening beside the app. `initScript` runs before the app, as openApp's does.
 */
export async function openHeld (context: BrowserContext, url: string, hold: (route: Route) => Promise<void>, initScript?: () => void): Promise<Page> {
  const page = await context.newPage()
  watchProblems(page)
  if (initScript !== undefined) await page.addInitScript(initScript)
  // Made before the app's own channel, so it hears each event first.
  await page.addInitScript(countMessageEvents, STREAM_CHANNEL)
  await holdNextInbox(page, hold)
  await page.goto(url)
  return page
}

/**
 * The page's next `inbox` call goes through `hold` (a Playwright route), every other call as it
 * is: its next read of the state, the first (openHeld), a read again, or a reconnection's.
 */
export async function holdNextInbox (page: Page, hold: (route: Route) => Promise<void>): Promise<void> {
  let held = false
  await page.route('**/rpc', async (route) => {
    if ((route.request().postDataJSON() as { method: string }).method !== 'inbox' || held) { await route.continue(); return }
    held = true
    await hold(route)
  })
}

/**
 * Run in a page (as an init script, or evaluated once the app runs): counts in
 * `window.messageEvents` the `message` events of the tabs' shared event stream, whose events
 * the tab holding it forwards to all (itself included) on this channel (web/src/shared-stream.ts).
 */
function countMessageEvents (channelName: string): void {
  const w = window as unknown as { messageEvents: number }
  w.messageEvents = 0
  new BroadcastChannel(channelName).onmessage = (message: MessageEvent<{ t: string, event?: { name: string } }>) => {
    if (message.data.t === 'event' && message.data.event?.name === 'message') w.messageEvents++
  }
}

/** Starts counting the `message` events an open page's event stream delivers (messageEventsSeen). */
export async function watchMessageEvents (page: Page): Promise<void> {
  await page.evaluate(countMessageEvents, STREAM_CHANNEL)
}

/**
 * Holds the page's next `inbox` call (holdNextInbox) until `release`: `asked` resolves once the
 * page has asked it, so a test can make something happen while that read waits.
 */
export async function gateNextInbox (page: Page): Promise<{ asked: Promise<void>, release: () => void }> {
  const asked = barrier()
  const forward = barrier()
  await holdNextInbox(page, async (route) => {
    asked.open()
    await forward.wait
    await route.continue()
  })
  return { asked: asked.wait, release: forward.open }
}

/** Waits until the page's event streams delivered `count` `message` events (a page from openHeld, or watched). */
export async function messageEventsSeen (page: Page, count = 1): Promise<void> {
  await page.waitForFunction((n) => (window as unknown as { messageEvents: number }).messageEvents >= n, count, { timeout: UI_TIMEOUT_MS })
}

/**
 * An init script (openApp, openHeld): records each desktop notification the page shows in
 * `window.__notes` (the real Notification still shows), and lets the test hide the tab:
 * `document.visibilityState` is 'hidden' while `window.__hidden` is true.
 */
export function notificationSpy (): void {
  const w = window as unknown as { __notes: Array<{ title: string, body?: string }>, __hidden: boolean }
  w.__notes = []
  w.__hidden = false
  const Real = window.Notification
  window.Notification = class extends Real {
    constructor (title: string, options?: NotificationOptions) {
      super(title, options)
      w.__notes.push({ title, body: options?.body })
    }
  } as typeof Notification
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => w.__hidden ? 'hidden' : 'visible' })
}

/** Hides or shows the tab of a page with notificationSpy. */
export async function setHidden (page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    (window as unknown as { __hidden: boolean }).__hidden = h
    // As the browser does when a tab is hidden or shown: the page's other tabs hear of it.
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)
}

/** Waits until a page with notificationSpy has shown `count` notifications. */
export async function notificationsSeen (page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => (window as unknown as { __notes: unknown[] }).__notes.length >= n, count, { timeout: UI_TIMEOUT_MS })
}

/** The notifications a page with notificationSpy showed. */
export async function notificationsShown (page: Page): Promise<Array<{ title: string, body?: string }>> {
  return await page.evaluate(() => (window as unknown as { __notes: Array<{ title: string, body?: string }> }).__notes)
}

/**
 * An init script (openApp, openHeld): records in `window.__titleMismatches` each moment the
 * page's DOM changed while the tab's title and the conversation list's unread badges disagreed
 * (docs/web.md: the title counts unread messages). A mutation observer's callback runs right
 * after the render that changed the DOM, before any paint: a title set later than its badges
 * (after a paint, which a hidden tab may put off) is caught every time, not only when a test
 * happens to read the title in between.
 */
export function titleWatch (): void {
  const w = window as unknown as { __titleMismatches: string[] }
  w.__titleMismatches = []
  const check = (): void => {
    let unread = 0
    for (const badge of document.querySelectorAll('nav .badge')) unread += Number(badge.textContent)
    const expected = unread > 0 ? `(${unread}) murmur` : 'murmur'
    if (document.title !== expected) w.__titleMismatches.push(`"${document.title}" beside ${unread} unread`)
  }
  document.addEventListener('DOMContentLoaded', () => {
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true })
  })
}

/** What titleWatch recorded on `page`. */
export async function titleMismatches (page: Page): Promise<string[]> {
  return await page.evaluate(() => (window as unknown as { __titleMismatches: string[] }).__titleMismatches)
}
