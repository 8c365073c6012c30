import { describe, expect, it } from 'vitest'
import { untilAborted } from '../../src/net/until-aborted.js'

/** A source that yields once, then hangs until `release`, ignoring any signal (as a stuck query does). */
function stubbornSource (): { source: AsyncIterable<number>, release: (err?: Error) => void, returned: Promise<void> } {
  let release!: (err?: Error) => void
  let onReturn!: () => void
  const returned = new Promise<void>(resolve => { onReturn = resolve })
  const hang = new Promise<void>((resolve, reject) => {
    release = (err) => { if (err != null) reject(err); else resolve() }
  })
  const source = {
    async * [Symbol.asyncIterator] () {
      try {
        yield 1
        await hang
        yield 2
      } finally {
        onReturn()
      }
    }
  }
  return { source, release, returned }
}

describe('untilAborted', () => {
  it('yields the source\'s values and ends with it', async () => {
    const { source, release } = stubbornSource()
    release()
    const seen: number[] = []
    for await (const v of untilAborted(source, new AbortController().signal)) seen.push(v)
    expect(seen).toEqual([1, 2])
  })

  it('ends when the signal aborts though the source ignores it, and asks the source to stop', async () => {
    const { source, release, returned } = stubbornSource()
    const controller = new AbortController()
    const seen: number[] = []
    const run = (async () => { for await (const v of untilAborted(source, controller.signal)) { seen.push(v); controller.abort(new Error('deadline')) } })()
    await expect(run).rejects.toThrow('deadline')
    expect(seen).toEqual([1])
    // The source's late failure is nobody's: no unhandled rejection (vitest fails the run on one).
    release(new Error('late failure'))
    await returned
  })

  it('throws at once for a signal aborted before the first value', async () => {
    const { source } = stubbornSource()
    const run = (async () => { for await (const _ of untilAborted(source, AbortSignal.abort(new Error('gone')))) { /* nothing */ } })()
    await expect(run).rejects.toThrow('gone')
  })
})
