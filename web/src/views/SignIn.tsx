/**
 * The page shown without a valid session. The way in is a one-time code: `murmur open` opens
 * a signed-in URL, or its code (or the whole URL) can be pasted here.
 */
import { useState } from 'preact/hooks'
import { errorText, signIn } from '../api.js'
import { connect } from '../live.js'
import { signInFailed } from '../state.js'
import { codeFrom } from '../boot.js'

export function SignIn ({ failed = false }: { failed?: boolean }) {
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | undefined>(failed ? 'That sign-in link was already used or has expired.' : undefined)
  return (
    <section class="full-page" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to your murmur node</h1>
      <p>Run this in a terminal on this computer; it opens this page signed in:</p>
      <pre><code>murmur open</code></pre>
      <form class="form" onSubmit={(e) => {
        e.preventDefault()
        setError(undefined)
        signIn(codeFrom(value)).then((ok) => {
          if (ok) { signInFailed.set(false); connect() }
          else setError('That code was already used or has expired: run `murmur open` for a new one.')
        }, (err: unknown) => { setError(errorText(err)) })
      }}>
        <label for="signin-code">Or paste the sign-in URL or code it printed</label>
        <input id="signin-code" class="mono" value={value} onInput={(e) => { setValue(e.currentTarget.value) }} autoComplete="off" spellcheck={false} required />
        <button type="submit">Sign in</button>
        {error !== undefined && <p class="error" role="alert">{error}</p>}
      </form>
    </section>
  )
}
