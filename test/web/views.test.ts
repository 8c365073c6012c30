/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The web app's views in a real Chromium (docs/web.md): QR codes read from the other
 * person's page, safety numbers and verification, relays and trust, the node's status, paged
 * history, notifications while the tab is hidden, phone and wide layouts, light and dark
 * themes, and axe-core on every main view. Two real `murmur start` processes on 127.0.0.1.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, untilCli } from '../e2e/cli-helpers.js'
import { callApi, initNode, killAll, startNode, type RunningNode } from '../e2e/daemon-helpers.js'
import { launchBrowser, type TestBrowser } from './browser.js'
import { writeQrVideo } from './fake-camera.js'
import { gateNextInbox, messageEventsSeen, messageItems, notificationSpy, notificationsSeen, notificationsShown, openApp, pageProblems, seriousViolations, setHidden, UI_TIMEOUT_MS, waitForState, watchMessageEvents } from './page-helpers.js'
import { PRESENCE_CHANNEL } from '../../web/src/presence.js'

interface Message { id: string, text: string, direction: string, state: string }

/** Where the test run leaves the conversation screenshot; MURMUR_UPDATE_DOCS=1 copies it into docs/. */
const SCREENSHOT = resolve(import.meta.dirname, '../../dist/web-screenshots/conversation.png')
const DOCS_SCREENSHOT = resolve(import.meta.dirname, '../../docs/web-conversation.png')
const LONG_CONVERSATION = 120


/**
 * A fresh one-time sign-in URL, from the node's API (the call `murmur open --print` makes; the
 * command itself is tested in test/web/messaging.test.ts): a process each costs 0.15 CPU-s.
 */
async function signInUrl (node: RunningNode): Promise<string> {
  return (await callApi(node, 'web.open', {})).url
}

