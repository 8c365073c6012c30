/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * `npm run bench -- web`: the web app's figures (docs/web.md "Figures"), two real nodes and
 * a real Chromium on loopback, each timed figure beside a baseline measured in the same run.
 *
 * 1. Page weight: JS + CSS transferred (gzipped) when the page opens, with the boot script
 *    inlined into index.html, and the build's sizes.
 *    Target: under 100 KB.
 * 2. Time from opening the sign-in URL to the conversation list shown (a fresh context: the
 *    code exchange, index.html, JS, CSS and the first calls), against loading a static file
 *    from the same server in a fresh context. Target: under 300 ms. Where the time goes: each
 *    step's median (HTML received, the boot script's sign-in, stream and read, the module
 *    running), from the page's own timeline (navigation timing and the app's marks).
 * 3. Enter-to-shown: alice presses Enter in her page until the message is in bob's page,
 *    against the same message through the API alone (send over HTTP, until bob's event stream
 *    delivers it to this process). Target: p50 under 200 ms.
 * 4. Memory of the tab with a 10,000-message conversation open (JS heap after GC, DOM nodes),
 *    against the same tab on the conversation list: history is paged, never loaded whole.
 *
 * Options: --runs N (9), --latency N (30), --messages N (10000), --quick (3 runs, 10
 * latencies, 500 messages: a smoke run that writes no result file).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { BenchmarkCheckError, BenchmarkOptionError, formatNumber, formatTable, median, positiveInteger, repoRoot, resultMeta, writeResult } from './harness.js'
import { percentile } from './net-ipc.js'
import { startBenchNode, type BenchNode } from './web-nodes.js'

interface Options { runs: number, latency: number, messages: number, quick: boolean }

const CHROMIUM = process.env.MURMUR_CHROMIUM ?? '/usr/bin/chromium'
const UI_TIMEOUT_MS = 30_000
const SEND_CONCURRENCY = 64

function parseOptions (args: string[]): Options {
  const options: Options = { runs: 9, latency: 30, messages: 10_000, quick: false }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const value = (): string => {
      const v = args[++i]
      if (v === undefined) throw new BenchmarkOptionError(`${arg} needs a value`)
      return v
    }
    if (arg === '--runs') options.runs = positiveInteger(arg, value())
    else if (arg === '--latency') options.latency = positiveInteger(arg, value())
    else if (arg === '--messages') options.messages = positiveInteger(arg, value())
    else if (arg === '--quick') Object.assign(options, { runs: 3, latency: 10, messages: 500, quick: true })
    else throw new BenchmarkOptionError(`unknown option ${arg}`)
  }
  return options
}

async function newPage (browser: Browser, init?: () => void): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  if (init !== undefined) await page.addInitScript(init)
  return page
}

/** Records when the conversation list first shows (ms since navigation start). */
function recordListShown (): void {
  const w = window as unknown as { __listAt?: number }
  new MutationObserver((_r, observer) => {
    if (document.querySelector('nav.sidebar') !== null) { w.__listAt ??= performance.now(); observer.disconnect() }
  }).observe(document, { subtree: true, childList: true })
}

/** The steps of a cold opening, in the page's own timeline (the app's performance marks, web/src/boot.ts). */
const STEPS = ['html', 'murmur:boot', 'murmur:signed-in', 'murmur:stream-open', 'murmur:read', 'murmur:app', 'list'] as const
type Steps = Record<typeof STEPS[number], number>

async function stepsOf (page: Page): Promise<Steps> {
  return await page.evaluate((names) => {
    const at = (name: string): number => performance.getEntriesByName(name, 'mark')[0]?.startTime ?? Number.NaN
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
    const steps: Record<string, number> = { html: nav.responseEnd, list: (window as unknown as { __listAt: number }).__listAt }
    for (const name of names) if (name.startsWith('murmur:')) steps[name] = at(name)
    return steps
  }, [...STEPS]) as Steps
}

async function signInUrl (node: BenchNode): Promise<string> {
  return (await node.call<{ url: string }>('web.open')).url
}

