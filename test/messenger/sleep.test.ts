// Retry loops wait on one long-lived signal (issue 11: a node whose relay was down warned
// MaxListenersExceededWarning, because every wait left an abort listener behind).
import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { sleep } from '../../src/messenger/sleep.js'

describe('sleep', () => {
  it('leaves no abort listener on the signal once the time is up, after 50 waits', async () => {
    const controller = new AbortController()
    for (let i = 0; i < 50; i++) await sleep(1, controller.signal)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('ends early, without throwing, when the signal aborts', async () => {
    const controller = new AbortController()
    const waiting = sleep(60_000, controller.signal)
    controller.abort()
    await expect(waiting).resolves.toBeUndefined()
  })
})