describe('the web app\'s views (real nodes, real Chromium)', () => {
  const cleanups: Array<() => Promise<void>> = []
  const nodes: RunningNode[] = []
  let alice: RunningNode
  let bob: RunningNode
  let browser: TestBrowser
  let alicePage: Page
  let bobPage: Page
  let scratch: string

  beforeAll(async () => {
    const [a, b] = await Promise.all([initNode('alice'), initNode('bob')])
    cleanups.push(a.cleanup, b.cleanup)
    scratch = await mkdtemp(join(tmpdir(), 'murmur-web-'))
    // The fake camera films bob's peer ID as a QR code (the camera test).
    const video = join(scratch, 'camera.y4m')
    await writeQrVideo(video, b.peerId)
    // Chromium starts while the nodes do; it is closed in afterAll whatever the set-up did.
    const launching = launchBrowser(['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`])
    try {
      // Both at once: bob's bootstrap address is alice's, known before she runs (her peer ID
      // from init, a port chosen here); his node redials it until she answers.
      const alicePort = await freePort()
      ;[alice, bob] = await Promise.all([
        // A bootstrap address that is no multiaddr: alice's node warns of it (the node view lists it).
        startNode(a.home, ['--listen', `/ip4/127.0.0.1/tcp/${alicePort}`, '--bootstrap', 'no-such-address']),
        startNode(b.home, ['--bootstrap', `/ip4/127.0.0.1/tcp/${alicePort}/p2p/${a.peerId}`])
      ])
      nodes.push(alice, bob)
      // bob relays for alice: her relays view has a mailbox to show, his trust list an entry.
      // Through the nodes' API: the CLI's own commands are tested in test/e2e.
      await callApi(bob, 'trust.add', { peerId: alice.peerId })
      await callApi(alice, 'relays.add', { peerId: bob.peerId, addr: [bob.addresses[0]] })
      await callApi(bob, 'contacts.add', { name: 'alice', peerId: alice.peerId })
    } finally {
      browser = await launching
    }
    ;[alicePage, bobPage] = await Promise.all([
      openApp(browser, alice, { viewport: { width: 1280, height: 800 }, colorScheme: 'light' }),
      openApp(browser, bob, { viewport: { width: 1280, height: 800 } })
    ])
  })

  afterAll(async () => {
    await browser?.close()
    await Promise.all(nodes.filter(n => n.process.exitCode === null).map(async n => await n.stop()))
    killAll()
    await Promise.all(cleanups.map(async c => { await c() }))
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true })
  })

  it('alice adds bob by reading the QR code shown on his page', async () => {
    await bobPage.goto(bobPage.url().split('#')[0] + '#/contacts')
    expect(await bobPage.getByTestId('own-peer-id').textContent()).toBe(bob.peerId)
    const picture = join(scratch, 'bob-peer-id.png')
    await writeFile(picture, await bobPage.getByRole('img', { name: 'QR code of your peer ID' }).screenshot())

    await alicePage.goto(alicePage.url().split('#')[0] + '#/contacts')
    await alicePage.locator('label', { hasText: 'Read a QR code from an image' }).locator('input[type=file]').setInputFiles(picture)
    await alicePage.waitForFunction((id) => (document.getElementById('contact-peer') as HTMLInputElement).value === id, bob.peerId, { timeout: UI_TIMEOUT_MS })
    await alicePage.locator('#contact-name').fill('bob')
    await alicePage.getByRole('button', { name: 'Add contact' }).click()
    await alicePage.waitForURL(`**/#/c/${bob.peerId}`, { timeout: UI_TIMEOUT_MS })
  })

  it('the camera reads a QR code into the peer ID field, then lets the camera go', async () => {
    const page = await openApp(browser, { webSignIn: await signInUrl(alice) }, { permissions: ['camera'] })
    await page.goto(page.url().split('#')[0] + '#/contacts')
    await page.getByRole('button', { name: 'Scan their QR code' }).click()
    await page.waitForFunction((id) => (document.getElementById('contact-peer') as HTMLInputElement).value === id, bob.peerId, { timeout: UI_TIMEOUT_MS })
    expect(await page.locator('.camera video').count()).toBe(0)
    expect(pageProblems(page)).toEqual([])
    await page.context().close()
  })

  it('the conversation view (screenshot for docs/), with states live', async () => {
    const say = async (page: Page, text: string): Promise<void> => {
      await page.locator('#compose-text').fill(text)
      await page.locator('#compose-text').press('Enter')
    }
    await say(alicePage, 'Hi Bob! This is murmur in the browser, served by my own node.')
    await bobPage.goto(bobPage.url().split('#')[0] + `#/c/${alice.peerId}`)
    await messageItems(bobPage, 'Hi Bob! This is murmur in the browser, served by my own node.').waitFor({ timeout: UI_TIMEOUT_MS })
    await say(bobPage, 'Nice. Same messages as the CLI, live states and all.')
    await messageItems(alicePage, 'Nice. Same messages as the CLI, live states and all.').waitFor({ timeout: UI_TIMEOUT_MS })
    await say(alicePage, 'Enter sends,\nShift+Enter starts a new line.')
    await waitForState(alicePage, 'Enter sends,\nShift+Enter starts a new line.', 'read')
    await waitForState(alicePage, 'Hi Bob! This is murmur in the browser, served by my own node.', 'read')
    await mkdir(resolve(SCREENSHOT, '..'), { recursive: true })
    await alicePage.screenshot({ path: SCREENSHOT })
    if (process.env.MURMUR_UPDATE_DOCS === '1') await copyFile(SCREENSHOT, DOCS_SCREENSHOT)
  })

  it('safety number: the same digits on both pages; reading bob\'s QR code matches; alice marks him verified', async () => {
    await alicePage.goto(alicePage.url().split('#')[0] + `#/contacts/${bob.peerId}`)
    await bobPage.goto(bobPage.url().split('#')[0] + `#/contacts/${alice.peerId}`)
    const digits = async (page: Page): Promise<string> => (await page.getByTestId('safety-number').textContent({ timeout: UI_TIMEOUT_MS }) ?? '').replace(/\D/g, '')
    const [mine, theirs] = [await digits(alicePage), await digits(bobPage)]
    expect(mine).toMatch(/^\d{60}$/)
    expect(mine).toBe(theirs)
    const picture = join(scratch, 'bob-safety.png')
    await writeFile(picture, await bobPage.getByRole('img', { name: 'QR code of the safety number' }).screenshot())
    await alicePage.locator('label', { hasText: 'Read their code from an image' }).locator('input[type=file]').setInputFiles(picture)
    await alicePage.getByText('The safety numbers match.').waitFor({ timeout: UI_TIMEOUT_MS })
    await alicePage.getByRole('button', { name: 'Mark as verified' }).click()
    await alicePage.locator('#safety-title ~ .address .verified').waitFor({ timeout: UI_TIMEOUT_MS })
    const contacts = await callApi(alice, 'contacts.list', {})
    expect(contacts.find(c => c.name === 'bob')?.verified).toBe(true)
    expect(await seriousViolations(alicePage)).toEqual([])
  })

  it('blocking: bob blocks alice from her contact page after a confirmation; her conversation offers no compose box; an unblock elsewhere brings it back live', async () => {
    // A conversation in bob's list, whatever ran before.
    await callApi(alice, 'send', { to: bob.peerId, text: 'before the block' })
    await bobPage.locator(`.conversations a[data-peer="${alice.peerId}"]`).waitFor({ timeout: UI_TIMEOUT_MS })
    await bobPage.goto(bobPage.url().split('#')[0] + `#/contacts/${alice.peerId}`)
    await bobPage.getByRole('button', { name: 'Block alice…' }).click()
    const confirm = bobPage.getByRole('group', { name: 'Confirm blocking' })
    expect(await confirm.textContent()).toContain('What they send from now on is dropped unread')
    await confirm.getByRole('button', { name: 'Block', exact: true }).click()
    await bobPage.getByText(/^You blocked alice \(Today, /).waitFor({ timeout: UI_TIMEOUT_MS })
    expect((await callApi(bob, 'blocked', {})).map(b => b.peerId)).toEqual([alice.peerId])
    expect(await seriousViolations(bobPage)).toEqual([])

    await bobPage.goto(bobPage.url().split('#')[0] + `#/c/${alice.peerId}`)
    await bobPage.locator('.blocked-notice').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await bobPage.locator('.compose textarea').count()).toBe(0)
    const tag = bobPage.locator(`.conversations a[data-peer="${alice.peerId}"] .tag`)
    expect(await tag.textContent()).toBe('blocked')
    // Unblocked by another client (the CLI, another tab): the `blocks` event brings the box back.
    await callApi(bob, 'unblock', { peer: alice.peerId })
    await bobPage.locator('.compose textarea').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await bobPage.locator('.blocked-notice').count()).toBe(0)
    expect(await tag.count()).toBe(0)
  })

  it('relays and trust: alice sees her mailbox at bob with its quota; bob sees he relays for alice; the first-contact door toggles', async () => {
    await alicePage.goto(alicePage.url().split('#')[0] + '#/relays')
    const row = alicePage.locator('li.relay', { hasText: 'bob' })
    await row.filter({ hasText: 'registered' }).filter({ hasText: /Holds \d+ messages? for you \(.* of 64 MiB\)/ }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await row.locator('meter').count()).toBe(1)
    expect(await seriousViolations(alicePage)).toEqual([])

    const door = alicePage.getByRole('checkbox', { name: /Strangers may leave a first message/ })
    await door.waitFor({ timeout: UI_TIMEOUT_MS })
    await alicePage.waitForFunction(() => !(document.querySelector('.switch input') as HTMLInputElement).disabled, undefined, { timeout: UI_TIMEOUT_MS })
    expect(await door.isChecked()).toBe(true)
    await door.uncheck()
    await alicePage.getByText('Closed: only your contacts can reach your mailboxes.').waitFor({ timeout: UI_TIMEOUT_MS })
    await alicePage.reload()
    await alicePage.getByText('Closed: only your contacts can reach your mailboxes.').waitFor({ timeout: UI_TIMEOUT_MS })
    await alicePage.getByRole('checkbox', { name: /Strangers may leave a first message/ }).check()
    await alicePage.getByText(/^Open: a stranger/).waitFor({ timeout: UI_TIMEOUT_MS })
    // The switch shows the choice at once; once the node has applied it, a new page reads it back.
    await alicePage.waitForFunction(() => !(document.querySelector('.switch input') as HTMLInputElement).disabled, undefined, { timeout: UI_TIMEOUT_MS })
    await alicePage.reload()
    await alicePage.getByText(/^Open: a stranger/).waitFor({ timeout: UI_TIMEOUT_MS })
    await alicePage.waitForFunction(() => (document.querySelector('.switch input') as HTMLInputElement).checked, undefined, { timeout: UI_TIMEOUT_MS })

    await bobPage.goto(bobPage.url().split('#')[0] + '#/relays')
    await bobPage.locator('section[aria-labelledby="trust-title"] li', { hasText: 'alice' }).waitFor({ timeout: UI_TIMEOUT_MS })
  })

  it('the node view: connections, outbox, reachability when reported, and no serious axe violations', async () => {
    await alicePage.goto(alicePage.url().split('#')[0] + '#/node')
    await alicePage.getByTestId('connections').filter({ hasText: /^[1-9]\d* to .*bob/ }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await alicePage.getByTestId('outbox').textContent()).toMatch(/^\d+ waiting$/)
    // What the node warns of while it lasts (a full disk, a bad bootstrap address) is listed.
    expect(await alicePage.getByTestId('warnings').textContent()).toContain('bootstrap address "no-such-address" is not a multiaddr')
    const status = await callApi(alice, 'status', {})
    const shown = await alicePage.getByTestId('reachability').textContent()
    if (status.reachability === undefined) expect(shown).toBe('not reported by this node')
    else {
      // The node's own words, each said once ("local network only" and "through" came twice before).
      expect(shown).toContain(status.reachability.detail)
      expect(shown?.split('only').length).toBeLessThanOrEqual(2)
      expect(shown?.split('through').length).toBeLessThanOrEqual(2)
    }
    expect(await alicePage.getByTestId('dht').textContent()).toMatch(/^(1 peer|(0|[2-9]|\d{2,}) peers)$/)
    expect(await seriousViolations(alicePage)).toEqual([])
    for (const view of ['#/', '#/contacts', `#/c/${bob.peerId}`]) {
      await alicePage.goto(alicePage.url().split('#')[0] + view)
      await alicePage.locator('main h1').waitFor({ timeout: UI_TIMEOUT_MS })
      expect(await seriousViolations(alicePage), view).toEqual([])
    }
  })

  it('history is paged: a long conversation opens with its newest 50 messages; scrolling back reads 50 more', async () => {
    const send = async (i: number): Promise<void> => { await callApi(bob, 'send', { to: 'alice', text: `numbered ${i}` }) }
    for (let i = 0; i < LONG_CONVERSATION; i += 20) await Promise.all(Array.from({ length: 20 }, async (_, j) => { await send(i + j + 1) }))
    const held = (await untilCli<Message[]>(alice.home, ['history', 'bob', '--limit', '1000'], h => h.length >= LONG_CONVERSATION, 'the long conversation at alice', 60_000)).length

    const limits: number[] = []
    const { page } = await browser.page(undefined, { viewport: { width: 1280, height: 800 } })
    page.on('request', (req) => {
      const body = req.postData()
      if (req.url().endsWith('/rpc') && body !== null && JSON.parse(body).method === 'history') limits.push(JSON.parse(body).params.limit)
    })
    await page.goto(await signInUrl(alice))
    await page.locator('nav.sidebar').waitFor({ timeout: UI_TIMEOUT_MS })
    await page.goto(page.url().split('#')[0] + `#/c/${bob.peerId}`)
    await page.waitForFunction(() => document.querySelectorAll('li.message').length === 50, undefined, { timeout: UI_TIMEOUT_MS })
    expect(limits).toEqual([50])
    // Scrolling to the top reads the page before (the button does the same from the keyboard).
    await page.locator('.scroller').evaluate((el) => { el.scrollTop = 0 })
    await page.waitForFunction(() => document.querySelectorAll('li.message').length >= 100, undefined, { timeout: UI_TIMEOUT_MS })
    expect(limits.every(limit => limit === 50)).toBe(true)
    // Each page adds at most 50: the DOM holds what was read, never the whole conversation at once.
    expect(await page.locator('li.message').count()).toBe(Math.min(held, 50 * limits.length))
    await page.context().close()
  })

  it('a desktop notification for a new message while the tab is hidden (permission granted), none while it is seen', async () => {
    // Spy on the real Notification (it still shows) and let the test hide the tab.
    const page = await openApp(browser, { webSignIn: await signInUrl(alice) }, { permissions: ['notifications'] }, notificationSpy)
    await page.goto(page.url().split('#')[0] + '#/node')
    await page.getByText('Desktop notifications are on while this tab is hidden.').waitFor({ timeout: UI_TIMEOUT_MS })
    await setHidden(page, true)
    await callApi(bob, 'send', { to: 'alice', text: 'are you there?' })
    await notificationsSeen(page, 1)
    expect(await notificationsShown(page)).toEqual([{ title: 'bob', body: 'are you there?' }])

    await setHidden(page, false)
    await callApi(bob, 'send', { to: 'alice', text: 'never mind' })
    await page.locator(`nav a[data-peer="${bob.peerId}"]`, { hasText: 'never mind' }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await notificationsShown(page)).toHaveLength(1)
    await page.context().close()
  })

  it('no notification in a hidden tab while another tab of the app is visible; one again once that tab has gone', async () => {
    // Alice's page of the other tests (another browser, so not a tab of these) leaves bob's
    // conversation: seen there, his messages were marked read, and a page re-reading its state
    // for that takes a message the read already holds as known, not new (web/src/live.ts).
    await alicePage.goto(alicePage.url().split('#')[0] + '#/node')
    await alicePage.locator('main h1').waitFor({ timeout: UI_TIMEOUT_MS })
    const hidden = await openApp(browser, { webSignIn: await signInUrl(alice) }, { permissions: ['notifications'] }, notificationSpy)
    await setHidden(hidden, true)
    // What the hidden page hears on the tabs' channel, as its own presence keeps it: the tabs
    // visible now. Each wait below is on that, never on time.
    await hidden.evaluate((channel) => {
      const w = window as unknown as { visibleTabs: Set<string> }
      w.visibleTabs = new Set()
      new BroadcastChannel(channel).addEventListener('message', (event) => {
        const { tab, visible } = event.data as { tab?: string, visible?: boolean }
        if (typeof tab !== 'string') return
        if (visible === true) w.visibleTabs.add(tab)
        else w.visibleTabs.delete(tab)
      })
    }, PRESENCE_CHANNEL)
    const visibleTabs = async (): Promise<number> => await hidden.evaluate(() => (window as unknown as { visibleTabs: Set<string> }).visibleTabs.size)
    const seen = await hidden.context().newPage()
    await seen.addInitScript(notificationSpy)
    await seen.goto(hidden.url().split('#')[0] + '#/')
    await expect.poll(visibleTabs, { timeout: UI_TIMEOUT_MS }).toBe(1)
    await callApi(bob, 'send', { to: 'alice', text: 'seen in the other tab' })
    await hidden.locator(`nav a[data-peer="${bob.peerId}"]`, { hasText: 'seen in the other tab' }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await notificationsShown(hidden)).toEqual([])
    expect(await notificationsShown(seen)).toEqual([])

    await seen.close({ runBeforeUnload: true })
    await expect.poll(visibleTabs, { timeout: UI_TIMEOUT_MS }).toBe(0)
    await callApi(bob, 'send', { to: 'alice', text: 'nobody looking now' })
    await notificationsSeen(hidden, 1)
    expect(await notificationsShown(hidden)).toEqual([{ title: 'bob', body: 'nobody looking now' }])
    await hidden.context().close()
  })

  it('a message that comes while the page reads its state again is notified, and counted once', async () => {
    // Alice's page of the other tests would mark bob's new message read: it leaves his conversation.
    await alicePage.goto(alicePage.url().split('#')[0] + '#/node')
    await alicePage.locator('main h1').waitFor({ timeout: UI_TIMEOUT_MS })
    const page = await openApp(browser, { webSignIn: await signInUrl(alice) }, { permissions: ['notifications'] }, notificationSpy)
    await page.goto(page.url().split('#')[0] + '#/node')
    await page.getByText('Desktop notifications are on while this tab is hidden.').waitFor({ timeout: UI_TIMEOUT_MS })
    await setHidden(page, true)
    await watchMessageEvents(page)
    // The page's next `inbox` is its read again; it goes to the node only after bob's message
    // came as an event, so the read holds it (web/src/live.ts).
    const gate = await gateNextInbox(page)
    // Bob's conversation marked read by another client: the page reads its state again.
    await callApi(alice, 'read', { to: 'bob' })
    await gate.asked
    await callApi(bob, 'send', { to: 'alice', text: 'while you were reading' })
    await messageEventsSeen(page)
    gate.release()
    await notificationsSeen(page, 1)
    expect(await notificationsShown(page)).toEqual([{ title: 'bob', body: 'while you were reading' }])
    await page.locator(`nav a[data-peer="${bob.peerId}"] .badge[aria-label="1 unread"]`).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(pageProblems(page)).toEqual([])
    await page.context().close()
  })

  it('signing out: when the node does not answer, the page says so and stays signed in; once it does, the session is gone', async () => {
    const page = await openApp(browser, { webSignIn: await signInUrl(alice) })
    await page.goto(page.url().split('#')[0] + '#/node')
    /** The status of a call to the API with this browser's cookie, as the page makes them. */
    const rpcStatus = async (): Promise<number> => await page.evaluate(async () => (await fetch('/rpc', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'status', params: {} })
    })).status)
    const button = page.getByRole('button', { name: 'Sign out of this browser' })
    // The request is lost on the way (the browser's network fails it), as when the node is gone.
    await page.route('**/session', async (route) => { await route.abort('connectionfailed') })
    await button.click()
    await page.getByText(/signing out failed: the murmur node does not answer; this browser is still signed in/).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await page.locator('#signin-title').count()).toBe(0)
    expect(await rpcStatus()).toBe(200)
    await page.unroute('**/session')
    await button.click()
    await page.locator('#signin-title').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await rpcStatus()).toBe(401)
    await page.context().close()
  })

  it('phone and wide layouts; light and dark themes follow the system', async () => {
    const phone = await openApp(browser, { webSignIn: await signInUrl(alice) }, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' })
    expect(await phone.locator('nav.sidebar').isVisible()).toBe(true)
    expect(await phone.locator('main').isVisible()).toBe(false)
    await phone.locator(`nav a[data-peer="${bob.peerId}"]`).click()
    await phone.locator('#compose-text').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await phone.locator('nav.sidebar').isVisible()).toBe(false)
    expect(await phone.getByRole('link', { name: 'Back to conversations' }).isVisible()).toBe(true)
    const width = await phone.evaluate(() => document.documentElement.scrollWidth)
    expect(width).toBeLessThanOrEqual(390)
    const background = async (page: Page): Promise<string> => await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    expect(await background(phone)).toBe('rgb(17, 20, 24)')
    expect(await seriousViolations(phone)).toEqual([])
    await phone.getByRole('link', { name: 'Back to conversations' }).click()
    // The route changes on hashchange, a task after the click: wait for the list to show.
    await phone.locator('nav.sidebar').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS })
    expect(await phone.locator('main').isVisible()).toBe(false)
    await phone.context().close()

    // Alt+ArrowDown from the list opens the first conversation (keyboard use).
    await alicePage.goto(alicePage.url().split('#')[0] + '#/')
    await alicePage.locator('main h1').waitFor({ timeout: UI_TIMEOUT_MS })
    await alicePage.keyboard.press('Alt+ArrowDown')
    await alicePage.waitForURL(`**/#/c/${bob.peerId}`, { timeout: UI_TIMEOUT_MS })
    await alicePage.locator('#compose-text').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await alicePage.locator('nav.sidebar').isVisible()).toBe(true)
    expect(await alicePage.getByRole('link', { name: 'Back to conversations' }).isVisible()).toBe(false)
    expect(await background(alicePage)).toBe('rgb(246, 247, 249)')
    expect(pageProblems(alicePage)).toEqual([])
    expect(pageProblems(bobPage)).toEqual([])
  })
})