/** JS + CSS files transferred when the page opens, plus the boot script inlined into index.html (gzipped, from the build). */
async function pageWeight (browser: Browser, alice: BenchNode): Promise<{ transferred: number, build: { jsInitial: number, jsInline: number, js: number, css: number } }> {
  const page = await newPage(browser)
  let transferred = 0
  const pending: Array<Promise<void>> = []
  page.on('requestfinished', (request) => {
    if (!/\.(js|css)$/.test(new URL(request.url()).pathname)) return
    pending.push(request.sizes().then((s) => { transferred += s.responseBodySize }))
  })
  await page.goto(await signInUrl(alice))
  await page.locator('nav.sidebar').waitFor({ timeout: UI_TIMEOUT_MS })
  await Promise.all(pending)
  await page.context().close()
  const build = JSON.parse(await readFile(join(repoRoot(), 'dist/web/build.json'), 'utf8')) as { gzipBytes: { jsInitial: number, jsInline: number, js: number, css: number } }
  return { transferred: transferred + build.gzipBytes.jsInline, build: build.gzipBytes }
}

async function timeToList (browser: Browser, alice: BenchNode, runs: number): Promise<{ app: number[], baseline: number[], warm: number[], steps: Steps[] }> {
  const app: number[] = []
  const steps: Steps[] = []
  const baseline: number[] = []
  const warm: number[] = []
  const origin = `http://${alice.api}`
  for (let r = 0; r < runs; r++) {
    const still = await newPage(browser)
    await still.goto(`${origin}/icon.svg`)
    baseline.push(await still.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd))
    await still.context().close()

    const page = await newPage(browser, recordListShown)
    await page.goto(await signInUrl(alice))
    await page.waitForFunction(() => (window as unknown as { __listAt?: number }).__listAt !== undefined, undefined, { timeout: UI_TIMEOUT_MS })
    const cold = await stepsOf(page)
    app.push(cold.list)
    steps.push(cold)
    // Warm: the same browser opening the page again (signed in, assets cached as immutable).
    await page.goto(`${origin}/#/`)
    await page.reload()
    await page.waitForFunction(() => (window as unknown as { __listAt?: number }).__listAt !== undefined, undefined, { timeout: UI_TIMEOUT_MS })
    warm.push(await page.evaluate(() => (window as unknown as { __listAt: number }).__listAt))
    await page.context().close()
  }
  return { app, baseline, warm, steps }
}

/** Reads bob's event stream in this process; resolves each awaited text when its `message` event arrives. */
async function bobEvents (bob: BenchNode): Promise<{ waitFor: (text: string) => Promise<number>, close: () => void }> {
  const controller = new AbortController()
  const res = await fetch(`http://${bob.api}/events?events=message`, { headers: { Authorization: `Bearer ${bob.token}` }, signal: controller.signal })
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const waiting = new Map<string, (t: number) => void>()
  const decoder = new TextDecoder()
  let buffer = ''
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }))
      if (done) return
      const now = performance.now()
      buffer += decoder.decode(value, { stream: true })
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = block.split('\n').find(l => l.startsWith('data: '))
        if (data === undefined) continue
        const text = (JSON.parse(data.slice(6)) as { text: string }).text
        waiting.get(text)?.(now)
      }
    }
  })()
  return {
    waitFor: async (text) => await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new BenchmarkCheckError(`"${text}" never reached bob's event stream`)) }, UI_TIMEOUT_MS)
      waiting.set(text, (t) => { clearTimeout(timer); waiting.delete(text); resolve(t) })
    }),
    close: () => { controller.abort() }
  }
}

