/**
 * The web app's entry (docs/web.md). The inlined boot script (boot.ts) has already traded a
 * `#code=...` for the session cookie and opened the link to the node; the app takes both over,
 * renders, and shows the conversation list as soon as the link's first read is in.
 */
import { render } from 'preact'
import { takeBoot } from './boot.js'
import { connect, signInWhenReachable } from './live.js'
import { signInFailed } from './state.js'
import { App } from './views/App.js'
import './styles.css'

async function start (): Promise<void> {
  const root = document.getElementById('app')
  if (root === null) return
  performance.mark('murmur:app')
  const booting = takeBoot()
  render(<App />, root)
  const { signInRefused, signInPending, link } = await booting
  if (signInRefused) signInFailed.set(true)
  if (signInPending !== undefined) signInWhenReachable(signInPending)
  else connect(link)
}

void start()
