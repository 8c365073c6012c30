/// <reference lib="dom" />
/**
 * Keyboard use (docs/web.md "What it shows"): moving between conversations with Alt+↑/↓ from
 * the compose box keeps the focus in the conversation. One in-process node with two
 * conversations (messages queued to two peers that are not online), its page in a real Chromium.
 */
import { describe, expect, it } from 'vitest'
import { withNodeAndBrowser } from './node-fixture.js'
import { openApp, UI_TIMEOUT_MS } from './page-helpers.js'

describe('moving between conversations from the keyboard (in-process node, real Chromium)', () => {
  const fixture = withNodeAndBrowser(['dora', 'erin'], { greet: true })

  it('Alt+↓ and Alt+↑ from the compose box open the next conversation with its compose box focused', async () => {
    const { node, browser, peers } = fixture
    const page = await openApp(browser, { webSignIn: node.daemon.api.issueWebSignIn().url })
    // The list is newest first: erin's, then dora's.
    const [dora, erin] = peers
    await page.goto(`${node.daemon.api.webUrl}#/c/${erin}`)
    const box = page.locator('#compose-text')
    await box.focus()
    await page.keyboard.type('for erin')
    await page.keyboard.press('Alt+ArrowDown')
    await page.waitForURL(`**/#/c/${dora}`, { timeout: UI_TIMEOUT_MS })
    await page.getByRole('heading', { name: 'dora' }).waitFor({ timeout: UI_TIMEOUT_MS })
    await expect.poll(async () => await page.evaluate(() => document.activeElement?.id), { timeout: UI_TIMEOUT_MS }).toBe('compose-text')
    // Typing goes on in dora's box, and erin's text waits in hers.
    await page.keyboard.type('for dora')
    expect(await box.inputValue()).toBe('for dora')
    await page.keyboard.press('Alt+ArrowUp')
    await page.waitForURL(`**/#/c/${erin}`, { timeout: UI_TIMEOUT_MS })
    // The address changes before erin's view replaces dora's (it loads her conversation first):
    // until then the box focused is still dora's.
    await page.getByRole('heading', { name: 'erin' }).waitFor({ timeout: UI_TIMEOUT_MS })
    await expect.poll(async () => await page.evaluate(() => document.activeElement?.id), { timeout: UI_TIMEOUT_MS }).toBe('compose-text')
    expect(await box.inputValue()).toBe('for erin')
  })
})