async function enterToShown (browser: Browser, alice: BenchNode, bob: BenchNode, count: number): Promise<{ page: number[], api: number[] }> {
  const alicePage = await newPage(browser, () => {
    const w = window as unknown as { __enterAt: number[] }
    w.__enterAt = []
    window.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) w.__enterAt.push(performance.timeOrigin + performance.now()) }, true)
  })
  const bobPage = await newPage(browser, () => {
    const w = window as unknown as { __shownAt: Record<string, number> }
    w.__shownAt = {}
    new MutationObserver((records) => {
      const at = performance.timeOrigin + performance.now()
      for (const r of records) {
        r.addedNodes.forEach((n) => {
          if (!(n instanceof Element)) return
          for (const p of [n, ...n.querySelectorAll('p.text')]) if (p.matches('p.text')) w.__shownAt[p.textContent ?? ''] ??= at
        })
      }
    }).observe(document, { subtree: true, childList: true })
  })
  await alicePage.goto(await signInUrl(alice))
  await bobPage.goto(await signInUrl(bob))
  await alicePage.goto(`http://${alice.api}/#/c/${bob.peerId}`)
  await bobPage.goto(`http://${bob.api}/#/c/${alice.peerId}`)
  await alicePage.locator('#compose-text').waitFor({ timeout: UI_TIMEOUT_MS })
  await bobPage.locator('#compose-text').waitFor({ timeout: UI_TIMEOUT_MS })
  const events = await bobEvents(bob)
  const pageLatency: number[] = []
  const apiLatency: number[] = []
  try {
    for (let i = 0; i < count; i++) {
      const text = `through the page ${i}`
      await alicePage.locator('#compose-text').fill(text)
      await alicePage.locator('#compose-text').press('Enter')
      await bobPage.waitForFunction((t) => (window as unknown as { __shownAt: Record<string, number> }).__shownAt[t] !== undefined, text, { timeout: UI_TIMEOUT_MS })
      const shown = await bobPage.evaluate((t) => (window as unknown as { __shownAt: Record<string, number> }).__shownAt[t], text)
      const entered = await alicePage.evaluate(() => { const w = window as unknown as { __enterAt: number[] }; return w.__enterAt[w.__enterAt.length - 1] })
      pageLatency.push(shown - entered)

      const apiText = `through the API ${i}`
      const arrived = events.waitFor(apiText)
      const start = performance.now()
      await alice.call('send', { to: bob.peerId, text: apiText })
      apiLatency.push((await arrived) - start)
    }
  } finally {
    events.close()
    await alicePage.context().close()
    await bobPage.context().close()
  }
  return { page: pageLatency, api: apiLatency }
}

interface TabMemory { heapMb: number, nodes: number, messagesInDom: number }

async function tabMemory (page: Page): Promise<TabMemory> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('Performance.enable')
  const { metrics } = await cdp.send('Performance.getMetrics')
  const metric = (name: string): number => metrics.find(m => m.name === name)?.value ?? Number.NaN
  return { heapMb: metric('JSHeapUsedSize') / 2 ** 20, nodes: metric('Nodes'), messagesInDom: await page.locator('li.message').count() }
}

async function memoryWithLongConversation (browser: Browser, alice: BenchNode, bob: BenchNode, messages: number): Promise<{ list: TabMemory, open: TabMemory, scrolled: TabMemory, fillMs: number }> {
  const start = performance.now()
  let next = 0
  await Promise.all(Array.from({ length: SEND_CONCURRENCY }, async () => {
    while (next < messages) {
      const i = next++
      await bob.call('send', { to: alice.peerId, text: `long conversation ${i}` })
    }
  }))
  const deadline = Date.now() + 10 * 60_000
  for (;;) {
    const inbox = await alice.call<Array<{ peerId: string, unread: number }>>('inbox')
    if ((inbox.find(c => c.peerId === bob.peerId)?.unread ?? 0) >= messages) break
    if (Date.now() > deadline) throw new BenchmarkCheckError('the long conversation did not arrive')
    await new Promise(resolve => setTimeout(resolve, 500))
  }
  const fillMs = performance.now() - start
  const page = await newPage(browser)
  await page.goto(await signInUrl(alice))
  await page.locator('nav.sidebar').waitFor({ timeout: UI_TIMEOUT_MS })
  const list = await tabMemory(page)
  await page.goto(`http://${alice.api}/#/c/${bob.peerId}`)
  await page.waitForFunction(() => document.querySelectorAll('li.message').length >= 50, undefined, { timeout: UI_TIMEOUT_MS })
  const open = await tabMemory(page)
  for (let pages = 2; pages <= 4; pages++) {
    await page.locator('.scroller').evaluate((el) => { el.scrollTop = 0 })
    await page.waitForFunction((n) => document.querySelectorAll('li.message').length >= n * 50, pages, { timeout: UI_TIMEOUT_MS })
  }
  const scrolled = await tabMemory(page)
  await page.context().close()
  return { list, open, scrolled, fillMs }
}

