/** The page shown while the node does not answer; live.ts keeps probing and comes back by itself. */
import { connect } from '../live.js'

export function Stopped () {
  return (
    <section class="full-page" role="alert" aria-labelledby="stopped-title">
      <h1 id="stopped-title">Your murmur node is not running</h1>
      <p>Messages cannot be sent or received here until it is back. Start it again in a terminal:</p>
      <pre><code>murmur start</code></pre>
      <p>This page reconnects by itself when the node is back on the same address.</p>
      <button type="button" onClick={() => { connect() }}>Try now</button>
    </section>
  )
}
