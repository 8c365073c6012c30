/// <reference lib="dom" />
/**
 * A late message, end to end (docs/messaging.md "Order", docs/web.md): with real nodes, the
 * real CLI as processes and a real Chromium, a message a relay held arrives after a later one
 * (test/e2e/order-scenario.ts). The one scenario is watched through the CLI and the web app at
 * once (each run of it starts four nodes: ~15 CPU-seconds). `history --json`, the CLI's text
 * and `history --follow` show the gap line, then the late message before the later one, once;
 * bob's open conversation shows the gap line, then, live and without a reload, the late message
 * at its place and the gap line marked filled. Pages of bob's loading as the late message comes
 * (its event arriving while their state read is in flight, the read with or without it) count
 * it once, show it once, and notify only when their read lacked it. A page whose link is down
 * when it comes (bob's node restarted, and the page's streams refused until the message is at
 * bob) notifies it once, from its reconnection's read.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliJson, freePort, runCli } from '../e2e/cli-helpers.js'
import { spawnCli } from '../e2e/daemon-helpers.js'
import { FIRST, GAP_FILLED, GAP_OPEN, OrderScenario, SECOND, type Message } from '../e2e/order-scenario.js'
import { launchBrowser, type TestBrowser } from './browser.js'
import { barrier, blockEventStreams, messageEventsSeen, messageItems, notificationSpy, notificationsSeen, notificationsShown, openApp, openBeside, openHeld, pageProblems, setHidden, UI_TIMEOUT_MS } from './page-helpers.js'

/** The conversation as the page lists it: message texts, and `* text` for event lines. */
async function shown (page: Page): Promise<string[]> {
  return await page.locator('ol.messages > li.message, ol.messages > li.event').evaluateAll(items => items.map(li =>
    li.classList.contains('event') ? `* ${li.textContent ?? ''}` : li.querySelector('p.text')?.textContent ?? ''))
}

