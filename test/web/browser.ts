/**
 * A real Chromium for the web app's tests, driven by playwright-core: Debian's chromium
 * (/usr/bin/chromium, installed by .ci/run), headless. Playwright starts it with a fresh
 * --user-data-dir of its own (a new temporary profile, removed on close; it refuses one passed
 * in args). One browser per test file; each page gets its own context (its own cookies), as
 * two people would.
 */
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core'

export const CHROMIUM = process.env.MURMUR_CHROMIUM ?? '/usr/bin/chromium'

export interface TestBrowser {
  browser: Browser
  /** A new context (own cookies) and page; `url` is opened when given. */
  page: (url?: string, options?: BrowserContextOptions) => Promise<{ context: BrowserContext, page: Page }>
  close: () => Promise<void>
}

export async function launchBrowser (extraArgs: string[] = []): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', ...extraArgs]
  })
  const contexts: BrowserContext[] = []
  return {
    browser,
    page: async (url, options = {}) => {
      const context = await browser.newContext(options)
      contexts.push(context)
      const page = await context.newPage()
      if (url !== undefined) await page.goto(url)
      return { context, page }
    },
    close: async () => {
      for (const context of contexts) await context.close().catch(() => {})
      await browser.close().catch(() => {})
    }
  }
}
