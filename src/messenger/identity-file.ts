/**
 * The identity key file: the one secret a user must keep. It holds the Ed25519 seed of the
 * identity key, which is also the libp2p node key (DESIGN.md "Identity and addressing").
 *
 * Written with mode 0600 inside a 0700 home folder, via a temporary file and a rename so a
 * crash never leaves a half-written key.
 */
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { generateIdentity, identityFromSeed, type Identity } from '../crypto/identity.js'
import { homePath } from './home.js'

export const IDENTITY_FILE_VERSION = 1

interface IdentityFileContents {
  version: number
  type: 'ed25519'
  /** The 32-byte Ed25519 seed, base64. */
  seed: string
}

/** The home already holds an identity; `murmur init` refuses to overwrite it. */
export class IdentityExistsError extends Error {
  static name = 'IdentityExistsError'
  readonly path: string
  constructor (path: string) {
    super(`an identity already exists at ${path}`)
    this.name = 'IdentityExistsError'
    this.path = path
  }
}

/** The home has no identity yet (`murmur init` creates one). */
export class IdentityNotFoundError extends Error {
  static name = 'IdentityNotFoundError'
  readonly path: string
  constructor (path: string) {
    super(`no identity at ${path}; run \`murmur init\` first`)
    this.name = 'IdentityNotFoundError'
    this.path = path
  }
}

/** The key file exists but cannot be read as an identity. */
export class InvalidIdentityFileError extends Error {
  static name = 'InvalidIdentityFileError'
  constructor (message: string) {
    super(message)
    this.name = 'InvalidIdentityFileError'
  }
}

async function exists (path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}

/** Creates the home folder (0700) and a new identity key file (0600). */
export async function createIdentityFile (home: string): Promise<Identity> {
  const path = homePath(home, 'identityKey')
  await mkdir(home, { recursive: true, mode: 0o700 })
  if (await exists(path)) throw new IdentityExistsError(path)
  const identity = generateIdentity()
  const contents: IdentityFileContents = {
    version: IDENTITY_FILE_VERSION,
    type: 'ed25519',
    seed: Buffer.from(identity.seed).toString('base64')
  }
  const tmp = `${path}.${process.pid}.tmp`
  const handle = await open(tmp, 'wx', 0o600)
  try {
    await handle.writeFile(JSON.stringify(contents, null, 2) + '\n')
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await chmod(tmp, 0o600) // the umask may have narrowed, never widened, but be explicit
    if (await exists(path)) throw new IdentityExistsError(path)
    await rename(tmp, path)
  } catch (err) {
    await unlink(tmp).catch(() => {})
    throw err
  }
  return identity
}

/** Reads the identity key file of a home. */
export async function readIdentityFile (home: string): Promise<Identity> {
  const path = homePath(home, 'identityKey')
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new IdentityNotFoundError(path)
    throw err
  }
  let parsed: Partial<IdentityFileContents>
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new InvalidIdentityFileError(`${path} is not a murmur identity file`)
  }
  if (parsed.version !== IDENTITY_FILE_VERSION || parsed.type !== 'ed25519' || typeof parsed.seed !== 'string') {
    throw new InvalidIdentityFileError(`${path} has an unknown format or version`)
  }
  const seed = Buffer.from(parsed.seed, 'base64')
  if (seed.length !== 32) throw new InvalidIdentityFileError(`${path} holds a seed of the wrong length`)
  return identityFromSeed(new Uint8Array(seed))
}

export async function hasIdentityFile (home: string): Promise<boolean> {
  return await exists(homePath(home, 'identityKey'))
}
