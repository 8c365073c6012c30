/**
 * The passphrase KDF (docs/store.md, "Keys"): scrypt (RFC 7914) turns a passphrase into the
 * 32-byte key-encryption key that wraps a home's data key, and a backup's file key. The
 * parameters travel with what they protect (the key file, the backup header), so they can be
 * raised later without breaking old files; a file's parameters are checked against bounds before
 * use, so a forged file cannot make us allocate gigabytes.
 *
 * scrypt runs in node:crypto (OpenSSL, on libuv's thread pool: the event loop stays free), not
 * in @noble/hashes' pure-JS scryptAsync as before: the same bytes (RFC 7914; checked against
 * noble in test/store/kdf.test.ts) for about half the CPU, 0.42-0.51 s against 0.81-0.91 s per
 * derivation at N = 2^17, r = 8 on these machines (load 12).
 */
import { scrypt } from 'node:crypto'
import { InvalidKdfParamsError, InvalidPassphraseError } from '../errors.js'

export interface ScryptParams {
  name: 'scrypt'
  /** CPU/memory cost, a power of two; memory is 128 * N * r bytes. */
  N: number
  r: number
  p: number
  salt: Uint8Array
}

/**
 * OWASP's scrypt recommendation (N = 2^17, r = 8, p = 1): 128 MiB and, on the machines this
 * was measured on, ~0.5 s per derivation in noble's pure-JS scrypt (docs/store.md has the figures).
 */
export const DEFAULT_SCRYPT = Object.freeze({ N: 2 ** 17, r: 8, p: 1 })
export const SALT_LENGTH = 16
export const KEK_LENGTH = 32

/** Bounds on parameters read from a file: at most 1 GiB of memory, at least 2^14 work. */
const MIN_LOG_N = 14
const MAX_LOG_N = 22
const MAX_MEMORY = 1024 * 1024 * 1024
const MIN_SALT = 16
const MAX_SALT = 64

/**
 * The environment variable that sets N (the work and memory) of the parameters made for a new
 * key file, a changed passphrase or a backup (docs/store.md "Keys", docs/cli.md "Passphrases"):
 * lower on a machine that cannot spare 128 MiB or half a second, higher for a harder guess.
 * Files already written keep the parameters they record.
 */
export const SCRYPT_N_VARIABLE = 'MURMUR_SCRYPT_N'

/**
 * Fresh parameters with a random salt: the defaults, with N from `$MURMUR_SCRYPT_N` when set.
 * InvalidKdfParamsError when that is not a power of two within the bounds a file is held to.
 */
export function newScryptParams (randomBytes: (n: number) => Uint8Array, env: NodeJS.ProcessEnv = process.env): ScryptParams {
  const chosen = env[SCRYPT_N_VARIABLE]
  let N = DEFAULT_SCRYPT.N
  if (chosen !== undefined && chosen !== '') {
    // The bounds of checkScryptParams, with the default r: at most 1 GiB of memory.
    const max = MAX_MEMORY / (128 * DEFAULT_SCRYPT.r)
    N = /^[0-9]+$/.test(chosen) ? Number(chosen) : Number.NaN
    if (!Number.isSafeInteger(N) || N < 2 ** MIN_LOG_N || N > max || (N & (N - 1)) !== 0) {
      throw new InvalidKdfParamsError(`$${SCRYPT_N_VARIABLE} must be a power of two from ${2 ** MIN_LOG_N} (2^${MIN_LOG_N}) to ${max} (2^${Math.log2(max)}), got "${chosen}"`)
    }
  }
  return { name: 'scrypt', ...DEFAULT_SCRYPT, N, salt: randomBytes(SALT_LENGTH) }
}

/** Throws InvalidKdfParamsError unless `params` are scrypt parameters within the bounds. */
export function checkScryptParams (params: unknown): ScryptParams {
  const p = params as Partial<ScryptParams> | null
  if (p == null || typeof p !== 'object' || p.name !== 'scrypt') throw new InvalidKdfParamsError('the KDF must be scrypt')
  const { N, r, p: par, salt } = p
  if (!Number.isInteger(N) || N === undefined || N < 2 ** MIN_LOG_N || N > 2 ** MAX_LOG_N || (N & (N - 1)) !== 0) {
    throw new InvalidKdfParamsError(`scrypt N must be a power of two from 2^${MIN_LOG_N} to 2^${MAX_LOG_N}`)
  }
  if (!Number.isInteger(r) || r === undefined || r < 1 || r > 32) throw new InvalidKdfParamsError('scrypt r must be 1 to 32')
  if (!Number.isInteger(par) || par === undefined || par < 1 || par > 16) throw new InvalidKdfParamsError('scrypt p must be 1 to 16')
  if (128 * N * r > MAX_MEMORY) throw new InvalidKdfParamsError('scrypt parameters would need more than 1 GiB')
  if (!(salt instanceof Uint8Array) || salt.length < MIN_SALT || salt.length > MAX_SALT) {
    throw new InvalidKdfParamsError(`the scrypt salt must be ${MIN_SALT} to ${MAX_SALT} bytes`)
  }
  return { name: 'scrypt', N, r, p: par, salt }
}

/**
 * The key-encryption key of `passphrase` (UTF-8 bytes, see passphraseBytes). Runs on libuv's
 * thread pool, so a running node keeps serving meanwhile.
 */
export async function deriveKek (passphrase: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  const { N, r, p, salt } = checkScryptParams(params)
  if (passphrase.length === 0) throw new InvalidPassphraseError('a passphrase must not be empty')
  // maxmem: node:crypto refuses to run above it (32 MiB by default); the bounds above cap 128 * N * r.
  const maxmem = 128 * N * r + 1024 * 1024
  return await new Promise((resolve, reject) => {
    scrypt(passphrase, salt, KEK_LENGTH, { N, r, p, maxmem }, (err, key) => {
      if (err != null) reject(err)
      else resolve(new Uint8Array(key.buffer, key.byteOffset, key.byteLength))
    })
  })
}

/**
 * A passphrase as the bytes the KDF takes: Unicode NFC, then UTF-8, so the same passphrase
 * typed on two systems that compose accents differently gives the same key. The caller wipes
 * the result once the key is derived.
 */
export function passphraseBytes (passphrase: string | Uint8Array): Uint8Array {
  if (passphrase instanceof Uint8Array) {
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(passphrase)
    } catch {
      throw new InvalidPassphraseError('a passphrase must be UTF-8 text')
    }
    return passphraseBytes(text)
  }
  if (typeof passphrase !== 'string') throw new InvalidPassphraseError('a passphrase is text')
  const normalized = passphrase.normalize('NFC')
  if (normalized.length === 0) throw new InvalidPassphraseError('a passphrase must not be empty')
  return new TextEncoder().encode(normalized)
}
