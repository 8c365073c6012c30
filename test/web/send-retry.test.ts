/// <reference lib="dom" />
/**
 * A send whose answer is lost (docs/web.md "What it shows"): the node stores the message, the
 * connection drops before its answer reaches the page. One in-process node (the message waits
 * in its outbox for a peer that is not online), its page in a real Chromium; the answer is lost
 * by the browser's network layer (a Playwright route that lets the request reach the node, then
 * fails the connection).
 */
import { describe, expect, it } from 'vitest'
import { rpc } from '../api/helpers.js'
import { withNodeAndBrowser } from './node-fixture.js'
import { messageItems, openApp, UI_TIMEOUT_MS } from './page-helpers.js'

describe('a send whose answer is lost (in-process node, real Chromium)', () => {
  const fixture = withNodeAndBrowser(['dora'])

  it('the page says it may have been sent, and sending again does not send it twice', async () => {
    const { node, browser, peers: [peerId] } = fixture
    const page = await openApp(browser, { webSignIn: node.daemon.api.issueWebSignIn().url })
    await page.goto(`${node.daemon.api.webUrl}#/c/${peerId}`)
    let lost = 0
    await page.route('**/rpc', async (route) => {
      if ((route.request().postDataJSON() as { method: string }).method !== 'send' || lost > 0) { await route.continue(); return }
      lost++
      // The node answers; the page never gets it.
      const answer = await route.fetch()
      expect(answer.status()).toBe(200)
      await route.abort('connectionreset')
    })
    const box = page.locator('#compose-text')
    await box.fill('only once, please')
    await box.press('Enter')
    const said = page.locator('.compose [role="alert"]')
    await said.waitFor({ timeout: UI_TIMEOUT_MS })
    const firstSaid = await said.textContent()
    expect(await box.inputValue()).toBe('only once, please')
    // What a careful user does when told it was not sent.
    await box.press('Enter')
    await said.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS })
    await expect.poll(async () => await box.inputValue(), { timeout: UI_TIMEOUT_MS }).toBe('')
    await messageItems(page, 'only once, please').waitFor({ timeout: UI_TIMEOUT_MS })
    const history = (await rpc(node, 'history', { to: peerId })).body.result as Array<{ text: string }>
    expect(history.filter(m => m.text === 'only once, please')).toHaveLength(1)
    expect(await messageItems(page, 'only once, please').count()).toBe(1)
    // It never said "not sent" of a message the node had.
    expect(firstSaid).toMatch(/^Perhaps not sent/)
  })

  it('a client id names one message: the same id with another text is refused, and nothing is sent', async () => {
    const { node, peers: [peerId] } = fixture
    const first = await rpc(node, 'send', { to: peerId, text: 'first text', clientId: 'client-id-1' })
    const again = await rpc(node, 'send', { to: peerId, text: 'first text', clientId: 'client-id-1' })
    expect(again.body.result.id).toBe(first.body.result.id)
    const other = await rpc(node, 'send', { to: peerId, text: 'another text', clientId: 'client-id-1' })
    expect(other.body.error.data.name).toBe('InvalidParamsError')
    const history = (await rpc(node, 'history', { to: peerId })).body.result as Array<{ text: string }>
    expect(history.filter(m => m.text === 'first text')).toHaveLength(1)
    expect(history.filter(m => m.text === 'another text')).toHaveLength(0)
  })
})
