// Published known-answer vectors, run against every provider.
import { describe, it, expect } from 'vitest'
import { fromHex, toHex } from '../../src/crypto/bytes.js'
import { createProvider, PROVIDER_NAMES } from '../../src/crypto/providers/index.js'

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const range = (from: number, to: number): Uint8Array => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i)

// RFC 8439 section 2.8.2 and draft-irtf-cfrg-xchacha-03 section A.3.1 share this plaintext.
const SUNSCREEN = utf8("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.")

describe.each(PROVIDER_NAMES)('%s provider: published vectors', (name) => {
  const provider = createProvider(name)

  it('SHA-256 and SHA-512 of "abc" (FIPS 180-4 examples)', () => {
    expect(toHex(provider.sha256(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(toHex(provider.sha512(utf8('abc')))).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f')
  })

  it('HMAC-SHA256, RFC 4231 test case 2', () => {
    expect(toHex(provider.hmacSha256(utf8('Jefe'), utf8('what do ya want for nothing?'))))
      .toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843')
  })

  it('HKDF-SHA256, RFC 5869 A.1', () => {
    const okm = provider.hkdfSha256(new Uint8Array(22).fill(0x0b), range(0x00, 0x0c), range(0xf0, 0xf9), 42)
    expect(toHex(okm)).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865')
  })

  it('HKDF-SHA256 refuses lengths beyond 255 * 32 with a RangeError', () => {
    expect(() => provider.hkdfSha256(new Uint8Array(32), new Uint8Array(0), new Uint8Array(0), 8161)).toThrow(RangeError)
    expect(() => provider.hkdfSha256(new Uint8Array(32), new Uint8Array(0), new Uint8Array(0), -1)).toThrow(RangeError)
    expect(provider.hkdfSha256(new Uint8Array(32), new Uint8Array(0), new Uint8Array(0), 8160)).toHaveLength(8160)
  })

  it('X25519, RFC 7748 section 5.2 test vectors', () => {
    expect(toHex(provider.x25519(
      fromHex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'),
      fromHex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c'))))
      .toBe('c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552')
    expect(toHex(provider.x25519(
      fromHex('4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d'),
      fromHex('e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493'))))
      .toBe('95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957')
  })

  it('X25519, RFC 7748 section 5.2 iterated 1 and 1000 times', () => {
    let k = fromHex('0900000000000000000000000000000000000000000000000000000000000000')
    let u = k
    for (let i = 1; i <= 1000; i++) {
      const next = provider.x25519(k, u)
      u = k
      k = next
      if (i === 1) expect(toHex(k)).toBe('422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079')
    }
    expect(toHex(k)).toBe('684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51')
  })

  it('X25519, RFC 7748 section 6.1 Diffie-Hellman', () => {
    const alicePrivate = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
    const bobPrivate = fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb')
    const alicePublic = provider.x25519PublicKey(alicePrivate)
    const bobPublic = provider.x25519PublicKey(bobPrivate)
    expect(toHex(alicePublic)).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a')
    expect(toHex(bobPublic)).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742'
    expect(toHex(provider.x25519(alicePrivate, bobPublic))).toBe(shared)
    expect(toHex(provider.x25519(bobPrivate, alicePublic))).toBe(shared)
  })

  // RFC 8032 section 7.1, TEST 1 to TEST 3.
  const ed25519Vectors = [
    {
      seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
      message: '',
      signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'
    },
    {
      seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
      publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
      message: '72',
      signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'
    },
    {
      seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
      publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
      message: 'af82',
      signature: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a'
    }
  ]

  it.each(ed25519Vectors.map((v, i) => [i + 1, v] as const))('Ed25519, RFC 8032 section 7.1 TEST %i', (_n, v) => {
    const seed = fromHex(v.seed)
    const message = fromHex(v.message)
    expect(toHex(provider.ed25519PublicKey(seed))).toBe(v.publicKey)
    expect(toHex(provider.ed25519Sign(seed, message))).toBe(v.signature)
    expect(provider.ed25519Verify(fromHex(v.signature), message, fromHex(v.publicKey))).toBe(true)
    // The same signature on another message must fail.
    expect(provider.ed25519Verify(fromHex(v.signature), Uint8Array.of(...message, 0), fromHex(v.publicKey))).toBe(false)
  })

  it('ChaCha20-Poly1305, RFC 8439 section 2.8.2', () => {
    const key = range(0x80, 0x9f)
    const nonce = fromHex('070000004041424344454647')
    const ad = fromHex('50515253c0c1c2c3c4c5c6c7')
    const sealed = provider.chacha20poly1305Seal(key, nonce, SUNSCREEN, ad)
    expect(toHex(sealed)).toBe(
      'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36' +
      '92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116' +
      '1ae10b594f09e26a7e902ecbd0600691')
    expect(provider.chacha20poly1305Open(key, nonce, sealed, ad)).toEqual(SUNSCREEN)
  })

  it('XChaCha20-Poly1305, draft-irtf-cfrg-xchacha section A.3.1', () => {
    const key = range(0x80, 0x9f)
    const nonce = range(0x40, 0x57)
    const ad = fromHex('50515253c0c1c2c3c4c5c6c7')
    const sealed = provider.xchacha20poly1305Seal(key, nonce, SUNSCREEN, ad)
    expect(toHex(sealed)).toBe(
      'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452' +
      '2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e' +
      'c0875924c1c7987947deafd8780acf49')
    expect(provider.xchacha20poly1305Open(key, nonce, sealed, ad)).toEqual(SUNSCREEN)
  })

  it('returns plain Uint8Arrays, never Buffers (Buffer#slice is a view, not a copy)', () => {
    const key = new Uint8Array(32).fill(1)
    const outputs = [
      provider.sha256(key), provider.sha512(key), provider.hmacSha256(key, key), provider.hkdfSha256(key, key, key, 42),
      provider.x25519PublicKey(key), provider.ed25519PublicKey(key), provider.ed25519Sign(key, key),
      provider.chacha20poly1305Seal(key, new Uint8Array(12), key, key), provider.randomBytes(16)
    ]
    for (const out of outputs) expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype)
  })
})
