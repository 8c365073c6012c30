/**
 * The script inlined into index.html (web/build.mjs): starts boot.ts at once and leaves the
 * promise for the app's module (main.tsx, takeBoot).
 *
 * If the module never runs (the node went away between serving index.html and serving the
 * module: a restart), the page would stay blank for good. Once the page has loaded and the
 * module has not taken the boot, it says so, waits for the node to answer again (the page's
 * backoff, backoff.ts) and loads the page again, with a sign-in code still untraded put back in
 * the URL. A module that fails with the node answering is reloaded at most RELOADS_IN_A_ROW
 * times, then the page says to reload by hand.
 */
import { nextProbeDelay, PROBE_MIN_MS } from './backoff.js'
import { boot, BOOT_GLOBAL, type Booted } from './boot.js'

const RELOADS_KEY = 'murmur:module-reloads'
const RELOADS_IN_A_ROW = 3

const holder = window as unknown as Record<string, Promise<Booted> | undefined>
const booting = boot()
holder[BOOT_GLOBAL] = booting

function say (text: string): void {
  const root = document.getElementById('app')
  if (root !== null) root.textContent = text
}

function recover (): void {
  const reloads = Number(sessionStorage.getItem(RELOADS_KEY) ?? '0')
  if (reloads >= RELOADS_IN_A_ROW) {
    say('The app did not load. Reload the page; if it stays blank, restart your murmur node.')
    return
  }
  say('Your murmur node cannot be reached (stopped or restarting); this page loads again once it answers.')
  let delayMs = PROBE_MIN_MS
  const reload = (): void => {
    sessionStorage.setItem(RELOADS_KEY, String(reloads + 1))
    const pending = (booted: Booted): void => {
      if (booted.signInPending !== undefined) history.replaceState(null, '', `${location.pathname}#code=${booted.signInPending}`)
    }
    booting.then(pending, () => {}).finally(() => { location.reload() })
  }
  const attempt = (): void => {
    fetch('/icon.svg', { method: 'HEAD', cache: 'no-store' }).then((answer) => { if (answer.ok) reload(); else retry() }, retry)
  }
  const retry = (): void => {
    setTimeout(attempt, delayMs)
    delayMs = nextProbeDelay(delayMs)
  }
  retry()
}

window.addEventListener('load', () => {
  // The module takes the boot as it starts (takeBoot): still here, it did not run.
  if (holder[BOOT_GLOBAL] === booting) recover()
  else sessionStorage.removeItem(RELOADS_KEY)
})
