import { existsSync } from 'node:fs'
import { readdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_WRITE_BUFFER_SIZE, InvalidStoreOptionError, openStore, type StoreOptions } from '../../src/store/index.js'

/**
 * What LevelDB holds in memory for the store (docs/store.md, "Memory"). The write buffer is
 * observable from outside: once a write fills it, LevelDB turns it into a table file (.ldb),
 * and a write that finds the buffer full while the previous one is still being written waits
 * for it. So after three buffers' worth of writes at least one table file exists, and after
 * less than one none does.
 */

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'murmur-level-memory-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Writes `bytes` of values through the store's LevelDB, then closes it; the table files left. */
async function tablesAfterWriting (bytes: number, options: StoreOptions = {}): Promise<string[]> {
  const path = join(dir, 'store')
  const store = await openStore({ path }, options)
  const value = new Uint8Array(16 * 1024).fill(7)
  const perBatch = 16
  for (let written = 0, batch = 0; written < bytes; batch++) {
    const ops = Array.from({ length: perBatch }, (_, i) => ({ type: 'put' as const, key: `fill:${batch}:${i}`, value }))
    await store.level.batch(ops)
    written += perBatch * value.length
  }
  await store.close()
  return (await readdir(path)).filter(name => name.endsWith('.ldb'))
}

describe('the store\'s LevelDB memory', () => {
  it('holds at most DEFAULT_WRITE_BUFFER_SIZE of writes in memory before writing a table', async () => {
    expect(await tablesAfterWriting(3 * DEFAULT_WRITE_BUFFER_SIZE)).not.toEqual([])
  })

  it('takes a write buffer of another size from the options', async () => {
    // Three default buffers' worth fit in one buffer of four times the size: no table yet.
    expect(await tablesAfterWriting(3 * DEFAULT_WRITE_BUFFER_SIZE, { writeBufferSize: 4 * DEFAULT_WRITE_BUFFER_SIZE })).toEqual([])
  })

  it.each([
    { writeBufferSize: 0 },
    { cacheSize: -1 },
    { cacheSize: 1.5 },
    { writeBufferSize: Number.NaN }
  ])('refuses %o with InvalidStoreOptionError and creates nothing', async (options) => {
    const path = join(dir, 'refused', 'store')
    await expect(openStore({ path }, options)).rejects.toThrow(InvalidStoreOptionError)
    expect(existsSync(join(dir, 'refused'))).toBe(false)
  })
})
