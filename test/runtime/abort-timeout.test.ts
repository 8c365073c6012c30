// A deadline composed with AbortSignal.any fires even when garbage collection runs before it
// (src/runtime/node20-shims.ts): on Node 20, without the shim, the timeout source was collected
// and the composite never aborted, so a bounded wait could wait forever.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Resolves 'fired' when `signal` aborts, 'never fired' after `boundMs`, collecting garbage every 10 ms meanwhile. */
async function firesUnderGc (signal: AbortSignal, boundMs: number): Promise<string> {
  const fired = new Promise<string>(resolve => { signal.addEventListener('abort', () => { resolve('fired') }, { once: true }) })
  const collecting = setInterval(gc, 10)
  try {
    return await Promise.race([fired, new Promise<string>(resolve => setTimeout(() => { resolve('never fired') }, boundMs))])
  } finally {
    clearInterval(collecting)
  }
}

describe('AbortSignal.timeout inside AbortSignal.any', () => {
  it('fires through one and two levels of composition, alone and beside a live signal', async () => {
    const live = new AbortController()
    expect(await firesUnderGc(AbortSignal.any([AbortSignal.timeout(100)]), 3_000)).toBe('fired')
    expect(await firesUnderGc(AbortSignal.any([live.signal, AbortSignal.timeout(100)]), 3_000)).toBe('fired')
    expect(await firesUnderGc(AbortSignal.any([AbortSignal.any([AbortSignal.timeout(100), live.signal])]), 3_000)).toBe('fired')
    const reason = AbortSignal.any([AbortSignal.timeout(10)])
    await firesUnderGc(reason, 3_000)
    expect((reason.reason as Error).name).toBe('TimeoutError')
    expect(live.signal.aborted).toBe(false)
  })
})
