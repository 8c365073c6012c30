// The node provider's HKDF-SHA256 zeroes its PRK and every T block (RFC 5869 §2.2-2.3), as
// noble's hkdf does, on both its engines. node:crypto is wrapped (its ESM namespace cannot be
// spied on) so that every HMAC digest its node:crypto path computes is recorded; all must be
// zero after the call. libsodium's path (inputs that fit its arena) must leave its arena zeroed.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { hmac } from '@noble/hashes/hmac.js'
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
  // The suite runs files in shared workers (vitest.config.ts, isolate: false): another file may
  // have loaded the provider with the real node:crypto already. Load it afresh, with the mock,
  // and its libsodium engines ready, as test/setup.ts has them...
  beforeAll(async () => {
    vi.resetModules()
    await (await import('../../src/crypto/providers/sodium-module.js')).sodiumReady
  })
  // ...and leave no module loaded with the mock behind for the files that run after this one.
  afterAll(() => {
    vi.doUnmock('node:crypto')
    vi.resetModules()
  })

  it('zeroes its PRK and every T block, and still gives noble\'s bytes', async () => {
    const { nodeProvider } = await import('../../src/crypto/providers/node.js')
    const provider = nodeProvider()
    const ikm = randomBytes(32)
    const salt = randomBytes(32)
    // Info longer than libsodium's arena takes the node:crypto path.
    const { SODIUM_MAX_INFO } = await import('../../src/crypto/providers/hmac-sodium.js')
    const info = new Uint8Array(SODIUM_MAX_INFO + 1).fill(7)
    digests.length = 0
    const out = provider.hkdfSha256(ikm, salt, info, 80) // PRK, then 3 blocks, the last one cut
    expect(digests).toHaveLength(4)
    expect(out).toEqual(hkdf(sha256, ikm, salt, info, 80))
    for (const digest of digests) expect(digest.every((b) => b === 0)).toBe(true)
  })

  it('on libsodium: gives noble\'s bytes, leaves its arena\'s secrets zeroed and calls no node:crypto HMAC', async () => {
    const { nodeProvider } = await import('../../src/crypto/providers/node.js')
    const { hmacSodium, SODIUM_MAX_KEY, SODIUM_MAX_DATA } = await import('../../src/crypto/providers/hmac-sodium.js')
    const e = hmacSodium()
    if (e === undefined) throw new Error('libsodium did not load')
    const provider = nodeProvider()
    const ikm = randomBytes(32)
    const salt = randomBytes(32)
    const info = new TextEncoder().encode('murmur test')
    digests.length = 0
    expect(provider.hkdfSha256(ikm, salt, info, 80)).toEqual(hkdf(sha256, ikm, salt, info, 80))
    expect(provider.hmacSha256(salt, ikm)).toEqual(hmac(sha256, salt, ikm))
    expect(digests).toHaveLength(0)
    const heap = e.module.HEAPU8
    // Key and data, then PRK and output (the info between them is the label, not a secret).
    expect(heap.subarray(e.key, e.key + SODIUM_MAX_KEY + SODIUM_MAX_DATA).every((b) => b === 0)).toBe(true)
    expect(heap.subarray(e.prk, e.output + 255 * 32).every((b) => b === 0)).toBe(true)
  })
})
