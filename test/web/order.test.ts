/// <reference lib="dom" />
/**
 * The conversation view keeps the sender's order (docs/messaging.md "Order", docs/web.md): with
 * real nodes and a real Chromium, a message a relay held arrives after a later one
 * (test/e2e/order-scenario.ts). bob's page shows the gap line, then, live and without a
 * reload, the late message at its place before the later one, and the gap line marked filled.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIRST, GAP_FILLED, GAP_OPEN, OrderScenario, SECOND } from '../e2e/order-scenario.js'
import { launchBrowser, type TestBrowser } from './browser.js'
import { messageItems, openApp, pageProblems, UI_TIMEOUT_MS } from './page-helpers.js'

/** The conversation as the page lists it: message texts, and `* text` for event lines. */
async function shown (page: Page): Promise<string[]> {
  return await page.locator('ol.messages > li.message, ol.messages > li.event').evaluateAll(items => items.map(li =>
    li.classList.contains('event') ? `* ${li.textContent ?? ''}` : li.querySelector('p.text')?.textContent ?? ''))
}

describe('the web app shows a late message at its place (real nodes, real Chromium)', () => {
  const s = new OrderScenario()
  let browser: TestBrowser

  beforeAll(async () => {
    await s.setup()
    browser = await launchBrowser()
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await s.teardown()
  })

  it('the gap line shows in the page, then the held message is inserted before the later one, once', async () => {
    await s.holdApart()
    await s.bobBack()
    const page = await openApp(browser, s.bob)
    await page.locator(`nav a[data-peer="${s.alice.peerId}"]`).click()
    await page.locator('li.event').filter({ hasText: GAP_OPEN }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await shown(page)).toEqual(['hello', 'hi', SECOND, `* ${GAP_OPEN}`])
    await page.evaluate(() => { (window as unknown as { notReloaded: boolean }).notReloaded = true })

    await s.thawCarol()
    await messageItems(page, FIRST).waitFor({ timeout: UI_TIMEOUT_MS })
    await page.locator('li.event').filter({ hasText: GAP_FILLED }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await shown(page)).toEqual(['hello', 'hi', FIRST, SECOND, `* ${GAP_FILLED}`])
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
    expect(pageProblems(page)).toEqual([])
  }, 300_000)
})