describe('a late message in the CLI and the web app (real nodes and processes, real Chromium)', () => {
  const s = new OrderScenario()
  let browser: TestBrowser
  /** bob's page with the conversation open. */
  let open: Page
  /** `murmur history alice --follow` of bob's, running while carol thaws. */
  let follow: ReturnType<typeof spawnCli>
  /** bob's API address, fixed: his pages keep their origin (and cookie) across his restart. */
  let bobApi: string[]
  const origin = (): string => s.bob.webSignIn.split('/#')[0]
  const entry = (page: Page) => page.locator(`nav a[data-peer="${s.alice.peerId}"]`)

  beforeAll(async () => {
    // Chromium starts while the nodes do; it is closed in afterAll whatever the set-up did.
    const launching = launchBrowser()
    try {
      await s.setup()
    } finally {
      browser = await launching
    }
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await s.teardown()
  })

  it('the gap line shows in history --json, the CLI and the open conversation', async () => {
    const firstStored = await s.holdApart()
    // A relay that does not answer (dave, frozen) never holds back one that did: FIRST showed
    // "stored at carol" before dave's deposit gave up.
    expect(firstStored.relays).toEqual([{ relay: s.carol.peerId, status: 'stored' }])
    bobApi = ['--api', `127.0.0.1:${await freePort()}`]
    const before = await s.bobBack(bobApi)
    expect(before.filter(m => m.direction === 'in').map(m => m.text)).toEqual(['hello', SECOND])
    expect(before.filter(m => m.direction === 'event').map(m => m.text)).toEqual([GAP_OPEN])
    expect((await runCli(['history', 'alice', '--home', s.bob.home])).stdout).toContain(`* ${GAP_OPEN}`)
    // Unread until a page opens the conversation: hello, and the later message.
    const inbox = await cliJson<Array<{ peerId: string, unread: number }>>(s.bob.home, ['inbox'])
    expect(inbox.find(c => c.peerId === s.alice.peerId)?.unread).toBe(2)

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

  it('pages loading as the late message comes count it once, show it once, and notify only when their read lacked it; history and --follow show it once, in its place', async () => {
    // `gone`: a page of bob's in a browser of its own (no stream shared with the others), tab
    // hidden, whose link is down when the late message comes: bob's node restarts, and every
    // stream the page tries is refused until the message is at bob. Its reconnection's read
    // then holds it below the newest, which the page had (web/src/live.ts, notifyMissed).
    const gone = await openBeside(browser, open, `${origin()}/#/`, { permissions: ['notifications'] }, notificationSpy)
    await setHidden(gone, true)
    const blocked = await blockEventStreams(gone)
    await s.bobRestart(bobApi)
    await gone.locator('#stopped-title').waitFor({ timeout: UI_TIMEOUT_MS })
    // Follow the conversation while carol thaws (from after the restart, which ends a stream): a
    // stream cannot move printed lines, so it says.
    follow = spawnCli(['history', 'alice', '--follow', '--home', s.bob.home])
    await expect.poll(() => follow.stderr().includes('following new messages'), { timeout: 30_000, interval: 25, message: 'history --follow to start' }).toBe(true)
    // Two new pages of bob's, tabs hidden; the late message's event comes while each one's
    // `inbox` read is in flight. Its position (below the newest entry) cannot tell a page
    // whether its read has it (web/src/live.ts).
    // `missed`: the node answers the read before the message comes; the page gets the answer
    // only after the message's event. The read lacks it: counted once, notified once.
    const answered = barrier()
    const answer = barrier()
    const missed = await openHeld(open.context(), `${origin()}/#/`, async (route) => {
      const response = await route.fetch()
      answered.open()
      await answer.wait
      await route.fulfill({ response })
    }, notificationSpy)
    // `hasIt`: the read goes to the node only after the message's event. The read has it:
    // counted once, not notified (a message the read had is not new to the page).
    const asked = barrier()
    const forward = barrier()
    const hasIt = await openHeld(open.context(), `${origin()}/#/`, async (route) => {
      asked.open()
      await forward.wait
      await route.continue()
    }, notificationSpy)
    for (const page of [missed, hasIt]) await setHidden(page, true)
    await Promise.all([answered.wait, asked.wait])
    const after = await s.thawCarol()
    for (const page of [missed, hasIt]) await messageEventsSeen(page)
    answer.open()
    forward.open()
    // The message is at bob, and `gone` has had no stream since the restart.
    expect(blocked.attempts()).toBeGreaterThan(0)
    await blocked.unblock()

    // The node's count: the late message, the only one not marked read.
    const inbox = await cliJson<Array<{ peerId: string, unread: number }>>(s.bob.home, ['inbox'])
    expect(inbox.find(c => c.peerId === s.alice.peerId)?.unread).toBe(1)
    for (const page of [missed, hasIt]) {
      await entry(page).locator('.badge[aria-label="1 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })
      expect(await page.title()).toBe('(1) murmur')
    }
    // A page decides on the notification as it applies the held event, before its badge settles.
    await notificationsSeen(missed, 1)

    // Shown once, at its place (the tabs stay hidden: opening the conversation marks nothing read).
    for (const page of [missed, hasIt]) {
      await page.goto(`${origin()}/#/c/${s.alice.peerId}`)
      await page.locator('li.event').filter({ hasText: GAP_FILLED }).waitFor({ timeout: UI_TIMEOUT_MS })
      expect(await shown(page)).toEqual(['hello', 'hi', FIRST, SECOND, `* ${GAP_FILLED}`])
      expect(await entry(page).locator('.badge').getAttribute('aria-label')).toBe('1 unread')
      expect(pageProblems(page)).toEqual([])
    }
    expect(await notificationsShown(missed)).toEqual([{ title: 'alice', body: FIRST }])
    expect(await notificationsShown(hasIt)).toEqual([])
    // Back with a new link, `gone` counts it once and notifies it once.
    await entry(gone).locator('.badge[aria-label="1 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })
    await notificationsSeen(gone, 1)
    expect(await notificationsShown(gone)).toEqual([{ title: 'alice', body: FIRST }])
    expect(pageProblems(gone)).toEqual([])
    await gone.context().close()

    // history --json (the CLI's, as it first held the late message), its text, and --follow.
    expect(after.filter(m => m.direction === 'in').map(m => m.text)).toEqual(['hello', FIRST, SECOND])
    const late = after.find(m => m.text === FIRST) as Message
    expect(late.seq).toBeLessThan((after.find(m => m.text === SECOND) as Message).seq)
    expect(new Set(after.map(m => m.id)).size).toBe(after.length)
    expect(after.filter(m => m.direction === 'event').map(m => m.text)).toEqual([GAP_FILLED])
    const text = (await runCli(['history', 'alice', '--home', s.bob.home])).stdout
    expect(text.split(`: ${FIRST}`)).toHaveLength(2)
    expect(text.indexOf(`: ${FIRST}`)).toBeGreaterThan(0)
    expect(text.indexOf(`: ${FIRST}`)).toBeLessThan(text.indexOf(`: ${SECOND}`))
    await expect.poll(() => follow.stdout().includes(FIRST), { timeout: 30_000, interval: 25, message: '--follow to print the late message' }).toBe(true)
    follow.child.kill('SIGINT')
    await follow.exited
    const followed = follow.stdout().split('\n').find(l => l.includes(FIRST)) ?? ''
    expect(followed).toContain(`#${late.seq} `)
    expect(followed).toContain('(arrived late: its place is above, before later messages')
  }, 120_000)

  it('the open conversation inserted the late message before the later one, live and once', async () => {
    await messageItems(open, FIRST).waitFor({ timeout: UI_TIMEOUT_MS })
    await open.locator('li.event').filter({ hasText: GAP_FILLED }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await shown(open)).toEqual(['hello', 'hi', FIRST, SECOND, `* ${GAP_FILLED}`])
    expect(await open.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
    expect(pageProblems(open)).toEqual([])
  }, 60_000)

  it('alice comes back: bob\'s receipts reach her; bob still shows each message once', async () => {
    const atAlice = await s.aliceBack()
    // The late message arrived while bob's tabs were hidden; the later one he saw in the open conversation.
    expect(atAlice.find(m => m.id === s.held.id)?.state).toBe('delivered')
    expect(atAlice.find(m => m.id === s.later.id)?.state).toBe('read')
    const final = await cliJson<Message[]>(s.bob.home, ['history', 'alice'])
    expect(final.filter(m => m.direction === 'in').map(m => m.text)).toEqual(['hello', FIRST, SECOND])
  }, 120_000)
})
