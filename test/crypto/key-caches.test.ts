// The providers' caches never hold a string made of a private key's bytes (a JS string
// cannot be wiped): secrets are looked up by a keyed hash (src/crypto/providers/caches.ts).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LRUCache } from 'lru-cache'
import { randomBytes } from 'node:crypto'
import { nodeProvider } from '../../src/crypto/providers/index.js'
import { publicBytesKey } from '../../src/crypto/providers/caches.js'
import { SecretKeyedCache } from '../../src/crypto/providers/secret-keyed-cache.js'

/** Every encoding of `secret` a cache key could plausibly be built from. */
function encodingsOf (secret: Uint8Array): string[] {
  const b = Buffer.from(secret)
  return [b.toString('latin1'), b.toString('hex'), b.toString('base64'), b.toString('base64url'), b.toString('utf8')]
}

function containsAny (keys: Iterable<unknown>, needles: string[]): boolean {
  for (const key of keys) {
    if (typeof key !== 'string') continue
    if (needles.some((n) => key.includes(n))) return true
  }
  return false
}

afterEach(() => { vi.restoreAllMocks() })

describe('SecretKeyedCache', () => {
  it('finds a secret again by content, keyed by a digest that holds none of its bytes', () => {
    const cache = new SecretKeyedCache<number>(4)
    const secret = randomBytes(32)
    cache.set(secret, 7)
    expect(cache.get(Uint8Array.from(secret))).toBe(7) // a copy in a new array finds it
    expect(cache.get(randomBytes(32))).toBeUndefined()
    expect(cache.keys()).toHaveLength(1)
    expect(cache.keys()[0]).toHaveLength(44)
    expect(containsAny(cache.keys(), encodingsOf(secret))).toBe(false)
  })

  it('uses a key of its own: two caches give different lookup keys for one secret', () => {
    const secret = randomBytes(32)
    const a = new SecretKeyedCache<number>(2)
    const b = new SecretKeyedCache<number>(2)
    expect(a.lookupKey(secret)).toBe(a.lookupKey(Uint8Array.from(secret)))
    expect(a.lookupKey(secret)).not.toBe(b.lookupKey(secret))
  })

  it('holds at most max entries', () => {
    const cache = new SecretKeyedCache<number>(3)
    for (let i = 0; i < 10; i++) cache.set(randomBytes(32), i)
    expect(cache.size).toBe(3)
  })
})

describe('node provider key caches', () => {
  it('never key an LRU cache by a string made of a private key or seed', () => {
    // Spies pass every call through to lru-cache and record its arguments.
    const gets = vi.spyOn(LRUCache.prototype, 'get')
    const sets = vi.spyOn(LRUCache.prototype, 'set')
    // OpenSSL's X25519 (where libsodium's addon does not load) is the path with key caches.
    const provider = nodeProvider({ opensslX25519: true })
    const alice = provider.x25519GenerateKeyPair()
    const bob = provider.x25519GenerateKeyPair()
    const seed = randomBytes(32)
    for (let i = 0; i < 2; i++) { // the second round is served from the caches
      expect(provider.x25519(alice.privateKey, bob.publicKey)).toEqual(provider.x25519(bob.privateKey, alice.publicKey))
      expect(provider.x25519PublicKey(alice.privateKey)).toEqual(alice.publicKey)
      const signature = provider.ed25519Sign(seed, Uint8Array.of(1, 2, 3))
      expect(provider.ed25519Verify(signature, Uint8Array.of(1, 2, 3), provider.ed25519PublicKey(seed))).toBe(true)
    }
    const seen = [...gets.mock.calls, ...sets.mock.calls].map((call) => call[0])
    // The caches were used (public keys are keyed by their bytes, as they may be)...
    expect(seen).toContain(publicBytesKey(bob.publicKey))
    expect(seen.length).toBeGreaterThan(10)
    // ...and no key holds a secret.
    for (const secret of [alice.privateKey, bob.privateKey, seed]) {
      expect(containsAny(seen, encodingsOf(secret))).toBe(false)
    }
  })
})
