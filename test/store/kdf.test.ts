// The passphrase KDF (src/store/at-rest/kdf.ts, docs/store.md "Keys"): scrypt from node:crypto
// gives the bytes of @noble/hashes' scrypt, which wrapped every key file and backup made before
// it, so those still open; parameters out of bounds, or an empty passphrase, are refused before
// anything runs. New parameters take N from $MURMUR_SCRYPT_N, within the same bounds.
import { scrypt as nobleScrypt } from '@noble/hashes/scrypt.js'
import { describe, expect, it } from 'vitest'
import { DEFAULT_SCRYPT, deriveKek, KEK_LENGTH, newScryptParams, passphraseBytes, SALT_LENGTH } from '../../src/store/at-rest/kdf.js'
import { InvalidKdfParamsError, InvalidPassphraseError } from '../../src/store/errors.js'

const salt = Uint8Array.from({ length: 16 }, (_, i) => i * 7)

describe('deriveKek', () => {
  it('equals noble\'s scrypt, at the default parameters (128 MiB, past node:crypto\'s default memory limit) and with p = 2', async () => {
    const passphrase = passphraseBytes('Ünïcode passphrase')
    for (const params of [DEFAULT_SCRYPT, { N: 2 ** 14, r: 1, p: 2 }]) {
      const kek = await deriveKek(passphrase, { name: 'scrypt', ...params, salt })
      const reference = nobleScrypt(passphrase, salt, { ...params, dkLen: KEK_LENGTH, maxmem: 128 * params.N * params.r + 1024 * 1024 })
      expect(Buffer.from(kek).toString('hex'), JSON.stringify(params)).toBe(Buffer.from(reference).toString('hex'))
    }
  })

  it('refuses parameters out of bounds and an empty passphrase without running', async () => {
    const started = performance.now()
    await expect(deriveKek(passphraseBytes('p'), { name: 'scrypt', N: 2 ** 22, r: 4, p: 1, salt })).rejects.toThrow(InvalidKdfParamsError)
    await expect(deriveKek(passphraseBytes('p'), { name: 'scrypt', N: 2 ** 13, r: 8, p: 1, salt })).rejects.toThrow(InvalidKdfParamsError)
    await expect(deriveKek(new Uint8Array(0), { name: 'scrypt', ...DEFAULT_SCRYPT, salt })).rejects.toThrow(InvalidPassphraseError)
    expect(performance.now() - started).toBeLessThan(200)
  })
})

describe('newScryptParams', () => {
  const randomBytes = (n: number): Uint8Array => new Uint8Array(n).fill(9)

  it('gives the defaults with a fresh salt, and N from $MURMUR_SCRYPT_N when set', () => {
    expect(newScryptParams(randomBytes, {})).toEqual({ name: 'scrypt', ...DEFAULT_SCRYPT, salt: new Uint8Array(SALT_LENGTH).fill(9) })
    expect(newScryptParams(randomBytes, { MURMUR_SCRYPT_N: '' })).toMatchObject(DEFAULT_SCRYPT)
    expect(newScryptParams(randomBytes, { MURMUR_SCRYPT_N: String(2 ** 14) })).toMatchObject({ N: 2 ** 14, r: DEFAULT_SCRYPT.r, p: DEFAULT_SCRYPT.p })
    expect(newScryptParams(randomBytes, { MURMUR_SCRYPT_N: String(2 ** 20) })).toMatchObject({ N: 2 ** 20 })
  })

  it('refuses an N that is not a power of two within the bounds a file is held to, naming the variable', () => {
    for (const value of ['abc', '1e5', '-16384', '16383', String(2 ** 13), String(2 ** 21), '100000', ' 16384']) {
      expect(() => newScryptParams(randomBytes, { MURMUR_SCRYPT_N: value }), value).toThrow(InvalidKdfParamsError)
      expect(() => newScryptParams(randomBytes, { MURMUR_SCRYPT_N: value }), value).toThrow(/MURMUR_SCRYPT_N/)
    }
  })
})
