/**
 * The key file of a home, `identity.key` (docs/store.md, "The key file"): the identity key
 * (the Ed25519 seed, also the libp2p node key: DESIGN.md "Identity and addressing") and, in a
 * home with a passphrase, the wrapped data key that encrypts the store.
 *
 * Version 2, JSON:
 * - `publicKey` in the clear, so `murmur id` needs no passphrase;
 * - with a passphrase: `kdf` (scrypt parameters and salt), `dataKey` (the data key wrapped by
 *   the passphrase's key-encryption key) and `seed` (the seed encrypted under a subkey of the
 *   data key). Changing the passphrase rewraps the data key and nothing else;
 * - without one (`--no-passphrase`): `seed` in base64.
 * Version 1 (earlier murmur) held the seed in base64 only; a start migrates it
 * (src/messenger/unlock.ts).
 *
 * Written with mode 0600 inside a 0700 home folder, via a synced temporary file and a rename,
 * so a crash never leaves a half-written key file.
 */
import { MurmurError } from '../errors/murmur-error.js'
import { mkdir, readFile } from 'node:fs/promises'
import { generateIdentity, identityFromSeed, type Identity } from '../crypto/identity.js'
import { defaultProvider } from '../crypto/providers/index.js'
import { checkScryptParams, deriveKek, newScryptParams, type ScryptParams } from '../store/at-rest/kdf.js'
import { deriveHomeKeys, generateDataKey, open as openSealed, seal, wipeHomeKeys, type Sealed } from '../store/at-rest/keys.js'
import { PassphraseRequiredError, WrongPassphraseError } from '../store/errors.js'
import { pathExists, writeFileAtomically } from './files.js'
import { homePath } from './home.js'

export const IDENTITY_FILE_VERSION = 2

/** How a home is protected: a passphrase (UTF-8 bytes, see passphraseBytes), or none by choice. */
export type HomeProtection = { passphrase: Uint8Array } | { noPassphrase: true }

interface SealedJson {
  nonce: string
  ciphertext: string
}

interface KdfJson {
  name: 'scrypt'
  N: number
  r: number
  p: number
  salt: string
}

interface KeyFileV2 {
  version: 2
  type: 'ed25519'
  publicKey: string
  encryption: 'passphrase' | 'none'
  kdf?: KdfJson
  dataKey?: SealedJson
  seed: SealedJson | string
}

/** What a key file says without a passphrase. */
export interface KeyFileInfo {
  version: 1 | 2
  publicKey: Uint8Array
  /** True when the home has a passphrase (its store is encrypted). */
  encrypted: boolean
}

/** An unlocked key file: the identity and, for an encrypted home, the data key (the caller wipes it). */
export interface UnlockedHome {
  identity: Identity
  dataKey: Uint8Array | undefined
  version: 1 | 2
}

/** The home already holds an identity; `murmur init` refuses to overwrite it. */
export class IdentityExistsError extends MurmurError {
  readonly path: string
  constructor (path: string) {
    super(`an identity already exists at ${path}`)
    this.path = path
  }
}

/** The home has no identity yet (`murmur init` creates one). */
export class IdentityNotFoundError extends MurmurError {
  readonly path: string
  constructor (path: string) {
    super(`no identity at ${path}; run \`murmur init\` first`)
    this.path = path
  }
}

/** The key file exists but cannot be read as an identity. */
export class InvalidIdentityFileError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}


const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
const text = new TextEncoder()

/** Associated data of the wrapped data key: the file's purpose, the identity and the KDF parameters. */
function dataKeyAd (publicKey: Uint8Array, kdf: KdfJson): Uint8Array {
  return text.encode(`murmur/key-file/v2/data-key\u0000${b64(publicKey)}\u0000${kdf.name}:${kdf.N}:${kdf.r}:${kdf.p}:${kdf.salt}`)
}

function seedAd (publicKey: Uint8Array): Uint8Array {
  return text.encode(`murmur/key-file/v2/seed\u0000${b64(publicKey)}`)
}

function sealedJson (sealed: Sealed): SealedJson {
  return { nonce: b64(sealed.nonce), ciphertext: b64(sealed.ciphertext) }
}

function kdfJson (params: ScryptParams): KdfJson {
  return { name: 'scrypt', N: params.N, r: params.r, p: params.p, salt: b64(params.salt) }
}

/**
 * A version 2 key file with a passphrase: `dataKey` wrapped under a key derived from
 * `passphrase` with fresh scrypt parameters, beside the already sealed `seed`.
 */
