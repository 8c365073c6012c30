// A batch far larger than any message's: a relay moves a whole mailbox in one (docs/relay.md,
// "Storage"), some hundreds of thousands of operations for a full one. It must be written as
// one piece, like any other batch (spreading its operations as arguments overflowed the stack).
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/index.js'

describe('a batch of 150,000 operations', () => {
  it('is written whole', async () => {
    const store = await openStore({ memory: true })
    try {
      const settings = store.sublevels.settings
      await store.commit((b) => b.put(settings, 'gone', 1))
      const batch = store.batch()
      batch.put(settings, 'first', 'a')
      // Deletes are the cheapest operations to make; most of them name nothing stored.
      for (let i = 0; i < 150_000; i++) batch.del(settings, `absent-${i}`)
      batch.del(settings, 'gone').put(settings, 'last', 'z')
      await store.write(batch, { sync: false })
      expect([await settings.get('first'), await settings.get('gone'), await settings.get('last')]).toEqual(['a', undefined, 'z'])
    } finally {
      await store.close()
    }
  })
})
