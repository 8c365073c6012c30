/// <reference lib="dom" />
/**
 * The web app and a late message (docs/messaging.md "Order", docs/web.md): with real nodes and
 * a real Chromium, a message a relay held arrives after a later one
 * (test/e2e/order-scenario.ts). bob's open conversation shows the gap line, then, live and
 * without a reload, the late message at its place before the later one, and the gap line
 * marked filled. A page of bob's that is loading as the late message comes (its state read
 * answered before it, applied after its event) counts it once and notifies once.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliJson } from '../e2e/cli-helpers.js'
import { FIRST, GAP_FILLED, GAP_OPEN, OrderScenario, SECOND } from '../e2e/order-scenario.js'
import { launchBrowser, type TestBrowser } from './browser.js'
import { barrier, messageEventsSeen, messageItems, notificationSpy, notificationsSeen, notificationsShown, openApp, openHeld, pageProblems, setHidden, UI_TIMEOUT_MS } from './page-helpers.js'

/** The conversation as the page lists it: message texts, and `* text` for event lines. */
async function shown (page: Page): Promise<string[]> {
  return await page.locator('ol.messages > li.message, ol.messages > li.event').evaluateAll(items => items.map(li =>
    li.classList.contains('event') ? `* ${li.textContent ?? ''}` : li.querySelector('p.text')?.textContent ?? ''))
}

describe('the web app and a late message (real nodes, real Chromium)', () => {
  const s = new OrderScenario()
  let browser: TestBrowser
  /** bob's page with the conversation open. */
  let open: Page
  const origin = (): string => s.bob.webSignIn.split('/#')[0]
  const entry = (page: Page) => page.locator(`nav a[data-peer="${s.alice.peerId}"]`)

  beforeAll(async () => {
    await s.setup()
    browser = await launchBrowser()
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await s.teardown()
  })

  it('the gap line shows in the open conversation', async () => {
    await s.holdApart()
    await s.bobBack()
    open = await openApp(browser, s.bob, { permissions: ['notifications'] }, notificationSpy)
    await entry(open).click()
    await open.locator('li.event').filter({ hasText: GAP_OPEN }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await shown(open)).toEqual(['hello', 'hi', SECOND, `* ${GAP_OPEN}`])
    // Opening it marked it read (the badge goes once the node took the mark). From here the tab
    // is hidden, so that it does not mark the late message read while another page counts it.
    await entry(open).locator('.badge').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS })
    await setHidden(open, true)
    await open.evaluate(() => { (window as unknown as { notReloaded: boolean }).notReloaded = true })
  }, 300_000)

  it('a page whose state read misses the late message, and gets its event while the read is in flight, counts it once, notifies once and shows it once', async () => {
    // The node answers the page's `inbox` read before the late message comes; the page gets
    // that answer only after the message's event. Its position (below the newest entry) cannot
    // tell the page that the read lacks it (web/src/live.ts).
    const read = barrier()
    const answer = barrier()
    const loading = await openHeld(open.context(), `${origin()}/#/`, async (route) => {
      const response = await route.fetch()
      read.open()
      await answer.wait
      await route.fulfill({ response })
    }, notificationSpy)
    await setHidden(loading, true)
    await read.wait
    await s.thawCarol()
    await messageEventsSeen(loading)
    answer.open()

    // The node's count: the late message, the only one not marked read.
    const inbox = await cliJson<Array<{ peerId: string, unread: number }>>(s.bob.home, ['inbox'])
    expect(inbox.find(c => c.peerId === s.alice.peerId)?.unread).toBe(1)
    await entry(loading).locator('.badge[aria-label="1 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await loading.title()).toBe('(1) murmur')
    await notificationsSeen(loading, 1)

    // Shown once, at its place (the tab stays hidden: opening the conversation marks nothing read).
    await loading.goto(`${origin()}/#/c/${s.alice.peerId}`)
    await loading.locator('li.event').filter({ hasText: GAP_FILLED }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await shown(loading)).toEqual(['hello', 'hi', FIRST, SECOND, `* ${GAP_FILLED}`])
    expect(await notificationsShown(loading)).toEqual([{ title: 'alice', body: FIRST }])
    expect(await entry(loading).locator('.badge').getAttribute('aria-label')).toBe('1 unread')
    expect(pageProblems(loading)).toEqual([])
  }, 120_000)

  it('the open conversation inserted the late message before the later one, live and once', async () => {
    await messageItems(open, FIRST).waitFor({ timeout: UI_TIMEOUT_MS })
    await open.locator('li.event').filter({ hasText: GAP_FILLED }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await shown(open)).toEqual(['hello', 'hi', FIRST, SECOND, `* ${GAP_FILLED}`])
    expect(await open.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
    expect(pageProblems(open)).toEqual([])
  }, 60_000)
})