async function passphraseKeyFile (publicKey: Uint8Array, dataKey: Uint8Array, passphrase: Uint8Array, seed: Sealed): Promise<string> {
  const provider = defaultProvider()
  const params = newScryptParams((n) => provider.randomBytes(n))
  const kdf = kdfJson(params)
  const kek = await deriveKek(passphrase, params)
  try {
    const file: KeyFileV2 = {
      version: 2,
      type: 'ed25519',
      publicKey: b64(publicKey),
      encryption: 'passphrase',
      kdf,
      dataKey: sealedJson(seal(provider, kek, dataKey, dataKeyAd(publicKey, kdf))),
      seed: sealedJson(seed)
    }
    return JSON.stringify(file, null, 2) + '\n'
  } finally {
    kek.fill(0)
  }
}

/**
 * The contents of a version 2 key file for `identity`: with a passphrase, the seed encrypted
 * under the data key's seed subkey and the data key wrapped under the passphrase (fresh salt);
 * without, the seed in base64.
 */
export async function keyFileContents (identity: Identity, protection: HomeProtection, dataKey?: Uint8Array): Promise<string> {
  if ('noPassphrase' in protection) {
    const file: KeyFileV2 = { version: 2, type: 'ed25519', publicKey: b64(identity.publicKey), encryption: 'none', seed: b64(identity.seed) }
    return JSON.stringify(file, null, 2) + '\n'
  }
  if (dataKey === undefined) throw new TypeError('a passphrase-protected key file needs its data key')
  const provider = defaultProvider()
  const keys = deriveHomeKeys(provider, dataKey)
  try {
    const seed = seal(provider, keys.seed, identity.seed, seedAd(identity.publicKey))
    return await passphraseKeyFile(identity.publicKey, dataKey, protection.passphrase, seed)
  } finally {
    wipeHomeKeys(keys)
  }
}

/** Writes a key file durably (files.ts); `exclusive` refuses to replace an existing one. */
async function writeKeyFileAtomically (path: string, contents: string, options: { exclusive?: boolean } = {}): Promise<void> {
  await writeFileAtomically(path, contents, {
    mode: 0o600,
    ...(options.exclusive === true ? { check: async () => { if (await pathExists(path)) throw new IdentityExistsError(path) } } : {})
  })
}

/**
 * Creates the home folder (0700) and a new identity in a version 2 key file. With a
 * passphrase, returns the new data key too (the store is created under it; the caller wipes it).
 */
export async function createIdentityFile (home: string, protection: HomeProtection): Promise<UnlockedHome> {
  const path = homePath(home, 'identityKey')
  await mkdir(home, { recursive: true, mode: 0o700 })
  if (await pathExists(path)) throw new IdentityExistsError(path)
  const identity = generateIdentity()
  const dataKey = 'passphrase' in protection ? generateDataKey(defaultProvider()) : undefined
  await writeKeyFileAtomically(path, await keyFileContents(identity, protection, dataKey), { exclusive: true })
  return { identity, dataKey, version: 2 }
}

function fromB64 (value: unknown, path: string, what: string): Uint8Array {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new InvalidIdentityFileError(`${path}: ${what} is not base64`)
  return new Uint8Array(Buffer.from(value, 'base64'))
}

function sealedFrom (value: unknown, path: string, what: string): Sealed {
  const v = value as Partial<SealedJson> | null
  if (v === null || typeof v !== 'object') throw new InvalidIdentityFileError(`${path}: ${what} is missing`)
  return { nonce: fromB64(v.nonce, path, `${what}.nonce`), ciphertext: fromB64(v.ciphertext, path, `${what}.ciphertext`) }
}

type ParsedKeyFile =
  | { version: 1, seed: Uint8Array }
  | { version: 2, publicKey: Uint8Array, encryption: 'none', seed: Uint8Array }
  | { version: 2, publicKey: Uint8Array, encryption: 'passphrase', kdf: KdfJson, params: ScryptParams, dataKey: Sealed, seed: Sealed }

async function readKeyFile (home: string): Promise<{ path: string, parsed: ParsedKeyFile }> {
  const path = homePath(home, 'identityKey')
  let raw: string
  try {
    raw = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new IdentityNotFoundError(path)
    throw err
  }
  let file: Record<string, unknown>
  try {
    file = JSON.parse(raw)
  } catch {
    throw new InvalidIdentityFileError(`${path} is not a murmur identity file`)
  }
  if (file === null || typeof file !== 'object' || file.type !== 'ed25519') throw new InvalidIdentityFileError(`${path} has an unknown format or version`)
  if (file.version === 1) {
    const seed = fromB64(file.seed, path, 'seed')
    if (seed.length !== 32) throw new InvalidIdentityFileError(`${path} holds a seed of the wrong length`)
    return { path, parsed: { version: 1, seed } }
  }
  if (file.version !== 2) throw new InvalidIdentityFileError(`${path} has an unknown format or version (${String(file.version)}); a newer murmur wrote it`)
  const publicKey = fromB64(file.publicKey, path, 'publicKey')
  if (publicKey.length !== 32) throw new InvalidIdentityFileError(`${path} holds a public key of the wrong length`)
  if (file.encryption === 'none') {
    const seed = fromB64(file.seed, path, 'seed')
    if (seed.length !== 32) throw new InvalidIdentityFileError(`${path} holds a seed of the wrong length`)
    return { path, parsed: { version: 2, publicKey, encryption: 'none', seed } }
  }
  if (file.encryption !== 'passphrase') throw new InvalidIdentityFileError(`${path} has an unknown encryption`)
  const kdf = file.kdf as KdfJson
  let params: ScryptParams
  try {
    params = checkScryptParams({ ...(kdf ?? {}), salt: kdf != null ? fromB64(kdf.salt, path, 'kdf.salt') : undefined })
  } catch (err) {
    throw new InvalidIdentityFileError(`${path}: ${(err as Error).message}`)
  }
  return {
    path,
    parsed: { version: 2, publicKey, encryption: 'passphrase', kdf, params, dataKey: sealedFrom(file.dataKey, path, 'dataKey'), seed: sealedFrom(file.seed, path, 'seed') }
  }
}

