// Key material that only passes through (the output a KDF is split from, DH outputs, the PQXDH input concatenation, chain keys before their epoch mix) is
// zeroed once used, as noble's hkdf zeroes its own intermediates (the node provider's HKDF: hkdf-wipe.test.ts). Each check records the
// arrays a real provider hands out and requires them all-zero afterwards, while the results
// stay those of the reference computation.
import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { createProvider } from '../../src/crypto/providers/index.js'
import type { CryptoProvider } from '../../src/crypto/provider.js'
import { deriveMessageKeys, kdfRoot } from '../../src/crypto/ratchet/kdf.js'
import { MESSAGE_KDF_OUTPUT_LENGTH, ROOT_KDF_INFO, ROOT_KDF_OUTPUT_LENGTH } from '../../src/crypto/ratchet/constants.js'
import { derivePqxdhKeys } from '../../src/crypto/pqxdh/key-agreement.js'
import { mixChainKey } from '../../src/crypto/pq-ratchet/kdf.js'
import { ratchetDecrypt, ratchetEncrypt } from '../../src/crypto/ratchet/index.js'
import { makePair, text } from './ratchet/helpers.js'

const allZero = (bytes: Uint8Array): boolean => bytes.every((b) => b === 0)

/** A node provider whose hkdf, hmac and x25519 record what they are given and return. */
function recording (): { provider: CryptoProvider, hkdfIn: Uint8Array[], hkdfOut: Uint8Array[], hmacIn: Uint8Array[], dhOut: Uint8Array[] } {
  const real = createProvider('node')
  const hkdfIn: Uint8Array[] = []
  const hkdfOut: Uint8Array[] = []
  const hmacIn: Uint8Array[] = []
  const dhOut: Uint8Array[] = []
  const provider: CryptoProvider = {
    ...real,
    hkdfSha256 (ikm, salt, info, length) {
      hkdfIn.push(ikm)
      const out = real.hkdfSha256(ikm, salt, info, length)
      hkdfOut.push(out)
      return out
    },
    hmacSha256 (key, data) {
      hmacIn.push(data)
      return real.hmacSha256(key, data)
    },
    x25519 (priv, pub) {
      const out = real.x25519(priv, pub)
      dhOut.push(out)
      return out
    }
  }
  return { provider, hkdfIn, hkdfOut, hmacIn, dhOut }
}

describe('KDFs zero what they split or concatenate', () => {
  it('KDF_RK and the message key schedule zero the HKDF output they slice', () => {
    const { provider, hkdfOut } = recording()
    const reference = createProvider('node')
    const rootKey = randomBytes(32)
    const dh = randomBytes(32)
    const root = kdfRoot(provider, rootKey, dh)
    const okm = reference.hkdfSha256(dh, rootKey, ROOT_KDF_INFO, ROOT_KDF_OUTPUT_LENGTH)
    expect([...root.rootKey, ...root.chainKey, ...root.nextHeaderKey]).toEqual([...okm])
    const keys = deriveMessageKeys(provider, randomBytes(32), randomBytes(24))
    expect(allZero(keys.bodyKey)).toBe(false)
    expect(hkdfOut).toHaveLength(2)
    for (const out of hkdfOut) expect(allZero(out)).toBe(true)
  })

  it('PQXDH zeroes its input concatenation, not the parts its callers own', () => {
    const { provider, hkdfIn } = recording()
    const parts = { dh1: randomBytes(32), dh2: randomBytes(32), dh3: randomBytes(32), kemSharedSecret: randomBytes(32) }
    const keys = derivePqxdhKeys(provider, parts)
    expect(allZero(keys.rootKey)).toBe(false)
    expect(hkdfIn).toHaveLength(1)
    expect(hkdfIn[0]).toHaveLength(32 * 5)
    expect(allZero(hkdfIn[0])).toBe(true)
    expect(allZero(parts.dh1)).toBe(false)
  })

  it('the chain-key mix zeroes the data holding the chain key', () => {
    const { provider, hmacIn } = recording()
    const chainKey = randomBytes(32)
    const mixed = mixChainKey(provider, randomBytes(32), 3, chainKey)
    expect(mixed).toHaveLength(32)
    expect(hmacIn).toHaveLength(1)
    expect(allZero(hmacIn[0])).toBe(true)
    expect(allZero(chainKey)).toBe(false)
  })

  it('a DH ratchet step zeroes its DH outputs and the HKDF outputs, and the session still works', () => {
    const { provider, dhOut, hkdfOut } = recording()
    const pair = makePair(provider)
    let { alice, bob } = pair
    for (let round = 0; round < 3; round++) { // each reply turns the ratchet
      const a = ratchetEncrypt(provider, alice, text(`a${round}`))
      alice = a.state
      const b1 = ratchetDecrypt(provider, bob, a.message)
      bob = b1.state
      expect(b1.plaintext).toEqual(text(`a${round}`))
      const b = ratchetEncrypt(provider, bob, text(`b${round}`))
      bob = b.state
      const a1 = ratchetDecrypt(provider, alice, b.message)
      alice = a1.state
      expect(a1.plaintext).toEqual(text(`b${round}`))
    }
    expect(dhOut.length).toBeGreaterThanOrEqual(6)
    for (const out of dhOut) expect(allZero(out)).toBe(true)
    // KDF_RK and message-key outputs are split, then zeroed (epoch keys are kept whole).
    const split = hkdfOut.filter((out) => out.length === ROOT_KDF_OUTPUT_LENGTH || out.length === MESSAGE_KDF_OUTPUT_LENGTH)
    expect(split.length).toBeGreaterThan(10)
    for (const out of split) expect(allZero(out)).toBe(true)
  })
})
