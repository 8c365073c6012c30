// Per-peer locks: one operation at a time per peer, in arrival order, whatever the previous
// one did; other peers never wait; nothing is left behind; no cap on waiters.
import { describe, expect, it } from 'vitest'
import { KeyedLocks } from '../../src/runtime/keyed-locks.js'

function gate (): { promise: Promise<void>, open: () => void, fail: (err: Error) => void } {
  let open!: () => void
  let fail!: (err: Error) => void
  const promise = new Promise<void>((resolve, reject) => { open = resolve; fail = reject })
  return { promise, open, fail }
}

describe('KeyedLocks', () => {
  it('runs one operation per peer at a time, in order, after a failure too; other peers do not wait', async () => {
    const locks = new KeyedLocks()
    const log: string[] = []
    const first = gate()
    const firstStarted = gate()
    const one = locks.run('alice', async () => { log.push('1 start'); firstStarted.open(); await first.promise; log.push('1 end') })
    const two = locks.run('alice', async () => { log.push('2'); return 2 })
    const three = locks.run('alice', async () => { log.push('3'); return 3 })
    await firstStarted.promise
    // Another peer runs to completion while alice's first operation holds her lock: the barrier
    // that shows alice's second operation had every chance to start, and did not.
    expect(await locks.run('bob', async () => { log.push('bob'); return 'b' })).toBe('b')
    expect(log).toEqual(['1 start', 'bob'])
    expect(locks.isBusy('alice')).toBe(true)
    expect(locks.isBusy('bob')).toBe(false)
    first.fail(new Error('boom'))
    await expect(one).rejects.toThrow('boom')
    expect(await two).toBe(2)
    expect(await three).toBe(3)
    expect(log).toEqual(['1 start', 'bob', '2', '3'])
    expect(locks.isBusy('alice')).toBe(false)
  })

  it('queues any number of operations on one peer', async () => {
    const locks = new KeyedLocks()
    const order: number[] = []
    const runs = Array.from({ length: 2_000 }, async (_, i) => await locks.run('alice', async () => { order.push(i) }))
    await Promise.all(runs)
    expect(order).toEqual(Array.from({ length: 2_000 }, (_, i) => i))
  })
})
