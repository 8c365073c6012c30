import { describe, expect, it } from 'vitest'
import { dhtQuerySignal } from '../../src/net/lookup-passes.js'

describe('dhtQuerySignal', () => {
  it('takes kad-dht\'s fan-out of 20 requests\' listeners without a MaxListenersExceededWarning, and follows its parent', async () => {
    const warnings: Error[] = []
    const onWarning = (w: Error): void => { warnings.push(w) }
    process.on('warning', onWarning)
    try {
      const parent = new AbortController()
      const own = dhtQuerySignal(parent.signal)
      const listeners = Array.from({ length: 20 }, () => () => {})
      for (const l of listeners) own.addEventListener('abort', l)
      // A control on a plain signal: the same listeners do warn, so the check can fail.
      const plain = new AbortController().signal
      for (const l of listeners) plain.addEventListener('abort', l)
      const warned = await new Promise<Error>(resolve => { process.once('warning', resolve) })
      expect(warned.name).toBe('MaxListenersExceededWarning')
      expect(warnings.filter(w => w.name === 'MaxListenersExceededWarning')).toHaveLength(1)
      parent.abort(new Error('deadline'))
      expect(own.aborted).toBe(true)
    } finally {
      process.off('warning', onWarning)
    }
  })
})
