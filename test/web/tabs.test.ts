/// <reference lib="dom" />
/**
 * Two tabs of one node's web app (docs/web.md "What it shows"), with three real `murmur start`
 * processes (bob writes to alice through his node's API; alice writes to bob and carol) and alice's tabs in one real
 * Chromium context: what one tab (or another client of the API) does shows in the other, once,
 * and both agree on what is unread.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../e2e/cli-helpers.js'
import { callApi, initNode, killAll, startNode, type RunningNode } from '../e2e/daemon-helpers.js'
import { launchBrowser, type TestBrowser } from './browser.js'
import { barrier, messageItems, notificationSpy, openApp, pageProblems, setHidden, titleMismatches, titleWatch, UI_TIMEOUT_MS, waitForState } from './page-helpers.js'

describe('two tabs of alice\'s web app (real nodes, real Chromium)', () => {
  const cleanups: Array<() => Promise<void>> = []
  const nodes: RunningNode[] = []
  let alice: RunningNode
  let bob: RunningNode
  let carol: RunningNode
  let browser: TestBrowser
  let first: Page
  let second: Page

  const entryIn = (page: Page) => page.locator(`nav a[data-peer="${bob.peerId}"]`)

  beforeAll(async () => {
    const [a, b, c] = await Promise.all([initNode('alice'), initNode('bob'), initNode('carol')])
    cleanups.push(a.cleanup, b.cleanup, c.cleanup)
    const alicePort = await freePort()
    const launching = launchBrowser()
    try {
      // Both at once: alice's address is known before she runs (her peer ID from init, a port
      // chosen here); bob's and carol's nodes redial it until she answers.
      const aliceAddr = `/ip4/127.0.0.1/tcp/${alicePort}/p2p/${a.peerId}`
      ;[alice, bob, carol] = await Promise.all([
        startNode(a.home, ['--listen', `/ip4/127.0.0.1/tcp/${alicePort}`]),
        startNode(b.home, ['--bootstrap', aliceAddr]),
        startNode(c.home, ['--bootstrap', aliceAddr])
      ])
      nodes.push(alice, bob, carol)
      await callApi(alice, 'contacts.add', { name: 'bob', peerId: bob.peerId })
      await callApi(bob, 'contacts.add', { name: 'alice', peerId: alice.peerId })
      await callApi(bob, 'send', { to: 'alice', text: 'first from bob', wait: true, timeout: 30 })
    } finally {
      browser = await launching
    }
    first = await openApp(browser, alice, {}, titleWatch)
    // The second tab: the same browser (the same session cookie), opened on the app's address.
    second = await first.context().newPage()
    await second.addInitScript(titleWatch)
    await second.goto(alice.webSignIn.split('#')[0])
    await second.locator('nav.sidebar').waitFor({ timeout: UI_TIMEOUT_MS })
  })

  afterAll(async () => {
    await browser?.close()
    await Promise.all(nodes.filter(n => n.process.exitCode === null).map(async n => await n.stop()))
    killAll()
    await Promise.all(cleanups.map(async c => { await c() }))
  })

  it('a conversation read in one tab is read in the other: its badge and the title\'s count go there too', async () => {
    for (const page of [first, second]) await entryIn(page).locator('.badge[aria-label="1 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })
    await entryIn(first).click()
    await messageItems(first, 'first from bob').waitFor({ timeout: UI_TIMEOUT_MS })
    await entryIn(first).locator('.badge').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS })
    await entryIn(second).locator('.badge').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS })
    expect(await second.title()).toBe('murmur')
    expect((await callApi(alice, 'inbox', {})).find(c => c.peerId === bob.peerId)?.unread).toBe(0)
  })

  it('read by another client of the API (murmur read): both tabs follow', async () => {
    await first.goto(alice.webSignIn.split('#')[0] + '#/')
    await first.locator('nav.sidebar').waitFor({ timeout: UI_TIMEOUT_MS })
    await callApi(bob, 'send', { to: 'alice', text: 'second from bob', wait: true, timeout: 30 })
    for (const page of [first, second]) await entryIn(page).locator('.badge[aria-label="1 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })
    expect((await callApi(alice, 'read', { to: 'bob' })).marked).toBe(1)
    for (const page of [first, second]) {
      await entryIn(page).locator('.badge').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS })
      expect(await page.title()).toBe('murmur')
    }
  })

  it('a message sent elsewhere (another tab, murmur send) moves its conversation up in the list with it as the last message', async () => {
    // A second conversation, newer than bob's: the one on top of both lists.
    await callApi(alice, 'contacts.add', { name: 'carol', peerId: carol.peerId })
    await callApi(alice, 'send', { to: 'carol', text: 'hello carol' })
    const top = (page: Page) => page.locator('nav ul.conversations li').first().locator('a')
    for (const page of [first, second]) await top(page).and(page.locator(`[data-peer="${carol.peerId}"]`)).waitFor({ timeout: UI_TIMEOUT_MS })

    await entryIn(first).click()
    await first.locator('#compose-text').fill('sent from the first tab')
    await first.locator('#compose-text').press('Enter')
    for (const page of [first, second]) {
      await top(page).and(page.locator(`[data-peer="${bob.peerId}"]`)).filter({ hasText: 'You: sent from the first tab' }).waitFor({ timeout: UI_TIMEOUT_MS })
    }
    await callApi(alice, 'send', { to: 'carol', text: 'sent with murmur send' })
    for (const page of [first, second]) {
      await top(page).and(page.locator(`[data-peer="${carol.peerId}"]`)).filter({ hasText: 'You: sent with murmur send' }).waitFor({ timeout: UI_TIMEOUT_MS })
    }
  })

  it('a message sent in one tab shows in the other with the conversation open, once, with its state', async () => {
    for (const page of [first, second]) await entryIn(page).click()
    await first.locator('#compose-text').fill('from the first tab')
    await first.locator('#compose-text').press('Enter')
    await waitForState(first, 'from the first tab', ['delivered', 'read'])
    await waitForState(second, 'from the first tab', ['delivered', 'read'])
    expect(await messageItems(second, 'from the first tab').count()).toBe(1)
    expect(await messageItems(first, 'from the first tab').count()).toBe(1)
    expect(pageProblems(first)).toEqual([])
    for (const page of [first, second]) expect(await titleMismatches(page)).toEqual([])
  })

  it('a message that comes while the page\'s own read is answered stays unread (the tab hidden meanwhile)', async () => {
    // The other tabs leave bob's conversation: they would read what comes there.
    for (const tab of [first, second]) await tab.goto(alice.webSignIn.split('#')[0] + '#/')
    const page = await first.context().newPage()
    await page.addInitScript(notificationSpy)
    const gate = barrier()
    const answered = barrier()
    let held = false
    await page.route('**/rpc', async (route) => {
      if ((route.request().postDataJSON() as { method: string }).method !== 'read' || held) { await route.continue(); return }
      held = true
      // The node marks the conversation read now; its answer reaches the page only at the gate.
      const answer = await route.fetch()
      await gate.wait
      await route.fulfill({ response: answer })
      answered.open()
    })
    await page.goto(alice.webSignIn.split('#')[0] + '#/')
    await callApi(bob, 'send', { to: 'alice', text: 'third from bob', wait: true, timeout: 30 })
    await entryIn(page).locator('.badge[aria-label="1 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })
    await entryIn(page).click()
    await messageItems(page, 'third from bob').waitFor({ timeout: UI_TIMEOUT_MS })
    await entryIn(page).locator('.badge').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS })
    // The tab is hidden: what comes now is not read.
    await setHidden(page, true)
    await callApi(bob, 'send', { to: 'alice', text: 'fourth from bob', wait: true, timeout: 30 })
    await entryIn(page).locator('.badge[aria-label="1 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })
    gate.open()
    await answered.wait
    // A later message, so that the answer has surely been handled: both are unread.
    await callApi(bob, 'send', { to: 'alice', text: 'fifth from bob', wait: true, timeout: 30 })
    await messageItems(page, 'fifth from bob').waitFor({ timeout: UI_TIMEOUT_MS })
    expect((await callApi(alice, 'inbox', {})).find(c => c.peerId === bob.peerId)?.unread).toBe(2)
    await entryIn(page).locator('.badge[aria-label="2 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })
    await page.close()
  })

  it('bob removed from the contacts: his conversation is listed under his peer ID, not under the name he no longer has', async () => {
    await first.goto(`${alice.webSignIn.split('#')[0]}#/contacts/${bob.peerId}`)
    await first.getByRole('button', { name: 'Remove bob…' }).click()
    await first.getByRole('group', { name: 'Confirm removal' }).getByRole('button', { name: 'Remove', exact: true }).click()
    await first.waitForURL('**/#/contacts', { timeout: UI_TIMEOUT_MS })
    expect((await callApi(alice, 'contacts.list', {})).map(c => c.name)).not.toContain('bob')
    await entryIn(first).locator('.name', { hasText: bob.peerId.slice(0, 8) }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await entryIn(first).locator('.name').textContent()).not.toBe('bob')
  })
})
