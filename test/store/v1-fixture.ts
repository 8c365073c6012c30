/**
 * Homes written by the first murmur (key file version 1, store schema version 1, nothing
 * encrypted), for the migration tests: fixtures/v1-homes.tar.gz holds alice's and bob's homes as
 * that version left them (fixtures/v1-homes.generate.mjs says how they were made), and
 * addV1History adds a bulk of history in the version 1 encoding, for a migration that takes a while.
 */
import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ClassicLevel } from 'classic-level'
import { V1_VALUE_CODECS } from '../../src/store/migrate/v1.js'

const ARCHIVE = join(import.meta.dirname, 'fixtures', 'v1-homes.tar.gz')

export const V1 = {
  alice: '12D3KooWEcrWgX86xshfJaRH4U2dzdoGBAfxsCesPLsg7Dv6yx32',
  bob: '12D3KooWJGTZGUxrKfUqf5JfZZJALAgAwKJQanheqGbgu4DyFn2H',
  carol: '12D3KooWBt2SEtZeYQ8meMKLSBVSiukA5CabVkpMzZEmsG1fdw3d',
  /** Contact names: alice calls bob this, bob calls alice that. */
  aliceNamesBob: 'Bobby Fixture',
  bobNamesAlice: 'Alice Fixture',
  /** Texts in alice's history (one, two), waiting in her outbox (five), and held for bob (four, from carol). */
  markers: {
    one: 'v1 marker one from alice',
    two: 'v1 marker two from bob',
    four: 'v1 marker four from carol while bob is away',
    five: 'v1 marker five from alice while bob is away'
  }
} as const

/** Unpacks alice's and bob's version 1 homes into `dir` (dir/alice, dir/bob). */
export async function extractV1Homes (dir: string): Promise<{ alice: string, bob: string }> {
  await promisify(execFile)('tar', ['-xzf', ARCHIVE, '-C', dir])
  return { alice: join(dir, 'alice'), bob: join(dir, 'bob') }
}

/**
 * Adds `count` incoming history entries from `peerId` (seqs from `firstSeq`) to a version 1
 * store, with their message-id index entries, encoded as version 1 did.
 */
export async function addV1History (storePath: string, peerId: string, firstSeq: number, count: number, text: (i: number) => string): Promise<void> {
  const db = new ClassicLevel<string, Uint8Array>(storePath, { keyEncoding: 'utf8', valueEncoding: 'view' })
  await db.open()
  try {
    const history = db.sublevel<string, Uint8Array>('history', { keyEncoding: 'utf8', valueEncoding: 'view' })
    const messages = db.sublevel<string, Uint8Array>('messages', { keyEncoding: 'utf8', valueEncoding: 'view' })
    for (let start = 0; start < count; start += 1000) {
      const batch = db.batch()
      for (let i = start; i < Math.min(count, start + 1000); i++) {
        const seq = firstSeq + i
        const id = `bulk${String(i).padStart(8, '0')}`
        const entry = { peerId, seq, id, direction: 'in', text: text(i), sentAt: 1_700_000_000_000 + i, receivedAt: 1_700_000_000_500 + i, state: 'received' }
        batch.put(`${peerId}!${String(seq).padStart(16, '0')}`, V1_VALUE_CODECS.history.encode(entry), { sublevel: history as never })
        batch.put(`${peerId}!${id}`, V1_VALUE_CODECS.messages.encode({ seq }), { sublevel: messages as never })
      }
      await batch.write()
    }
  } finally {
    await db.close()
  }
}

/** Every file under `dir`, recursively. */
export async function listFiles (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...await listFiles(path))
    else if (entry.isFile()) out.push(path)
  }
  return out
}

/**
 * What a home holds, for "nothing changed" checks: the bytes of its plain files, and the
 * entries (not the files, which any open of LevelDB rewrites) of its LevelDB folders.
 */
export async function homeSnapshot (home: string): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const entry of await readdir(home, { withFileTypes: true })) {
    const path = join(home, entry.name)
    if (entry.isFile()) {
      if (entry.name.endsWith('.pid')) continue
      out.set(entry.name, (await readFile(path)).toString('base64'))
    } else if (entry.isDirectory()) {
      const db = new ClassicLevel<string, string>(path, { keyEncoding: 'utf8', valueEncoding: 'base64' })
      await db.open({ createIfMissing: false })
      try {
        for (const [key, value] of await db.iterator().all()) out.set(`${entry.name}/${key}`, value)
      } finally {
        await db.close()
      }
    }
  }
  return out
}

/**
 * The files under `dir` whose bytes contain any of `needles` (strings as UTF-8, or raw bytes),
 * as `file: needle` lines: the at-rest scans, LevelDB logs and table files included.
 */
export async function filesContaining (dir: string, needles: Array<string | Uint8Array>): Promise<string[]> {
  const found: string[] = []
  for (const file of await listFiles(dir)) {
    const bytes = await readFile(file)
    for (const needle of needles) {
      const n = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : Buffer.from(needle)
      if (bytes.includes(n)) found.push(`${file}: ${typeof needle === 'string' ? needle : `<${n.length} bytes>`}`)
    }
  }
  return found
}