/** What the key file says without a passphrase: version, public key, whether the home is encrypted. */
export async function readKeyFileInfo (home: string): Promise<KeyFileInfo> {
  const { parsed } = await readKeyFile(home)
  if (parsed.version === 1) return { version: 1, publicKey: identityFromSeed(parsed.seed).publicKey, encrypted: false }
  return { version: 2, publicKey: parsed.publicKey, encrypted: parsed.encryption === 'passphrase' }
}

/**
 * Opens the key file: the identity, and for an encrypted home the data key (the caller wipes
 * it). WrongPassphraseError when the passphrase does not unwrap the data key, and
 * PassphraseRequiredError when the home is encrypted and none was given. Reads only.
 */
export async function unlockIdentityFile (home: string, passphrase: Uint8Array | undefined): Promise<UnlockedHome> {
  const { path, parsed } = await readKeyFile(home)
  if (parsed.version === 1) return { identity: identityFromSeed(parsed.seed), dataKey: undefined, version: 1 }
  if (parsed.encryption === 'none') return { identity: checkIdentity(path, identityFromSeed(parsed.seed), parsed.publicKey), dataKey: undefined, version: 2 }
  if (passphrase === undefined) throw new PassphraseRequiredError(`the home ${home} is encrypted: a passphrase is needed to open it`)
  const dataKey = await unwrapDataKey(parsed, passphrase)
  const provider = defaultProvider()
  const keys = deriveHomeKeys(provider, dataKey)
  try {
    const seed = openSealed(provider, keys.seed, parsed.seed, seedAd(parsed.publicKey))
    if (seed === undefined || seed.length !== 32) throw new InvalidIdentityFileError(`${path}: the identity seed does not decrypt (the file was altered)`)
    return { identity: checkIdentity(path, identityFromSeed(seed), parsed.publicKey), dataKey, version: 2 }
  } finally {
    wipeHomeKeys(keys)
  }
}

async function unwrapDataKey (parsed: Extract<ParsedKeyFile, { encryption: 'passphrase' }>, passphrase: Uint8Array): Promise<Uint8Array> {
  const kek = await deriveKek(passphrase, parsed.params)
  try {
    const dataKey = openSealed(defaultProvider(), kek, parsed.dataKey, dataKeyAd(parsed.publicKey, parsed.kdf))
    if (dataKey === undefined || dataKey.length !== 32) throw new WrongPassphraseError()
    return dataKey
  } finally {
    kek.fill(0)
  }
}

function checkIdentity (path: string, identity: Identity, publicKey: Uint8Array): Identity {
  if (Buffer.compare(Buffer.from(identity.publicKey), Buffer.from(publicKey)) !== 0) {
    throw new InvalidIdentityFileError(`${path}: the public key does not match the identity seed`)
  }
  return identity
}

/**
 * Changes the passphrase of an encrypted home: unwraps the data key with `current` and wraps it
 * again under `next` with a fresh salt, replacing the key file atomically. Nothing else changes:
 * the store and the encrypted seed stay as they are. WrongPassphraseError when `current` is
 * wrong (the file is then untouched).
 */
export async function changePassphrase (home: string, current: Uint8Array, next: Uint8Array): Promise<void> {
  const { path, parsed } = await readKeyFile(home)
  if (parsed.version !== 2 || parsed.encryption !== 'passphrase') {
    throw new PassphraseRequiredError(`the home ${home} has no passphrase to change (it was made with --no-passphrase or by an earlier murmur)`)
  }
  const dataKey = await unwrapDataKey(parsed, current)
  try {
    await writeFileAtomically(path, await passphraseKeyFile(parsed.publicKey, dataKey, next, parsed.seed), { mode: 0o600 })
  } finally {
    dataKey.fill(0)
  }
}

export async function hasIdentityFile (home: string): Promise<boolean> {
  return await pathExists(homePath(home, 'identityKey'))
}
