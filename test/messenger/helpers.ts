/**
 * Real murmur nodes on 127.0.0.1 for integration tests: each in its own temporary home, with
 * mDNS off and private addresses kept (loopback only). Homes are made without a passphrase
 * (their stores unencrypted) unless a test passes `passphrase`: the encrypted path has its
 * own tests (test/store, test/e2e/at-rest), and a passphrase costs ~0.5 s of scrypt per start.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMurmur, type Murmur, type MurmurOptions } from '../../src/messenger/index.js'
import { vi } from 'vitest'

export interface TestNode {
  murmur: Murmur
  home: string
  addresses: string[]
}

export async function makeHome (prefix = 'murmur-it-'): Promise<{ dir: string, home: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  return { dir, home: join(dir, 'home') }
}

/** A home per name, each in a temporary folder pushed onto `dirs` (for removeDir). */
export async function makeHomes (names: readonly string[], dirs: string[]): Promise<Record<string, string>> {
  const homes: Record<string, string> = {}
  for (const name of names) {
    const h = await makeHome()
    dirs.push(h.dir)
    homes[name] = h.home
  }
  return homes
}

export async function startNode (home: string, options: Partial<MurmurOptions> = {}): Promise<TestNode> {
  const murmur = await createMurmur({
    home,
    createIdentity: true,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    ...(options.passphrase === undefined ? { noPassphrase: true } : {}),
    ...options
  })
  await murmur.start()
  const { addresses } = await murmur.id()
  return { murmur, home, addresses }
}

export async function removeDir (dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

/** Polls `check` (vitest's vi.waitFor) until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T> (check: () => Promise<T | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  return await vi.waitFor(async () => {
    const value = await check()
    if (value === undefined || value === false) throw new Error(`timed out waiting for ${what}`)
    return value
  }, { timeout: timeoutMs, interval: 100 })
}