export async function run (args: string[]): Promise<void> {
  const options = parseOptions(args)
  const alice = await startBenchNode('alice')
  const bob = await startBenchNode('bob', alice.address)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
  })
  try {
    await alice.call('contacts.add', { name: 'bob', peerId: bob.peerId })
    await bob.call('contacts.add', { name: 'alice', peerId: alice.peerId })
    await alice.call('send', { to: 'bob', text: 'hello', wait: true, timeout: 30 })

    const weight = await pageWeight(browser, alice)
    const list = await timeToList(browser, alice, options.runs)
    const latency = await enterToShown(browser, alice, bob, options.latency)
    const memory = await memoryWithLongConversation(browser, alice, bob, options.messages)

    const listRatios = list.app.map((t, i) => t / list.baseline[i])
    const round = (n: number): number => Math.round(n * 100) / 100
    const results = {
      ...resultMeta(options.runs),
      page_weight_gzip_bytes: weight.transferred,
      build_gzip_bytes: weight.build,
      time_to_list_p50_ms: round(median(list.app)),
      time_to_list_warm_p50_ms: round(median(list.warm)),
      static_file_p50_ms: round(median(list.baseline)),
      time_to_list_ratio: round(median(listRatios)),
      // Each step's median time since navigation start, cold (the order they happen in).
      time_to_list_steps_p50_ms: Object.fromEntries(STEPS.map(s => [s, round(median(list.steps.map(x => x[s])))])),
      enter_to_shown_p50_ms: round(median(latency.page)),
      enter_to_shown_p90_ms: round(percentile(latency.page, 90)),
      api_send_to_event_p50_ms: round(median(latency.api)),
      enter_to_shown_ratio: round(median(latency.page) / median(latency.api)),
      long_conversation_messages: options.messages,
      long_conversation_fill_ms: Math.round(memory.fillMs),
      tab_heap_list_mb: round(memory.list.heapMb),
      tab_heap_conversation_open_mb: round(memory.open.heapMb),
      tab_heap_after_4_pages_mb: round(memory.scrolled.heapMb),
      tab_heap_ratio: round(memory.open.heapMb / memory.list.heapMb),
      dom_nodes_list: memory.list.nodes,
      dom_nodes_conversation_open: memory.open.nodes,
      messages_in_dom_open: memory.open.messagesInDom,
      messages_in_dom_after_4_pages: memory.scrolled.messagesInDom,
      targets: [
        { name: 'page weight (JS + CSS, gzipped), bytes', value: weight.transferred, limit: 100_000, met: weight.transferred < 100_000 },
        { name: 'time to conversation list p50, ms', value: median(list.app), limit: 300, met: median(list.app) < 300 },
        { name: 'Enter to shown in the other page p50, ms', value: median(latency.page), limit: 200, met: median(latency.page) < 200 },
        { name: 'messages in the DOM with the long conversation open', value: memory.open.messagesInDom, limit: 50, met: memory.open.messagesInDom <= 50 }
      ]
    }
    process.stdout.write(formatTable(['figure', 'value', 'baseline', 'ratio'], [
      ['page weight, gzipped bytes (JS + CSS)', formatNumber(weight.transferred), '', ''],
      ['open URL -> list shown p50, ms (cold)', formatNumber(results.time_to_list_p50_ms), formatNumber(results.static_file_p50_ms), formatNumber(results.time_to_list_ratio)],
      ...STEPS.map(s => [`  cold: ${s} at, p50 ms`, formatNumber(results.time_to_list_steps_p50_ms[s]), '', '']),
      ['reopen -> list shown p50, ms (warm)', formatNumber(results.time_to_list_warm_p50_ms), '', ''],
      ['Enter -> shown in bob\'s page p50, ms', formatNumber(results.enter_to_shown_p50_ms), formatNumber(results.api_send_to_event_p50_ms), formatNumber(results.enter_to_shown_ratio)],
      [`tab JS heap, ${options.messages} messages open, MB`, formatNumber(memory.open.heapMb), formatNumber(memory.list.heapMb), formatNumber(results.tab_heap_ratio)],
      ['tab JS heap after 4 pages back, MB', formatNumber(memory.scrolled.heapMb), '', ''],
      ['messages in the DOM (open / 4 pages)', `${memory.open.messagesInDom} / ${memory.scrolled.messagesInDom}`, '', '']
    ]) + '\n')
    if (!options.quick) process.stdout.write(`wrote ${writeResult('web', results)}\n`)
  } finally {
    await browser.close()
    await bob.stop()
    await alice.stop()
  }
}
