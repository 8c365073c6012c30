import { describe, it, expect } from 'vitest'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sha512 } from '@noble/hashes/sha2.js'
import { fromHex, toHex } from '../../src/crypto/bytes.js'
import { InvalidKeyError } from '../../src/crypto/errors.js'
import { fingerprintHalf, formatSafetyNumber, safetyNumber } from '../../src/crypto/fingerprint.js'
import { generateIdentity, identityFromSeed } from '../../src/crypto/identity.js'
import { createProvider, PROVIDER_NAMES } from '../../src/crypto/providers/index.js'

const VECTOR_FILE = fileURLToPath(new URL('../vectors/safety-number.json', import.meta.url))

interface SafetyNumberCase {
  comment?: string
  input: { localIdentityKey: string, remoteIdentityKey: string }
  output: { localFingerprintHalf: string, remoteFingerprintHalf: string, safetyNumber: string }
}
interface VectorFile { name: string, version: number, description: string, cases: SafetyNumberCase[] }

// Inputs of the vector file: the RFC 8032 section 7.1 TEST 1-3 public keys, paired up.
const RFC8032_KEYS = [
  'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
  'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025'
]
const VECTOR_INPUTS = [
  { comment: 'RFC 8032 TEST 1 key (local) and TEST 2 key (remote)', localIdentityKey: RFC8032_KEYS[0], remoteIdentityKey: RFC8032_KEYS[1] },
  { comment: 'RFC 8032 TEST 2 key (local) and TEST 3 key (remote)', localIdentityKey: RFC8032_KEYS[1], remoteIdentityKey: RFC8032_KEYS[2] },
  { comment: 'RFC 8032 TEST 3 key (local) and TEST 1 key (remote)', localIdentityKey: RFC8032_KEYS[2], remoteIdentityKey: RFC8032_KEYS[0] }
]

function computeCase (name: (typeof PROVIDER_NAMES)[number], input: SafetyNumberCase['input']): SafetyNumberCase['output'] {
  const provider = createProvider(name)
  const local = fromHex(input.localIdentityKey)
  const remote = fromHex(input.remoteIdentityKey)
  return {
    localFingerprintHalf: fingerprintHalf(provider, local),
    remoteFingerprintHalf: fingerprintHalf(provider, remote),
    safetyNumber: safetyNumber(provider, local, remote)
  }
}

describe('safety-number vectors (test/vectors/safety-number.json)', () => {
  if (process.env.MURMUR_WRITE_VECTORS === '1') {
    it('writes the vector file from the noble provider', () => {
      const file: VectorFile = {
        name: 'safety_number',
        version: 1,
        description: 'Safety number of two Ed25519 identity keys: each half is SHA-512(u16be(0) || key || peerIdBytes) iterated ' +
          '5200 times as h = SHA-512(h || key), first 30 bytes as six 5-byte big-endian integers mod 100000; the two ' +
          '30-digit halves are sorted as strings and concatenated.',
        cases: VECTOR_INPUTS.map(({ comment, ...input }) => ({ comment, input, output: computeCase('noble', input) }))
      }
      writeFileSync(VECTOR_FILE, JSON.stringify(file, null, 2) + '\n')
      expect(existsSync(VECTOR_FILE)).toBe(true)
    })
    return
  }

  it.each(PROVIDER_NAMES)('%s provider reproduces every case byte for byte', (name) => {
    expect(existsSync(VECTOR_FILE), 'missing vector file; run with MURMUR_WRITE_VECTORS=1').toBe(true)
    const file = JSON.parse(readFileSync(VECTOR_FILE, 'utf8')) as VectorFile
    expect(file.name).toBe('safety_number')
    expect(file.version).toBe(1)
    expect(file.cases).toHaveLength(3)
    for (const testCase of file.cases) expect(computeCase(name, testCase.input)).toEqual(testCase.output)
  })
})

describe.each(PROVIDER_NAMES)('%s provider: safety numbers', (name) => {
  const provider = createProvider(name)
  const alice = generateIdentity(provider)
  const bob = generateIdentity(provider)

  it('is 60 digits, the same on both sides, made of the two sorted halves', () => {
    const fromAlice = safetyNumber(provider, alice.publicKey, bob.publicKey)
    const fromBob = safetyNumber(provider, bob.publicKey, alice.publicKey)
    expect(fromAlice).toMatch(/^\d{60}$/)
    expect(fromBob).toBe(fromAlice)
    const halves = [fingerprintHalf(provider, alice.publicKey), fingerprintHalf(provider, bob.publicKey)].sort()
    expect(halves[0]).toMatch(/^\d{30}$/)
    expect(fromAlice).toBe(halves[0] + halves[1])
  })

  it('changes when either key changes', () => {
    const carol = generateIdentity(provider)
    const base = safetyNumber(provider, alice.publicKey, bob.publicKey)
    expect(safetyNumber(provider, carol.publicKey, bob.publicKey)).not.toBe(base)
    expect(safetyNumber(provider, alice.publicKey, carol.publicKey)).not.toBe(base)
  })

  it('refuses invalid identity keys', () => {
    expect(() => fingerprintHalf(provider, new Uint8Array(31))).toThrow(InvalidKeyError)
    expect(() => safetyNumber(provider, alice.publicKey, fromHex('01' + '00'.repeat(31)))).toThrow(InvalidKeyError)
  })
})

describe('formatSafetyNumber', () => {
  it('groups 5 digits with single spaces on one line', () => {
    const digits = safetyNumber(createProvider('node'), identityFromSeed(new Uint8Array(32)).publicKey, identityFromSeed(new Uint8Array(32).fill(1)).publicKey)
    const formatted = formatSafetyNumber(digits)
    expect(formatted).toMatch(/^(\d{5} ){11}\d{5}$/)
    expect(formatted.replaceAll(' ', '')).toBe(digits)
    expect(formatSafetyNumber('1234567')).toBe('12345 67')
    expect(() => formatSafetyNumber('12a45')).toThrow(TypeError)
  })

  it('a half matches a direct transcription of the documented algorithm', () => {
    const key = identityFromSeed(new Uint8Array(32)).publicKey
    expect(toHex(key)).toBe('3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29')
    let h = sha512(Uint8Array.of(0, 0, ...key, 0x00, 0x24, 0x08, 0x01, 0x12, 0x20, ...key))
    for (let i = 0; i < 5200; i++) h = sha512(Uint8Array.of(...h, ...key))
    let expected = ''
    for (let i = 0; i < 6; i++) {
      const chunk = h.subarray(5 * i, 5 * i + 5).reduce((acc, byte) => acc * 256 + byte, 0)
      expected += String(chunk % 100000).padStart(5, '0')
    }
    expect(fingerprintHalf(createProvider('node'), key)).toBe(expected)
  })
})
