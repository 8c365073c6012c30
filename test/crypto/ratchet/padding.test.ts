import { describe, it, expect } from 'vitest'
import { MAX_PLAINTEXT_LENGTH, padPlaintext, unpadPlaintext, ratchetEncrypt } from '../../../src/crypto/ratchet/index.js'
import { padme, paddedLength } from '../../../src/crypto/ratchet/padding.js'
import { InvalidMessageError } from '../../../src/crypto/errors.js'
import { expectFailure, makePair, providers } from './helpers.js'

describe('padding', () => {
  it('pads to Padmé buckets of at least 256 bytes', () => {
    const expected: Array<[number, number]> = [
      [0, 256], [1, 256], [255, 256], [256, 272], [300, 304], [511, 512], [512, 544],
      [1000, 1024], [4096, 4352], [65536, 67584], [MAX_PLAINTEXT_LENGTH, 208896]
    ]
    for (const [length, padded] of expected) {
      expect(paddedLength(length), `length ${length}`).toBe(padded)
      expect(padPlaintext(new Uint8Array(length)).length).toBe(padded)
    }
  })

  it('keeps the overhead of Padmé within 12 % and its results monotone', () => {
    let previous = 0
    for (let length = 256; length < 300_000; length += 97) {
      const padded = padme(length)
      expect(padded).toBeGreaterThanOrEqual(length)
      expect(padded).toBeGreaterThanOrEqual(previous)
      expect(padded / length).toBeLessThanOrEqual(1.12)
      previous = padded
    }
  })

  it('round-trips plaintexts, including ones ending in 0x80 or zeros', () => {
    const samples = [
      new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(0x80), Uint8Array.of(1, 0, 0),
      new Uint8Array(255).fill(0x80), new Uint8Array(1000).fill(7), new Uint8Array(MAX_PLAINTEXT_LENGTH)
    ]
    for (const sample of samples) expect(unpadPlaintext(padPlaintext(sample))).toEqual(sample)
  })

  it('rejects bad padding and oversized plaintexts with InvalidMessageError', () => {
    expect(() => unpadPlaintext(new Uint8Array(256))).toThrow(InvalidMessageError)
    expect(() => unpadPlaintext(new Uint8Array(0))).toThrow(InvalidMessageError)
    const noMarker = new Uint8Array(256)
    noMarker[10] = 0x7f
    expect(() => unpadPlaintext(noMarker)).toThrow(InvalidMessageError)
    expect(() => padPlaintext(new Uint8Array(MAX_PLAINTEXT_LENGTH + 1))).toThrow(InvalidMessageError)
  })

  it.each(providers)('refuses an oversized plaintext before any work (%s)', (_name, provider) => {
    const { alice } = makePair(provider)
    expectFailure(alice, () => ratchetEncrypt(provider, alice, new Uint8Array(MAX_PLAINTEXT_LENGTH + 1)), InvalidMessageError.name)
    const max = ratchetEncrypt(provider, alice, new Uint8Array(MAX_PLAINTEXT_LENGTH))
    // The first message carries a 39-byte post-quantum chunk inside the padding (part 3b).
    expect(max.message.length).toBe(1 + 84 + 208896 + 16)
  })
})
