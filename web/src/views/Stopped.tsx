/**
 * The page shown while the node does not answer; live.ts keeps probing and comes back by itself.
 * `signingIn`: a sign-in link was opened meanwhile; its code is kept and tried when the node answers.
 */
import { retryNow } from '../live.js'

export function Stopped ({ signingIn = false }: { signingIn?: boolean }) {
  return (
    <section class="full-page" role="alert" aria-labelledby="stopped-title">
      <h1 id="stopped-title">{signingIn ? 'Your murmur node cannot be reached' : 'Your murmur node is not running'}</h1>
      {signingIn
        ? <p>The sign-in link is kept: this page signs in with it as soon as the node answers. If the node is stopped, start it again in a terminal:</p>
        : <p>Messages cannot be sent or received here until it is back. Start it again in a terminal:</p>}
      <pre><code>murmur start</code></pre>
      <p>This page reconnects by itself when the node is back on the same address.</p>
      <button type="button" onClick={() => { retryNow() }}>Try now</button>
    </section>
  )
}
