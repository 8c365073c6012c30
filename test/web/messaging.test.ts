/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * murmur in the browser, end to end (docs/web.md): three real `murmur start` processes on
 * 127.0.0.1 (carol is the relay alice and bob trust), and each person's page in its own
 * Chromium context. Everything the people do happens in their pages; the set-up and the checks of
 * what a node holds go through its API (the calls the CLI makes: a process each costs 0.15
 * CPU-s), and the CLI runs where it is the subject (`murmur open`, backup and restore).
 */
import { chmod, readFile, writeFile } from 'node:fs/promises'
import { createServer as createHttpServer, type Server } from 'node:http'
import { join } from 'node:path'
import type { Page, Route } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliJson as cli, freePort, runCli, tempHome } from '../e2e/cli-helpers.js'
import { callApi, initNode, killAll, startNode, type RunningNode } from '../e2e/daemon-helpers.js'
import { launchBrowser, type TestBrowser } from './browser.js'
import { barrier, messageEventsSeen, messageItems, openApp, openHeld, pageProblems, recordedStates, recordStates, seriousViolations, tabTo, titleMismatches, titleWatch, UI_TIMEOUT_MS, waitForState } from './page-helpers.js'




describe('the web app with two people and a relay (real nodes, real Chromium)', () => {
  const cleanups: Array<() => Promise<void>> = []
  const nodes: RunningNode[] = []
  const homes = { carol: '', alice: '', bob: '' }
  const dialogs: string[] = []
  let carol: RunningNode
  let alice: RunningNode
  let bob: RunningNode
  let carolAddr: string
  let bobApi: string
  let browser: TestBrowser
  let alicePage: Page
  let bobPage: Page

  const startBob = async (): Promise<RunningNode> => {
    // A fixed API port: the page's address, and so its cookie, stay the same across restarts.
    const node = await startNode(homes.bob, ['--bootstrap', carolAddr, '--api', bobApi])
    nodes.push(node)
    return node
  }

  beforeAll(async () => {
    const [c, a, b] = await Promise.all([initNode('carol'), initNode('alice'), initNode('bob')])
    cleanups.push(c.cleanup, a.cleanup, b.cleanup)
    Object.assign(homes, { carol: c.home, alice: a.home, bob: b.home })
    const carolPort = await freePort()
    bobApi = `127.0.0.1:${await freePort()}`
    // Chromium starts while the nodes do; it is closed in afterAll whatever the set-up did.
    const launching = launchBrowser()
    try {
      // All three at once: carol's address is known before she runs (her peer ID from init, a
      // port chosen here); alice's and bob's nodes redial it until she answers.
      carolAddr = `/ip4/127.0.0.1/tcp/${carolPort}/p2p/${c.peerId}`
      ;[carol, alice, bob] = await Promise.all([
        startNode(c.home, ['--listen', `/ip4/127.0.0.1/tcp/${carolPort}`]),
        startNode(a.home, ['--bootstrap', carolAddr]),
        startBob()
      ])
      nodes.push(carol, alice)
      // Through the nodes' API: the CLI's own commands are tested in test/e2e.
      await callApi(carol, 'trust.add', { peerId: alice.peerId })
      await callApi(carol, 'trust.add', { peerId: bob.peerId })
      for (const user of [alice, bob]) await callApi(user, 'relays.add', { peerId: carol.peerId, addr: [carolAddr] })
      await callApi(alice, 'contacts.add', { name: 'carol', peerId: carol.peerId })
      await callApi(bob, 'contacts.add', { name: 'alice', peerId: alice.peerId })
    } finally {
      browser = await launching
    }
    ;[alicePage, bobPage] = await Promise.all([openApp(browser, alice), openApp(browser, bob)])
    for (const page of [alicePage, bobPage]) page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss() })
  })

  afterAll(async () => {
    await browser?.close()
    await Promise.all(nodes.filter(n => n.process.exitCode === null).map(async n => await n.stop()))
    killAll()
    await Promise.all(cleanups.map(async c => { await c() }))
  })

  it('signs in from the URL murmur start printed: the code is gone from the address, the token never in it', async () => {
    expect(alice.webSignIn).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#code=[A-Za-z0-9_-]{43}$/)
    const token = (await readFile(join(alice.home, 'api.token'), 'utf8')).trim()
    expect(alice.webSignIn).not.toContain(token)
    expect(alicePage.url()).not.toContain('code=')
    const cookies = await alicePage.context().cookies()
    expect(cookies).toHaveLength(1)
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict' })
    expect(cookies[0].value).not.toBe(token)
    // The code was good once: a second page with the same URL is not signed in.
    const { page } = await browser.page(alice.webSignIn)
    await page.getByRole('heading', { name: 'Sign in to your murmur node' }).waitFor({ timeout: UI_TIMEOUT_MS })
    await page.getByRole('alert').filter({ hasText: 'already used or has expired' }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await seriousViolations(page)).toEqual([])
    // In alice's own browser, which is signed in, the used link still opens her app.
    const again = await alicePage.context().newPage()
    await again.goto(alice.webSignIn)
    await again.locator('nav.sidebar').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(again.url()).not.toContain('code=')
    await again.close()
  })

  it('adds bob by peer ID with the keyboard only; a malformed peer ID is refused and changes nothing', async () => {
    await tabTo(alicePage, 'a[href="#/contacts"]')
    await alicePage.keyboard.press('Enter')
    await tabTo(alicePage, '#contact-name')
    await alicePage.keyboard.type('bob')
    await alicePage.keyboard.press('Tab')
    await alicePage.keyboard.type('12D3KooWnot-a-peer-id')
    await alicePage.keyboard.press('Enter')
    const alert = alicePage.locator('form.form [role="alert"]')
    await alert.waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await alert.textContent()).toMatch(/peer ID/i)
    expect((await callApi(alice, 'contacts.list', {})).map(c => c.name)).toEqual(['carol'])

    await alicePage.keyboard.press('Control+A')
    await alicePage.keyboard.type(bob.peerId)
    await alicePage.keyboard.press('Enter')
    await alicePage.waitForURL(`**/#/c/${bob.peerId}`, { timeout: UI_TIMEOUT_MS })
    expect((await callApi(alice, 'contacts.list', {})).find(c => c.name === 'bob')?.peerId).toBe(bob.peerId)
  })

  it('alice sends with Enter; bob\'s page shows it live with an unread count; bob reads; alice sees delivered, then read; bob replies', async () => {
    await recordStates(alicePage)
    await bobPage.evaluate(() => { (window as unknown as { notReloaded: boolean }).notReloaded = true })
    await tabTo(alicePage, '#compose-text')
    await alicePage.keyboard.type('hello bob')
    await alicePage.keyboard.press('Enter')

    const entry = bobPage.locator(`nav a[data-peer="${alice.peerId}"]`)
    await entry.filter({ hasText: 'hello bob' }).waitFor({ timeout: UI_TIMEOUT_MS })
    await entry.locator('.badge[aria-label="1 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await bobPage.title()).toBe('(1) murmur')
    await waitForState(alicePage, 'hello bob', 'delivered')

    await entry.click()
    await messageItems(bobPage, 'hello bob').waitFor({ timeout: UI_TIMEOUT_MS })
    await waitForState(alicePage, 'hello bob', 'read')
    expect(await bobPage.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
    const id = await messageItems(alicePage, 'hello bob').getAttribute('data-id') as string
    const seen = await recordedStates(alicePage, id)
    expect(seen.indexOf('delivered')).toBeGreaterThan(-1)
    expect(seen.indexOf('read')).toBeGreaterThan(seen.indexOf('delivered'))
    await entry.locator('.badge').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS })

    await bobPage.locator('#compose-text').fill('hi alice,\nhow are you?')
    await bobPage.locator('#compose-text').press('Enter')
    await messageItems(alicePage, 'hi alice,\nhow are you?').waitFor({ timeout: UI_TIMEOUT_MS })

    // What each page shows is what the node holds (murmur history --json).
    await waitForState(bobPage, 'hi alice,\nhow are you?', 'read')
    for (const [page, node, peer] of [[alicePage, alice, 'bob'], [bobPage, bob, 'alice']] as const) {
      const history = await callApi(node, 'history', { to: peer })
      for (const m of history.filter(h => h.direction !== 'event')) {
        expect(await page.locator(`li.message[data-id="${m.id}"]`).getAttribute('data-state'), m.text).toBe(m.state)
      }
    }
  })

  it('bad input in the compose box: empty, over 64 KiB (explained before sending), markup shown as text; nothing else is sent', async () => {
    const box = alicePage.locator('#compose-text')
    const send = alicePage.getByRole('button', { name: 'Send' })
    await box.fill('')
    await box.press('Enter')
    await box.fill('   \n  ')
    expect(await send.isDisabled()).toBe(true)
    await box.press('Enter')

    await box.fill('é'.repeat(32_769)) // 65,538 bytes of UTF-8
    const help = alicePage.locator('#compose-help')
    expect(await help.textContent()).toContain('Too long to send: 65,538 bytes; a message is at most 65,536 bytes (64 KiB)')
    expect(await box.getAttribute('aria-invalid')).toBe('true')
    expect(await send.isDisabled()).toBe(true)
    await box.press('Enter')

    const markup = '<img src=x onerror=alert(1)>'
    await box.fill(markup)
    await box.press('Enter')
    await messageItems(bobPage, markup).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await messageItems(bobPage, markup).locator('p.text').textContent()).toBe(markup)
    expect(await bobPage.locator('.messages img').count()).toBe(0)
    expect(await alicePage.locator('.messages img').count()).toBe(0)
    expect(dialogs).toEqual([])

    // The markup message is the barrier: it arrived, and nothing before it but the earlier texts.
    const history = await callApi(bob, 'history', { to: 'alice' })
    expect(history.filter(m => m.direction === 'in').map(m => m.text)).toEqual(['hello bob', markup])
  })

  it('a message that comes while a new page reads the state is shown once and counted once, whether the read has it or not', async () => {
    const origin = alice.webSignIn.split('/#')[0]
    // alice's first page looks at the list, so that nothing marks bob's messages read meanwhile.
    await alicePage.goto(`${origin}/#/`)
    /** A new page of alice's (signed in) whose first `inbox` read goes through `hold`. */
    const openHeldPage = async (hold: (route: Route) => Promise<void>): Promise<Page> => await openHeld(alicePage.context(), `${origin}/#/`, hold, titleWatch)
    const entry = (page: Page) => page.locator(`nav a[data-peer="${bob.peerId}"]`)

    // 1. The node answers the read before the message comes; the page gets the answer after
    //    the event. The event must not vanish under the older read.
    const read = barrier()
    const answer = barrier()
    const first = await openHeldPage(async (route) => {
      const response = await route.fetch()
      read.open()
      await answer.wait
      await route.fulfill({ response })
    })
    await read.wait
    await callApi(bob, 'send', { to: 'alice', text: 'while the page reads' })
    await messageEventsSeen(first)
    answer.open()
    await entry(first).filter({ hasText: 'while the page reads' }).locator('.badge[aria-label="1 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })

    // 2. The message comes before the node reads; the read has it. It must not count twice.
    const asked = barrier()
    const forward = barrier()
    const second = await openHeldPage(async (route) => {
      asked.open()
      await forward.wait
      await route.continue()
    })
    await asked.wait
    await callApi(bob, 'send', { to: 'alice', text: 'before the page reads' })
    await messageEventsSeen(second)
    forward.open()
    await entry(second).filter({ hasText: 'before the page reads' }).locator('.badge').waitFor({ timeout: UI_TIMEOUT_MS })
    // A barrier: one more message, live. Both pages count it once, on top of the right count.
    await callApi(bob, 'send', { to: 'alice', text: 'after the read' })
    for (const page of [first, second]) {
      await entry(page).filter({ hasText: 'after the read' }).locator('.badge[aria-label="3 unread"]').waitFor({ timeout: UI_TIMEOUT_MS })
      expect(await page.title()).toBe('(3) murmur')
      // Not only now: at no moment did the title disagree with the badges (the second page is
      // in front, the first behind it).
      expect(await titleMismatches(page)).toEqual([])
    }
    // And the conversation shows each once.
    await second.goto(`${origin}/#/c/${bob.peerId}`)
    for (const text of ['while the page reads', 'before the page reads', 'after the read']) {
      await messageItems(second, text).waitFor({ timeout: UI_TIMEOUT_MS })
      expect(await messageItems(second, text).count(), text).toBe(1)
    }
    expect(pageProblems(first)).toEqual([])
    expect(pageProblems(second)).toEqual([])
    await Promise.all([first.close(), second.close()])
    await alicePage.goto(`${origin}/#/c/${bob.peerId}`)
    await alicePage.locator('#compose-text').waitFor({ timeout: UI_TIMEOUT_MS })
  })

  it('refuses a page without the cookie, and a page of another program on this machine even with the cookie; nothing changes', async () => {
    const origin = alice.webSignIn.split('/#')[0]
    const { page } = await browser.page(origin + '/')
    await page.getByRole('heading', { name: 'Sign in to your murmur node' }).waitFor({ timeout: UI_TIMEOUT_MS })
    const status = await page.evaluate(async () => (await fetch('/rpc', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'contacts.add', params: { name: 'mallory', peerId: '12D3KooWKnDmJgjcBBPNwvcoGR46oLR6NsJtzjaTsXnUU4YCaZoX' } })
    })).status)
    expect(status).toBe(401)

    // Another local web server (same site: 127.0.0.1, another port) whose page posts to alice's
    // node from her browser, which sends her cookie along (SameSite sees one site).
    const attacker: Server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' })
      res.end(`<!doctype html><script>
        fetch('${origin}/rpc', { method: 'POST', credentials: 'include', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'contacts.add', params: { name: 'mallory', peerId: '12D3KooWKnDmJgjcBBPNwvcoGR46oLR6NsJtzjaTsXnUU4YCaZoX' } }) })
          .finally(() => { document.title = 'done' })
      </script>`)
    })
    await new Promise<void>(resolve => attacker.listen(0, '127.0.0.1', resolve))
    try {
      const evil = await alicePage.context().newPage()
      await evil.goto(`http://127.0.0.1:${(attacker.address() as { port: number }).port}/`)
      await evil.waitForFunction(() => document.title === 'done', undefined, { timeout: UI_TIMEOUT_MS })
      await evil.close()
    } finally {
      await new Promise<void>(resolve => attacker.close(() => { resolve() }))
    }
    expect((await callApi(alice, 'contacts.list', {})).map(c => c.name).sort()).toEqual(['bob', 'carol'])
  })

  it('bob\'s node stops: his page says so; alice\'s message shows "stored at carol"; bob comes back and his page shows it once', async () => {
    expect(await bob.stop()).toBe(0)
    await bobPage.getByRole('heading', { name: 'Your murmur node is not running' }).waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await seriousViolations(bobPage)).toEqual([])

    await alicePage.locator('#compose-text').fill('while you were away')
    await alicePage.locator('#compose-text').press('Enter')
    await waitForState(alicePage, 'while you were away', 'stored', 40_000)
    expect(await messageItems(alicePage, 'while you were away').locator('.state').textContent()).toBe('stored at carol')

    bob = await startBob()
    await messageItems(bobPage, 'while you were away').waitFor({ timeout: 40_000 })
    // bob's page has the conversation open, so it may go straight on to read.
    await waitForState(alicePage, 'while you were away', ['delivered', 'read'], 40_000)
    // A barrier: a later message arrives live; the one held by carol is still shown once.
    await alicePage.locator('#compose-text').fill('welcome back')
    await alicePage.locator('#compose-text').press('Enter')
    await messageItems(bobPage, 'welcome back').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await messageItems(bobPage, 'while you were away').count()).toBe(1)
    expect(await messageItems(bobPage, 'hello bob').count()).toBe(1)
    // Nothing the pages did broke the CSP or Trusted Types, or threw.
    expect(pageProblems(alicePage)).toEqual([])
    expect(pageProblems(bobPage)).toEqual([])
  })

  it('murmur open starts the browser with a fresh sign-in URL ($BROWSER), or prints it', async () => {
    const dir = join(homes.alice, '..')
    const opener = join(dir, 'browser.sh')
    await writeFile(opener, `#!/bin/sh\nprintf '%s' "$1" > '${join(dir, 'opened-url')}'\n`)
    await chmod(opener, 0o755)
    const opened = await runCli(['open', '--home', alice.home, '--json'], { env: { BROWSER: opener } })
    expect(opened.code, opened.stderr).toBe(0)
    const result = JSON.parse(opened.stdout) as { url: string, opened: boolean }
    expect(result.opened).toBe(true)
    expect(await readFile(join(dir, 'opened-url'), 'utf8')).toBe(result.url)

    // --print: the URL alone on stdout, for a script to hand on.
    const printed = await runCli(['open', '--home', alice.home, '--print'])
    expect(printed.code).toBe(0)
    expect(printed.stdout).toMatch(/^http:\/\/\S+#code=\S+\n$/)
    const url = printed.stdout.trim()
    expect(url).not.toBe(result.url)
    const page = await openApp(browser, { webSignIn: url })
    expect(page.url()).not.toContain('code=')
  })

  it('alice restores a backup on a new machine: bob\'s page shows the session reset live, as the CLI does; alice\'s new page shows the restore; nothing twice', async () => {
    const backupEnv = { MURMUR_PASSPHRASE: 'web test backup passphrase' }
    const dir = await tempHome('murmur-web-backup-')
    cleanups.push(dir.cleanup)
    const backupFile = join(dir.home, '..', 'alice.murmur-backup')
    await cli(alice.home, ['backup', 'create', backupFile], { env: backupEnv })
    expect(await alice.stop()).toBe(0)
    const restored = await cli<{ peerId: string }>(dir.home, ['backup', 'restore', backupFile, '--no-passphrase'], { env: backupEnv })
    expect(restored.peerId).toBe(alice.peerId)
    alice = await startNode(dir.home, ['--bootstrap', carolAddr])
    nodes.push(alice)

    // The restored node opens a new session; bob's open conversation shows the reset line
    // the moment it happens (an SSE event, no reload), worded as `murmur history` words it.
    await bobPage.evaluate(() => { (window as unknown as { notReloaded: boolean }).notReloaded = true })
    await callApi(alice, 'send', { to: bob.peerId, text: 'from the restored node' })
    const reset = bobPage.locator('li.event', { hasText: 'Session reset' })
    await reset.waitFor({ timeout: 40_000 })
    await messageItems(bobPage, 'from the restored node').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await bobPage.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
    const bobEvents = (await callApi(bob, 'history', { to: 'alice', limit: 100 })).filter(m => m.direction === 'event')
    const resetEvent = bobEvents.find(m => /Session reset/.test(m.text))
    expect(resetEvent).toBeDefined()
    expect((await reset.textContent())?.trim()).toBe(resetEvent?.text)
    expect(await bobPage.locator(`li.event[data-id="${resetEvent?.id ?? ''}"]`).count()).toBe(1)

    // alice signs in to her new node: the conversation came with the backup, and says so.
    const aliceAgain = await openApp(browser, alice)
    await aliceAgain.goto(`${alice.webSignIn.split('/#')[0]}/#/c/${bob.peerId}`)
    await aliceAgain.locator('li.event', { hasText: 'Restored from a backup' }).waitFor({ timeout: UI_TIMEOUT_MS })
    await waitForState(aliceAgain, 'from the restored node', ['delivered', 'read'], 40_000)
    for (const text of ['hello bob', 'hi alice,\nhow are you?', 'from the restored node']) {
      expect(await messageItems(aliceAgain, text).count(), text).toBe(1)
    }
    expect(await messageItems(bobPage, 'from the restored node').count()).toBe(1)
    expect(pageProblems(aliceAgain)).toEqual([])
    expect(pageProblems(bobPage)).toEqual([])
  })
})
