/// <reference lib="dom" />
/**
 * Many tabs of one node's web app (docs/web.md "Opening it"), and a contact book changed
 * elsewhere, with two in-process nodes (alice and bob, each served by startDaemon as `murmur
 * start` serves it) and alice's tabs in one real Chromium context.
 *
 * A browser keeps at most 6 HTTP/1.1 connections per host: the tabs share one event stream
 * (web/src/shared-stream.ts), so that any number of them stay responsive and all get the events,
 * also after the tab holding the stream closes.
 */
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDaemon } from '../../src/api/daemon.js'
import { createMurmur } from '../../src/messenger/index.js'
import { rpc, startTestNode, type TestNode } from '../api/helpers.js'
import { launchBrowser, type TestBrowser } from './browser.js'
import { gateNextInbox, messageEventsSeen, notificationSpy, notificationsSeen, notificationsShown, openApp, pageProblems, setHidden, UI_TIMEOUT_MS, watchMessageEvents } from './page-helpers.js'

const TABS = 8

describe('many tabs of alice\'s web app (in-process nodes, real Chromium)', () => {
  let alice: TestNode
  let bob: TestNode
  let browser: TestBrowser
  let context: BrowserContext
  const tabs: Page[] = []

  const alicePeer = (): string => alice.daemon.id.peerId
  const bobPeer = (): string => bob.daemon.id.peerId
  const entryIn = (page: Page) => page.locator(`nav a[data-peer="${bobPeer()}"]`)
  const call = async (node: TestNode, method: string, params: unknown): Promise<any> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const { body } = await rpc(node, method, params)
    if (body.error !== undefined) throw new Error(`${method}: ${JSON.stringify(body.error)}`)
    return body.result
  }

  beforeAll(async () => {
    const launching = launchBrowser()
    try {
      alice = await startTestNode()
      bob = await startTestNode({ bootstrap: [alice.daemon.id.addresses[0]] })
      await call(alice, 'contacts.add', { name: 'bob', peerId: bobPeer() })
      await call(bob, 'contacts.add', { name: 'alice', peerId: alicePeer() })
      await call(bob, 'send', { to: 'alice', text: 'first from bob', wait: true, timeout: 30 })
    } finally {
      browser = await launching
    }
    const first = await openApp(browser, { webSignIn: alice.daemon.api.issueWebSignIn().url })
    context = first.context()
    tabs.push(first)
  })

  afterAll(async () => {
    await browser?.close()
    await bob?.cleanup()
    // The daemon started again under the tabs is not the one alice's cleanup stops.
    await alice?.daemon.stop()
    await alice?.cleanup()
  })

  it(`${TABS} tabs open and answer, and every one shows a message as it comes`, async () => {
    const base = alice.daemon.api.webUrl
    for (let i = 1; i < TABS; i++) {
      const page = await context.newPage()
      tabs.push(page)
      await page.goto(base)
      // The list comes from calls made once the events are live: with a stream per tab, the
      // seventh tab's calls waited for a connection that never came.
      await entryIn(page).waitFor({ timeout: UI_TIMEOUT_MS })
    }
    await call(bob, 'send', { to: 'alice', text: 'second from bob', wait: true, timeout: 30 })
    for (const page of tabs) await entryIn(page).locator('.badge[aria-label="2 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })
    // A call from the last tab is answered while all are open.
    expect(await tabs[TABS - 1].evaluate(async () => (await fetch('/rpc', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'id', params: {} }), signal: AbortSignal.timeout(5_000) })).status)).toBe(200)
  })

  it('the tabs go on getting events after the tab that held the stream closes', async () => {
    // Every tab is closed but the last, one after another: whichever held the stream goes too.
    while (tabs.length > 2) await tabs.shift()?.close()
    await call(bob, 'send', { to: 'alice', text: 'third from bob', wait: true, timeout: 30 })
    for (const page of tabs) await entryIn(page).locator('.badge[aria-label="3 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })
    for (const page of tabs) expect(pageProblems(page)).toEqual([])
  })

  it('a contact renamed, removed and added again through the API shows in the open tabs at once', async () => {
    const [listTab, contactsTab] = tabs
    await contactsTab.goto(`${alice.daemon.api.webUrl}#/contacts`)
    await contactsTab.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor({ timeout: UI_TIMEOUT_MS })
    const name = entryIn(listTab).locator('.name')
    expect(await name.textContent()).toBe('bob')

    await call(alice, 'contacts.rename', { contact: 'bob', newName: 'robert' })
    await name.filter({ hasText: /^robert$/ }).waitFor({ timeout: UI_TIMEOUT_MS })
    await contactsTab.locator('.plain-list a', { hasText: /^robert$/ }).waitFor({ timeout: UI_TIMEOUT_MS })

    await call(alice, 'contacts.remove', { contact: 'robert' })
    // A conversation without a contact is listed under the peer ID's start.
    await name.filter({ hasText: /^12D3KooW/ }).waitFor({ timeout: UI_TIMEOUT_MS })
    await contactsTab.locator('.plain-list a', { hasText: /^robert$/ }).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS })

    await call(alice, 'contacts.add', { name: 'bob', peerId: bobPeer() })
    await name.filter({ hasText: /^bob$/ }).waitFor({ timeout: UI_TIMEOUT_MS })
    await contactsTab.locator('.plain-list a', { hasText: /^bob$/ }).waitFor({ timeout: UI_TIMEOUT_MS })

    // Marked verified elsewhere while his safety number is open here: the page says so.
    await contactsTab.goto(`${alice.daemon.api.webUrl}#/contacts/${bobPeer()}`)
    await contactsTab.getByText('Not verified yet.').waitFor({ timeout: UI_TIMEOUT_MS })
    await call(alice, 'contacts.verify', { contact: 'bob', confirm: true })
    await contactsTab.locator('.verified', { hasText: 'verified' }).waitFor({ timeout: UI_TIMEOUT_MS })
    for (const page of tabs) expect(pageProblems(page)).toEqual([])
  })

  it('the node restarts under the open tabs: they say so, come back by themselves, and get the next message', async () => {
    const { port } = alice.daemon.api
    await alice.daemon.stop()
    for (const page of tabs) await page.locator('#stopped-title').waitFor({ timeout: UI_TIMEOUT_MS })
    alice.daemon = await startDaemon({ home: alice.home, api: `127.0.0.1:${port}`, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false }, createMurmur)
    for (const page of tabs) await page.locator('nav.sidebar').waitFor({ timeout: UI_TIMEOUT_MS })
    await call(bob, 'send', { to: alicePeer(), text: 'fourth from bob', wait: true, timeout: 30 })
    for (const page of tabs) await entryIn(page).locator('.badge[aria-label="4 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })
  })

  it('a message that comes while a hidden tab connects again after a restart is notified, and counted once', async () => {
    // A browser of its own: its one tab is hidden, so no visible tab of the app silences it.
    const hidden = await openApp(browser, { webSignIn: alice.daemon.api.issueWebSignIn().url }, { permissions: ['notifications'] }, notificationSpy)
    await entryIn(hidden).locator('.badge[aria-label="4 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })
    await setHidden(hidden, true)
    await watchMessageEvents(hidden)
    // The tab's next `inbox` is the read of its new link; it goes to the node only after bob's
    // message came as an event, so that read holds it (web/src/live.ts, notifyMissed).
    const gate = await gateNextInbox(hidden)
    const { port } = alice.daemon.api
    await alice.daemon.stop()
    await hidden.locator('#stopped-title').waitFor({ timeout: UI_TIMEOUT_MS })
    alice.daemon = await startDaemon({ home: alice.home, api: `127.0.0.1:${port}`, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false }, createMurmur)
    await gate.asked
    await call(bob, 'send', { to: alicePeer(), text: 'while the tab came back', wait: true, timeout: 30 })
    await messageEventsSeen(hidden)
    gate.release()
    await notificationsSeen(hidden, 1)
    expect(await notificationsShown(hidden)).toEqual([{ title: 'bob', body: 'while the tab came back' }])
    await entryIn(hidden).locator('.badge[aria-label="5 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(pageProblems(hidden)).toEqual([])
    await hidden.context().close()
  })

  it('signing out in one tab shows the sign-in page in every tab', async () => {
    const [first, second] = tabs
    await second.goto(`${alice.daemon.api.webUrl}#/node`)
    await second.getByRole('button', { name: 'Sign out of this browser' }).click()
    for (const page of [first, second]) await page.locator('#signin-title').waitFor({ timeout: UI_TIMEOUT_MS })
    for (const page of tabs) expect(pageProblems(page)).toEqual([])
  })
})
