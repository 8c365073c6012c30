// A migration killed with SIGKILL in the middle: `murmur start` with a passphrase on a home the
// first murmur made, killed while it copies the history; the old home is whole, and the next
// start migrates it, losing and doubling nothing, leaving nothing readable behind.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMurmur } from '../../src/messenger/index.js'
import { addV1History, extractV1Homes, filesContaining, V1 } from '../store/v1-fixture.js'
import { killAll, spawnCli, startNode } from './daemon-helpers.js'

const PASSPHRASE = 'sigkill migration passphrase'
const BULK = 10_000

async function v1HistoryCount (home: string): Promise<number> {
  const db = new ClassicLevel<string, string>(join(home, 'store'), { keyEncoding: 'utf8', valueEncoding: 'utf8' })
  await db.open()
  try {
    return (await db.sublevel('history', { keyEncoding: 'utf8', valueEncoding: 'utf8' }).keys().all()).length
  } finally {
    await db.close()
  }
}

describe('migration killed with SIGKILL (real CLI processes)', () => {
  let dir: string
  let home: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'murmur-kill-'))
    home = (await extractV1Homes(dir)).alice
    await addV1History(join(home, 'store'), V1.bob, 10_000, BULK, (i) => `bulk message ${i}`)
  })

  afterAll(async () => {
    killAll()
    await rm(dir, { recursive: true, force: true })
  })

  it('leaves the old home whole; the next start migrates it without loss or duplicates', async () => {
    const before = await v1HistoryCount(home)
    expect(before).toBeGreaterThan(BULK)
    const env = { MURMUR_PASSPHRASE: PASSPHRASE, DEBUG: 'murmur:store:migrate' }
    const first = spawnCli(['start', '--home', home, '--json', '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'], { env })
    // The copy logs each batch: kill it once some, not all, of the history is copied.
    await expect.poll(() => /copied \d+ records of history/.test(first.stderr()), { timeout: 60_000, interval: 25, message: 'the migration to copy history' }).toBe(true)
    first.child.kill('SIGKILL')
    await first.exited
    expect(first.stderr()).not.toMatch(/copied \d+ records in all/)

    // The old home, untouched: key file version 1, every history entry readable as version 1 wrote it.
    expect(JSON.parse(await readFile(join(home, 'identity.key'), 'utf8')).version).toBe(1)
    await expect(stat(join(home, 'migration.commit'))).rejects.toThrow()
    expect(await v1HistoryCount(home)).toBe(before)

    const second = await startNode(home, [], { env, timeoutMs: 120_000 })
    expect(second.stderr()).toMatch(/rolled back an interrupted migration/)
    expect(await second.stop()).toBe(0)

    const alice = await createMurmur({ home, passphrase: PASSPHRASE, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    try {
      const texts: string[] = []
      let beforeSeq: number | undefined
      while (true) {
        const page = await alice.history(V1.aliceNamesBob, { limit: 1000, ...(beforeSeq !== undefined ? { before: beforeSeq } : {}) })
        if (page.length === 0) break
        texts.push(...page.map(m => m.text))
        beforeSeq = page[0].seq
      }
      expect(texts.length).toBe(before)
      expect(new Set(texts).size).toBe(texts.length)
      expect(texts).toEqual(expect.arrayContaining([V1.markers.one, V1.markers.two, 'bulk message 0', `bulk message ${BULK - 1}`]))
    } finally {
      await alice.stop()
    }
    expect(await filesContaining(home, [V1.markers.one, 'bulk message 1234', V1.aliceNamesBob, V1.bob])).toEqual([])
  })
})
