/**
 * The web app's entry (docs/web.md). The inlined boot script (boot.ts) has already traded a
 * `#code=...` for the session cookie and opened the link to the node; the app takes both over,
 * renders, and shows the conversation list as soon as the link's first read is in.
 */
import { render } from 'preact'
import { codeFrom, takeBoot } from './boot.js'
import { parseRoute, route } from './route.js'
import { connect, signInWhenReachable } from './live.js'
import { startPresence } from './presence.js'
import { signInFailed } from './state.js'
import { App } from './views/App.js'
import './styles.css'

/**
 * A sign-in URL opened in a tab that shows the app already (pasted into its address bar) changes
 * only the fragment: the page does not load again and the boot script never sees the code, so
 * it was left unused in the address bar and the tab's history, and a signed-out tab stayed on
 * the sign-in page. It is traded here as the boot script would.
 */
function signInOnHashChange (): void {
  if (!location.hash.startsWith('#code=')) return
  const code = codeFrom(location.hash)
  history.replaceState(null, '', `${location.pathname}#/`)
  route.set(parseRoute(location.hash))
  signInWhenReachable(code, { unreachable: false })
}

async function start (): Promise<void> {
  const root = document.getElementById('app')
  if (root === null) return
  performance.mark('murmur:app')
  const booting = takeBoot()
  window.addEventListener('hashchange', signInOnHashChange)
  startPresence()
  render(<App />, root)
  const { signInRefused, signInPending, link } = await booting
  if (signInRefused) signInFailed.set(true)
  if (signInPending !== undefined) signInWhenReachable(signInPending)
  else connect(link)
}

void start()
