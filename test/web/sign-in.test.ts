/// <reference lib="dom" />
/**
 * A sign-in URL opened while the node cannot be reached (docs/web.md "Signing in"): one
 * in-process node, whose API server is closed and started again on the same port with the same
 * sign-in state, as a node that is restarting; the page in a real Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer, type ApiServer } from '../../src/api/server.js'
import { WebSessions } from '../../src/api/web/sessions.js'
import { freePort } from '../e2e/cli-helpers.js'
import { startTestNode, type TestNode } from '../api/helpers.js'
import { launchBrowser, type TestBrowser } from './browser.js'
import { UI_TIMEOUT_MS } from './page-helpers.js'

describe('signing in while the node cannot be reached (in-process node, real Chromium)', () => {
  let node: TestNode
  let browser: TestBrowser
  let server: ApiServer | undefined

  beforeAll(async () => {
    const launching = launchBrowser()
    try {
      node = await startTestNode()
    } finally {
      browser = await launching
    }
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await node?.cleanup()
  })

  /**
   * What a node's API server is started with, so that it can be closed and started again on the
   * same port with the same sign-in state, as a node that is restarting.
   */
  async function restartableServerOptions (): Promise<Parameters<typeof startApiServer>[0]> {
    return { murmur: node.daemon.murmur, token: 'not-used-here', host: '127.0.0.1', port: await freePort(), webSessions: new WebSessions() }
  }

  it('the page says the node cannot be reached, keeps the code, and signs in with it once the node answers', async () => {
    const options = await restartableServerOptions()
    server = await startApiServer(options)
    const { url } = server.issueWebSignIn()
    const { page } = await browser.page()
    // The node goes away between serving the page and the page's sign-in request, as a node
    // restarting would: the request is held until the page has loaded and the server is
    // closed, then sent on to the closed port.
    const serving = server
    const loaded = page.waitForEvent('load', { timeout: UI_TIMEOUT_MS })
    let first = true
    await page.route('**/session', async (route) => {
      if (first) {
        first = false
        // Once the app's module has come (the inlined boot script asks before it does).
        await loaded
        server = undefined
        await serving.close()
      }
      await route.continue()
    })
    const failedSignIns: string[] = []
    page.on('requestfailed', (request) => { if (request.url().endsWith('/session')) failedSignIns.push(request.failure()?.errorText ?? '') })
    await page.goto(url)
    await page.getByRole('heading', { name: 'Your murmur node cannot be reached' }).waitFor({ timeout: UI_TIMEOUT_MS })
    // It keeps trying, and nothing says the link expired.
    await expect.poll(() => failedSignIns.length, { timeout: UI_TIMEOUT_MS }).toBeGreaterThanOrEqual(2)
    expect(await page.getByText(/expired/).count()).toBe(0)

    server = await startApiServer(options)
    await page.locator('nav.sidebar').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await page.getByText(/expired/).count()).toBe(0)
  })

  it('the node goes away between serving the page and its module: the page says so instead of staying blank, and loads again once the node answers', async () => {
    const options = await restartableServerOptions()
    server = await startApiServer(options)
    const { url } = server.issueWebSignIn()
    const { page } = await browser.page()
    // The app's module is asked for while the node restarts: the first request is refused.
    const serving = server
    let first = true
    await page.route('**/assets/main-*.js', async (route) => {
      if (!first) { await route.continue(); return }
      first = false
      server = undefined
      await serving.close()
      await route.abort('connectionrefused')
    })
    await page.goto(url)
    await page.getByText('Your murmur node cannot be reached (stopped or restarting)').waitFor({ timeout: UI_TIMEOUT_MS })
    server = await startApiServer(options)
    // Loaded again, signed in with the code the first load could not trade.
    await page.locator('nav.sidebar').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(first).toBe(false)
  })

  it('a sign-in URL opened in a tab that shows the sign-in page (only its fragment changes) signs it in', async () => {
    const { page } = await browser.page()
    const { url } = node.daemon.api.issueWebSignIn()
    await page.goto(url.split('#')[0])
    await page.getByRole('heading', { name: 'Sign in to your murmur node' }).waitFor({ timeout: UI_TIMEOUT_MS })
    // The same page, another fragment: no new load, as when the URL is pasted into the address bar.
    const loads: string[] = []
    page.on('load', () => { loads.push(page.url()) })
    await page.goto(url)
    await page.locator('nav.sidebar').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(loads).toEqual([])
    // The code left the address bar (and so the tab's history) at once.
    expect(page.url()).not.toContain('code=')
  })

  it('signing in in one tab signs in the other tabs of the browser that show the sign-in page', async () => {
    const { page: first, context } = await browser.page()
    const second = await context.newPage()
    const base = node.daemon.api.webUrl
    for (const page of [first, second]) {
      await page.goto(base)
      await page.getByRole('heading', { name: 'Sign in to your murmur node' }).waitFor({ timeout: UI_TIMEOUT_MS })
    }
    await first.getByLabel('Or paste the sign-in URL or code it printed').fill(node.daemon.api.issueWebSignIn().url)
    await first.getByRole('button', { name: 'Sign in' }).click()
    for (const page of [first, second]) await page.locator('nav.sidebar').waitFor({ timeout: UI_TIMEOUT_MS })
  })
})
