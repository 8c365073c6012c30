// The node provider's HKDF-SHA256 zeroes its PRK and every T block (RFC 5869 §2.2-2.3), as
// noble's hkdf does. node:crypto is wrapped (its ESM namespace cannot be spied on) so that
// every HMAC digest the provider computes is recorded; all must be zero after the call.
import { afterAll, describe, expect, it, vi } from 'vitest'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from 'node:crypto'

const digests = vi.hoisted(() => [] as Uint8Array[])

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>()
  const createHmac = (...args: Parameters<typeof real.createHmac>): ReturnType<typeof real.createHmac> => {
    const hmac = real.createHmac(...args)
    const digest = hmac.digest.bind(hmac) as () => Buffer
    hmac.digest = (() => {
      const out = digest()
      digests.push(out)
      return out
    }) as typeof hmac.digest
    return hmac
  }
  return { ...real, default: { ...real, createHmac }, createHmac }
})

describe('node provider HKDF', () => {
  // ...and leaves no module loaded with the mock behind for the files that run after it.
  afterAll(() => {
    vi.doUnmock('node:crypto')
    vi.resetModules()
  })

  it('zeroes its PRK and every T block, and still gives noble\'s bytes', async () => {
    // The suite runs files in shared workers (vitest.config.ts, isolate: false): another file may
    // have loaded the provider with the real node:crypto already. Load it afresh, with the mock.
    vi.resetModules()
    const { nodeProvider } = await import('../../src/crypto/providers/node.js')
    const provider = nodeProvider()
    const ikm = randomBytes(32)
    const salt = randomBytes(32)
    const info = new TextEncoder().encode('murmur test')
    digests.length = 0
    const out = provider.hkdfSha256(ikm, salt, info, 80) // PRK, then 3 blocks, the last one cut
    expect(digests).toHaveLength(4)
    expect(out).toEqual(hkdf(sha256, ikm, salt, info, 80))
    for (const digest of digests) expect(digest.every((b) => b === 0)).toBe(true)
  })
})
