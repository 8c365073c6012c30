// Provider selection, the deterministic random source and the byte helpers.
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { sha256 } from '@noble/hashes/sha2.js'
import { concat, equal, fromHex, toHex, u16be, u32be } from '../../src/crypto/bytes.js'
import { deterministicRandom } from '../../src/crypto/deterministic-random.js'
import {
  createProvider, defaultProvider, isProviderName, PROVIDER_NAMES, UnknownProviderError
} from '../../src/crypto/providers/index.js'
import type { ProviderName } from '../../src/crypto/provider.js'

describe('provider selection', () => {
  it('lists node first (the default) and noble', () => {
    expect(PROVIDER_NAMES).toEqual(['node', 'noble'])
    expect(createProvider().name).toBe('node')
    for (const name of PROVIDER_NAMES) expect(createProvider(name).name).toBe(name)
  })

  it('throws UnknownProviderError on an unknown name', () => {
    expect(() => createProvider('openssl' as ProviderName)).toThrow(UnknownProviderError)
    try {
      createProvider('' as ProviderName)
      expect.unreachable()
    } catch (err) {
      expect((err as Error).name).toBe('UnknownProviderError')
    }
    expect(isProviderName('noble')).toBe(true)
    expect(isProviderName('NOBLE')).toBe(false)
    expect(isProviderName(undefined)).toBe(false)
  })

  it('defaultProvider is one cached node provider', () => {
    expect(defaultProvider()).toBe(defaultProvider())
    expect(defaultProvider().name).toBe('node')
  })

  it('passes the random source through to both providers', () => {
    for (const name of PROVIDER_NAMES) {
      const provider = createProvider(name, { randomBytes: (n) => new Uint8Array(n).fill(0xab) })
      expect(provider.randomBytes(3)).toEqual(Uint8Array.of(0xab, 0xab, 0xab))
      expect(provider.x25519GenerateKeyPair().privateKey).toEqual(new Uint8Array(32).fill(0xab))
    }
  })

  it('the default random source gives distinct output of the asked length', () => {
    for (const name of PROVIDER_NAMES) {
      const provider = createProvider(name)
      const a = provider.randomBytes(32)
      expect(a).toHaveLength(32)
      expect(toHex(a)).not.toBe(toHex(provider.randomBytes(32)))
    }
  })
})

describe('deterministicRandom', () => {
  const seed = new TextEncoder().encode('seed')

  it('is SHA-256(seed || u32be(0)) || SHA-256(seed || u32be(1)) || ...', () => {
    const expected = concat(sha256(concat(seed, u32be(0))), sha256(concat(seed, u32be(1))), sha256(concat(seed, u32be(2))))
    expect(deterministicRandom(seed)(96)).toEqual(expected)
  })

  it('is consumed in order: any split of the reads gives the same stream', () => {
    const whole = deterministicRandom(seed)(200)
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 70 }), { maxLength: 10 }), (sizes) => {
      const source = deterministicRandom(seed)
      const parts = sizes.map((n) => source(n))
      const total = sizes.reduce((a, b) => a + b, 0)
      if (total <= 200) expect(concat(...parts)).toEqual(whole.subarray(0, total))
    }), { numRuns: 50 })
  })

  it('depends on the seed, and copies it (mutating the seed afterwards changes nothing)', () => {
    const mutable = seed.slice()
    const source = deterministicRandom(mutable)
    mutable[0] ^= 1
    expect(source(32)).toEqual(deterministicRandom(seed)(32))
    expect(deterministicRandom(mutable)(32)).not.toEqual(deterministicRandom(seed)(32))
  })

  it('refuses negative and fractional lengths', () => {
    expect(() => deterministicRandom(seed)(-1)).toThrow(RangeError)
    expect(() => deterministicRandom(seed)(1.5)).toThrow(RangeError)
    expect(deterministicRandom(seed)(0)).toHaveLength(0)
  })
})

describe('byte helpers', () => {
  it('toHex and fromHex round-trip, lowercase out, either case in', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      expect(fromHex(toHex(bytes))).toEqual(bytes)
      expect(fromHex(toHex(bytes).toUpperCase())).toEqual(bytes)
      expect(toHex(bytes)).toBe(Buffer.from(bytes).toString('hex'))
    }), { numRuns: 100 })
    expect(() => fromHex('abc')).toThrow(TypeError)
    expect(() => fromHex('zz')).toThrow(TypeError)
  })

  it('equal compares contents and lengths', () => {
    expect(equal(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true)
    expect(equal(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false)
    expect(equal(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBe(false)
    expect(equal(new Uint8Array(0), new Uint8Array(0))).toBe(true)
  })

  it('u32be and u16be are big-endian and range-checked', () => {
    expect(u32be(0x01020304)).toEqual(Uint8Array.of(1, 2, 3, 4))
    expect(u32be(0xffffffff)).toEqual(Uint8Array.of(255, 255, 255, 255))
    expect(u16be(0x0102)).toEqual(Uint8Array.of(1, 2))
    expect(() => u32be(2 ** 32)).toThrow(RangeError)
    expect(() => u32be(-1)).toThrow(RangeError)
    expect(() => u16be(65536)).toThrow(RangeError)
  })

  it('concat joins in order', () => {
    expect(concat(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3))).toEqual(Uint8Array.of(1, 2, 3))
    expect(concat()).toEqual(new Uint8Array(0))
  })
})
