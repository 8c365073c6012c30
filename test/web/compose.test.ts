/// <reference lib="dom" />
/**
 * What a person types (docs/web.md "What it shows", the compose box), with one real
 * `murmur start` process and its page in a real Chromium: unsent text belongs to its
 * conversation (it does not follow the person into another one, where Enter would send it to
 * the wrong contact) and outlives the node stopping and starting again under the open page;
 * right-to-left text reads right to left; the longest text the API takes is sent whole, one
 * byte more is explained and nothing is stored. The contacts are identities that never run:
 * nothing here needs a message delivered.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../e2e/cli-helpers.js'
import { callApi, initNode, killAll, startNode, type RunningNode } from '../e2e/daemon-helpers.js'
import { launchBrowser, type TestBrowser } from './browser.js'
import { openApp, pageProblems, UI_TIMEOUT_MS } from './page-helpers.js'

describe('the compose box and the texts it sends (real node, real Chromium)', () => {
  const cleanups: Array<() => Promise<void>> = []
  let home: string
  let api: string
  let alice: RunningNode
  let bobId: string
  let daveId: string
  let browser: TestBrowser
  let page: Page

  const conversationOf = async (peerId: string): Promise<void> => {
    await page.locator(`nav a[data-peer="${peerId}"]`).click()
    await page.waitForURL(`**/#/c/${peerId}`, { timeout: UI_TIMEOUT_MS })
    await page.locator('#compose-text').waitFor({ timeout: UI_TIMEOUT_MS })
  }

  beforeAll(async () => {
    const [a, b, d] = await Promise.all([initNode('alice'), initNode('bob'), initNode('dave')])
    cleanups.push(a.cleanup, b.cleanup, d.cleanup)
    home = a.home
    bobId = b.peerId
    daveId = d.peerId
    // A fixed API port: the page's address, and so its session cookie, stay the same across the restart.
    api = `127.0.0.1:${await freePort()}`
    const launching = launchBrowser()
    try {
      alice = await startNode(home, ['--api', api])
      await callApi(alice, 'contacts.add', { name: 'bob', peerId: bobId })
      await callApi(alice, 'contacts.add', { name: 'dave', peerId: daveId })
      // One message each (queued: bob and dave never run), so both are in the conversation list.
      await callApi(alice, 'send', { to: 'bob', text: 'hello bob' })
      await callApi(alice, 'send', { to: 'dave', text: 'hello dave' })
    } finally {
      browser = await launching
    }
    page = await openApp(browser, alice)
  })

  afterAll(async () => {
    await browser?.close()
    if (alice?.process.exitCode === null) await alice.stop()
    killAll()
    await Promise.all(cleanups.map(async c => { await c() }))
  })

  it('text typed to bob stays with bob: dave\'s conversation opens with an empty box, Enter there sends nothing, and bob\'s text is back in his', async () => {
    await conversationOf(bobId)
    await page.locator('#compose-text').fill('only for bob')
    await conversationOf(daveId)
    expect(await page.locator('#compose-text').inputValue()).toBe('')
    await page.locator('#compose-text').press('Enter')
    await conversationOf(bobId)
    expect(await page.locator('#compose-text').inputValue()).toBe('only for bob')
    // Nothing reached dave's conversation: still the one message of the set-up.
    expect((await callApi(alice, 'history', { to: 'dave' })).map(m => m.text)).toEqual(['hello dave'])
  })

  it('the node stops and starts again under the open page: the page says so, comes back by itself, and the unsent text is still in the box', async () => {
    await conversationOf(bobId)
    await page.locator('#compose-text').fill('typed before the restart')
    expect(await alice.stop()).toBe(0)
    await page.getByRole('heading', { name: 'Your murmur node is not running' }).waitFor({ timeout: UI_TIMEOUT_MS })
    alice = await startNode(home, ['--api', api])
    await page.locator('#compose-text').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await page.locator('#compose-text').inputValue()).toBe('typed before the restart')
    // It is sent from there, once, and the box is empty again.
    await page.locator('#compose-text').press('Enter')
    await page.locator('li.message p.text', { hasText: 'typed before the restart' }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await page.locator('#compose-text').inputValue()).toBe('')
    expect((await callApi(alice, 'history', { to: 'bob' })).map(m => m.text)).toEqual(['hello bob', 'typed before the restart'])
    expect(pageProblems(page)).toEqual([])
  })

  it('right-to-left text reads right to left, in its bubble, the conversation list and the compose box; left-to-right text stays so', async () => {
    await conversationOf(daveId)
    const hebrew = 'שלום, מה שלומך?'
    const box = page.locator('#compose-text')
    await box.fill(hebrew)
    const direction = async (selector: string): Promise<string> => await page.locator(selector).first().evaluate((el) => getComputedStyle(el).direction)
    expect(await direction('#compose-text')).toBe('rtl')
    await box.press('Enter')
    await page.locator('li.message p.text', { hasText: hebrew }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await page.locator('li.message p.text', { hasText: hebrew }).evaluate((el) => getComputedStyle(el).direction)).toBe('rtl')
    // After "You: ", the text in its own direction.
    expect(await page.locator(`nav a[data-peer="${daveId}"] .preview`).textContent()).toBe(`You: ${hebrew}`)
    expect(await direction(`nav a[data-peer="${daveId}"] .preview bdi`)).toBe('rtl')
    expect(await page.locator('li.message p.text', { hasText: 'hello dave' }).evaluate((el) => getComputedStyle(el).direction)).toBe('ltr')
    expect(await direction('#compose-text')).toBe('ltr')

    // A contact's name in Hebrew, given with the rename form: its title, the box and the
    // contacts list read right to left too. Then back to "dave" for the tests after.
    await page.goto(`${page.url().split('#')[0]}#/contacts/${daveId}`)
    const rename = page.locator('#rename')
    await rename.fill('דוד')
    expect(await direction('#rename')).toBe('rtl')
    await page.locator('form button[type="submit"]', { hasText: 'Rename' }).click()
    await page.locator('#contact-title', { hasText: 'דוד' }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await direction('#contact-title')).toBe('rtl')
    await page.goto(`${page.url().split('#')[0]}#/contacts`)
    await page.locator('ul.plain-list a', { hasText: 'דוד' }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await direction('ul.plain-list a >> text=דוד')).toBe('rtl')
    expect(await direction('ul.plain-list a >> text=bob')).toBe('ltr')
    await callApi(alice, 'contacts.rename', { contact: daveId, newName: 'dave' })
  })

  it('a text of exactly 65,536 bytes of UTF-8 is sent whole; one byte more is explained before sending, and nothing is stored', async () => {
    await conversationOf(daveId)
    const longest = 'é'.repeat(32_768)
    const box = page.locator('#compose-text')
    await box.fill(longest + 'a')
    await page.locator('#compose-help[role="alert"]', { hasText: 'Too long to send: 65,537 bytes' }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await page.locator('form.compose button[type="submit"]').isDisabled()).toBe(true)
    await box.press('Enter')
    // The API refuses it too, with the library's typed error, whoever sends it.
    await expect(callApi(alice, 'send', { to: 'dave', text: longest + 'a' })).rejects.toMatchObject({ remoteName: 'InvalidMessageTextError' })
    await box.fill(longest)
    await box.press('Enter')
    await page.locator('li.message p.text', { hasText: 'éééé' }).waitFor({ timeout: UI_TIMEOUT_MS })
    const stored = (await callApi(alice, 'history', { to: 'dave' })).filter(m => m.text.startsWith('é'))
    expect(stored.map(m => m.text.length)).toEqual([32_768])
    expect(stored[0].text).toBe(longest)
    expect(await box.inputValue()).toBe('')
  })
})
