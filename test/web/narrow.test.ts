/// <reference lib="dom" />
/**
 * A phone-sized screen (320 CSS pixels wide, the narrowest common phone) and a long contact name
 * (docs/web.md "What it shows"): one in-process node, its page in a real Chromium. The main view
 * clips what overflows it, so a control pushed past the screen's edge cannot be reached at all.
 */
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { withNodeAndBrowser } from './node-fixture.js'
import { openApp, UI_TIMEOUT_MS } from './page-helpers.js'

const WIDTH = 320
/** An e-mail address as a name: long, and one word. */
const NAME = 'alexandra.konstantinopoulou@example.org'

/** The links, buttons and fields of the main view that reach past the screen's right edge. */
async function pastTheEdge (page: Page): Promise<string[]> {
  return await page.evaluate((width) => [...document.querySelectorAll('main a, main button, main input, main h1')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .map(e => `${e.tagName.toLowerCase()} "${(e.textContent ?? '').slice(0, 40)}" ends at ${Math.round(e.getBoundingClientRect().right)}px`), WIDTH)
}

describe(`a ${WIDTH}-pixel screen and a long contact name (in-process node, real Chromium)`, () => {
  const fixture = withNodeAndBrowser([NAME])

  it('the conversation and the contact\'s page keep every control on the screen', async () => {
    const { node, browser, peers: [peerId] } = fixture
    const page = await openApp(browser, { webSignIn: node.daemon.api.issueWebSignIn().url }, { viewport: { width: WIDTH, height: 640 }, isMobile: true, hasTouch: true })
    await page.goto(`${node.daemon.api.webUrl}#/c/${peerId}`)
    await page.locator('#compose-text').waitFor({ timeout: UI_TIMEOUT_MS })
    await page.getByRole('heading', { name: NAME }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await pastTheEdge(page)).toEqual([])

    await page.getByRole('link', { name: 'Contact and safety number' }).click()
    await page.getByRole('button', { name: `Remove ${NAME}…` }).click()
    await page.getByRole('group', { name: 'Confirm removal' }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await pastTheEdge(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(WIDTH)
  })
})
