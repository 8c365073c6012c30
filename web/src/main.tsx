/**
 * The web app's entry (docs/web.md). A URL with `#code=...` (from `murmur start` or
 * `murmur open`) is signed in first: the code is traded for the session cookie and the
 * fragment is replaced in history at once, so the code stays nowhere.
 */
import { render } from 'preact'
import { signIn } from './api.js'
import { connect } from './live.js'
import { connection } from './state.js'
import { App } from './views/App.js'
import { SignIn, codeFrom } from './views/SignIn.js'
import './styles.css'

async function start (): Promise<void> {
  const root = document.getElementById('app')
  if (root === null) return
  const hash = location.hash
  if (hash.startsWith('#code=')) {
    history.replaceState(null, '', `${location.pathname}#/`)
    const ok = await signIn(codeFrom(hash)).catch(() => false)
    if (!ok) {
      render(<SignIn failed />, root)
      // Once signed in from that page, the app replaces it.
      connection.subscribe((state) => { if (state !== 'signed-out') render(<App />, root) })
      return
    }
  }
  render(<App />, root)
  connect()
}

void start()
