// The clock of times to live, expiry and backoff (src/runtime/clock.ts), and the test clock
// that moves forward instead of sleeping (test/clock.ts). Retry loops sleep on one long-lived
// signal (issue 11: a node whose relay was down warned MaxListenersExceededWarning, because
// every wait left an abort listener behind).
import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { systemClock } from '../../src/runtime/clock.js'
import { SteppedClock } from '../clock.js'

describe('the system clock', () => {
  it('sleep leaves no abort listener on the signal once the time is up, after 50 waits', async () => {
    const controller = new AbortController()
    for (let i = 0; i < 50; i++) await systemClock.sleep(1, controller.signal)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('sleep ends early, without throwing, when the signal aborts', async () => {
    const controller = new AbortController()
    const waiting = systemClock.sleep(60_000, controller.signal)
    controller.abort()
    await expect(waiting).resolves.toBeUndefined()
  })

  it('a cleared timer never fires; another one set beside it does, which is the barrier', async () => {
    let fired = false
    systemClock.clearTimeout(systemClock.setTimeout(() => { fired = true }, 1))
    await new Promise<void>(resolve => { systemClock.setTimeout(resolve, 5) })
    expect(fired).toBe(false)
  })
})

describe('the stepped clock of tests', () => {
  it('moving it forward fires the timers it reaches, in order, and keeps the others pending', () => {
    const clock = new SteppedClock()
    const fired: string[] = []
    clock.setTimeout(() => fired.push('hour'), 3_600_000)
    clock.setTimeout(() => fired.push('minute'), 60_000)
    const day = clock.setTimeout(() => fired.push('day'), 86_400_000)
    const before = clock.now()
    clock.advance(2 * 3_600_000)
    expect(fired).toEqual(['minute', 'hour'])
    expect(clock.now() - before).toBeGreaterThanOrEqual(2 * 3_600_000)
    clock.clearTimeout(day)
    clock.advance(86_400_000)
    expect(fired).toEqual(['minute', 'hour'])
  })

  it('a sleep of an hour ends when the clock is moved an hour on; one aborted ends and leaves no listener', async () => {
    const clock = new SteppedClock()
    const controller = new AbortController()
    let slept = false
    const sleeping = clock.sleep(3_600_000, controller.signal).then(() => { slept = true })
    await Promise.resolve()
    expect(slept).toBe(false)
    clock.advance(3_600_000)
    await sleeping
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    const aborted = clock.sleep(3_600_000, controller.signal)
    controller.abort()
    await expect(aborted).resolves.toBeUndefined()
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('still runs in real time: a short timer fires without any move', async () => {
    const clock = new SteppedClock()
    await new Promise<void>(resolve => { clock.setTimeout(resolve, 5) })
    expect(clock.now()).toBeGreaterThan(0)
  })
})
