/**
 * The web app's entry (docs/web.md). A URL with `#code=...` (from `murmur start` or
 * `murmur open`) is signed in first: the code is traded for the session cookie and the
 * fragment is replaced in history at once, so the code stays nowhere.
 */
import { render } from 'preact'
import { signIn } from './api.js'
import { connect } from './live.js'
import { signInFailed } from './state.js'
import { App } from './views/App.js'
import { codeFrom } from './views/SignIn.js'
import './styles.css'

async function start (): Promise<void> {
  const root = document.getElementById('app')
  if (root === null) return
  const hash = location.hash
  if (hash.startsWith('#code=')) {
    history.replaceState(null, '', `${location.pathname}#/`)
    // A used or expired code is no harm when this browser is signed in already; the sign-in
    // page says what happened only when it is not.
    if (!await signIn(codeFrom(hash)).catch(() => false)) signInFailed.set(true)
  }
  render(<App />, root)
  connect()
}

void start()
