/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Helpers for driving the web app in Chromium: open a node's page signed in, move focus with
 * the keyboard only, find messages and their states, and run axe-core.
 */
import axe from 'axe-core'
import type { BrowserContextOptions, Page } from 'playwright-core'
import type { RunningNode } from '../e2e/daemon-helpers.js'
import type { TestBrowser } from './browser.js'

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

/** Opens the node's printed sign-in URL in a new context and waits for the conversation list. */
export async function openApp (browser: TestBrowser, node: Pick<RunningNode, 'webSignIn'>, options: BrowserContextOptions = {}, initScript?: () => void): Promise<Page> {
  const { page } = await browser.page(undefined, options)
  if (initScript !== undefined) await page.addInitScript(initScript)
  const list: string[] = []
  problems.set(page, list)
  page.on('pageerror', (err) => { list.push(`uncaught: ${err.message}`) })
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const text = message.text()
    if (/^Failed to load resource|net::ERR_/.test(text)) return
    list.push(text)
  })
  await page.goto(node.webSignIn)
  await page.locator('nav.sidebar').waitFor({ timeout: UI_TIMEOUT_MS })
  return page
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
