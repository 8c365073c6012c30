// One deadline per delivery round (src/runtime/deadline.ts) instead of AbortSignal.any with a
// timeout signal, and the head-start race with one timer.
import { describe, expect, it } from 'vitest'
import { deadline, settlesWithin } from '../../src/runtime/deadline.js'

describe('deadline', () => {
  it('aborts with the parent\'s reason when the parent aborts', () => {
    const parent = new AbortController()
    const d = deadline(parent.signal, 60_000)
    const reason = new Error('stopping')
    parent.abort(reason)
    expect(d.signal.aborted).toBe(true)
    expect(d.signal.reason).toBe(reason)
    d.clear()
  })

  it('aborts with a TimeoutError once its time is up', async () => {
    const d = deadline(new AbortController().signal, 10)
    const err = await new Promise<unknown>((resolve) => { d.signal.addEventListener('abort', () => { resolve(d.signal.reason) }) })
    expect((err as Error).name).toBe('TimeoutError')
  })

  it('once cleared, follows neither the parent nor the clock', async () => {
    const parent = new AbortController()
    const d = deadline(parent.signal, 10)
    d.clear()
    parent.abort(new Error('late'))
    // A second deadline of the same length fires; by then the cleared one would have too.
    await new Promise<void>((resolve) => { deadline(new AbortController().signal, 10).signal.addEventListener('abort', () => { resolve() }) })
    expect(d.signal.aborted).toBe(false)
  })

  it('starts aborted under an aborted parent', () => {
    const parent = new AbortController()
    parent.abort(new Error('gone'))
    expect(deadline(parent.signal, 60_000).signal.aborted).toBe(true)
  })
})

describe('settlesWithin', () => {
  it('is done when the work settles first, fulfilled or rejected', async () => {
    const never = new AbortController().signal
    expect(await settlesWithin(Promise.resolve(1), 60_000, never)).toBe('done')
    expect(await settlesWithin(Promise.reject(new Error('x')), 60_000, never)).toBe('done')
  })

  it('is slow when the work has not settled in time, and done when the signal aborts', async () => {
    const pending = new Promise(() => {})
    expect(await settlesWithin(pending, 10, new AbortController().signal)).toBe('slow')
    const stop = new AbortController()
    const race = settlesWithin(pending, 60_000, stop.signal)
    stop.abort()
    expect(await race).toBe('done')
  })
})
