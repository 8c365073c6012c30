/**
 * The backup file format (docs/store.md, "Backup files"), version 1:
 *
 *   "MURMURBK" (8 bytes) | version (1 byte) | header length (4 bytes, big-endian) | header | payload
 *
 * The header (proto BackupHeader, unencrypted) holds the scrypt parameters and salt of this
 * file, the random file key wrapped under the passphrase's key, and the payload's nonce. The
 * payload is BackupPayload encrypted with XChaCha20-Poly1305 under the file key, with
 * everything before it as associated data, so no byte of the file can change unnoticed.
 * A wrong passphrase fails at the wrapped key (WrongPassphraseError); a truncated or altered
 * file at the header or the payload's tag (BackupCorruptError); a newer format at its version
 * byte, before any passphrase is needed (UnsupportedBackupVersionError).
 */
import type { CryptoProvider } from '../../crypto/provider.js'
import { checkScryptParams, deriveKek, newScryptParams, type ScryptParams } from '../at-rest/kdf.js'
import { open, seal } from '../at-rest/keys.js'
import { BackupCorruptError, InvalidKdfParamsError, UnsupportedBackupVersionError, WrongPassphraseError } from '../errors.js'
import { BackupHeader } from '../proto/records.js'

export const BACKUP_MAGIC = new TextEncoder().encode('MURMURBK')
export const BACKUP_VERSION = 1
const PREFIX_LENGTH = BACKUP_MAGIC.length + 1 + 4
const MAX_HEADER_LENGTH = 4096
const FILE_KEY_AD = new TextEncoder().encode('murmur/backup/v1/file-key')

/** Seals `payload` into a backup file under `passphrase` (UTF-8 bytes; the caller wipes them). */
export async function sealBackup (provider: CryptoProvider, payload: Uint8Array, passphrase: Uint8Array): Promise<Uint8Array> {
  const params = newScryptParams((n) => provider.randomBytes(n))
  const kek = await deriveKek(passphrase, params)
  const fileKey = provider.randomBytes(32)
  try {
    const wrapped = seal(provider, kek, fileKey, FILE_KEY_AD)
    const payloadNonce = provider.randomBytes(24)
    const header = BackupHeader.encode({
      kdf: params.name, n: params.N, r: params.r, p: params.p, salt: params.salt as Uint8Array<ArrayBuffer>,
      keyNonce: wrapped.nonce as Uint8Array<ArrayBuffer>, wrappedKey: wrapped.ciphertext as Uint8Array<ArrayBuffer>,
      payloadNonce: payloadNonce as Uint8Array<ArrayBuffer>
    })
    const prefix = new Uint8Array(PREFIX_LENGTH + header.length)
    prefix.set(BACKUP_MAGIC, 0)
    prefix[BACKUP_MAGIC.length] = BACKUP_VERSION
    new DataView(prefix.buffer).setUint32(BACKUP_MAGIC.length + 1, header.length, false)
    prefix.set(header, PREFIX_LENGTH)
    const body = provider.xchacha20poly1305Seal(fileKey, payloadNonce, payload, prefix)
    const file = new Uint8Array(prefix.length + body.length)
    file.set(prefix, 0)
    file.set(body, prefix.length)
    return file
  } finally {
    kek.fill(0)
    fileKey.fill(0)
  }
}

interface ParsedBackup {
  params: ScryptParams
  header: BackupHeader
  prefix: Uint8Array
  body: Uint8Array
}

/**
 * Checks a file's magic, version and header without a passphrase: a file that is not a
 * murmur backup, is truncated in its header, or is of a newer version fails here.
 */
export function parseBackup (file: Uint8Array): ParsedBackup {
  if (file.length < PREFIX_LENGTH || !BACKUP_MAGIC.every((b, i) => file[i] === b)) {
    throw new BackupCorruptError('not a murmur backup file (or truncated at its start)')
  }
  const version = file[BACKUP_MAGIC.length]
  if (version !== BACKUP_VERSION) {
    if (version > BACKUP_VERSION) throw new UnsupportedBackupVersionError(version, BACKUP_VERSION)
    throw new BackupCorruptError(`unknown backup format version ${version}`)
  }
  const headerLength = new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(BACKUP_MAGIC.length + 1, false)
  if (headerLength === 0 || headerLength > MAX_HEADER_LENGTH || PREFIX_LENGTH + headerLength > file.length) {
    throw new BackupCorruptError('the backup file is truncated or its header is damaged')
  }
  let header: BackupHeader
  try {
    header = BackupHeader.decode(file.subarray(PREFIX_LENGTH, PREFIX_LENGTH + headerLength))
  } catch (err) {
    throw new BackupCorruptError('the backup header does not decode', { cause: err })
  }
  let params: ScryptParams
  try {
    params = checkScryptParams({ name: header.kdf, N: header.n, r: header.r, p: header.p, salt: header.salt })
  } catch (err) {
    if (err instanceof InvalidKdfParamsError) throw new BackupCorruptError(`the backup header is damaged: ${err.message}`, { cause: err })
    throw err
  }
  return { params, header, prefix: file.subarray(0, PREFIX_LENGTH + headerLength), body: file.subarray(PREFIX_LENGTH + headerLength) }
}

/** The payload of a backup file. WrongPassphraseError, BackupCorruptError or UnsupportedBackupVersionError otherwise. */
export async function openBackup (provider: CryptoProvider, file: Uint8Array, passphrase: Uint8Array): Promise<Uint8Array> {
  const { params, header, prefix, body } = parseBackup(file)
  const kek = await deriveKek(passphrase, params)
  let fileKey: Uint8Array | undefined
  try {
    fileKey = open(provider, kek, { nonce: header.keyNonce, ciphertext: header.wrappedKey }, FILE_KEY_AD)
    if (fileKey === undefined || fileKey.length !== 32) {
      throw new WrongPassphraseError('wrong passphrase for this backup (or its header was altered); nothing was changed')
    }
    const payload = open(provider, fileKey, { nonce: header.payloadNonce, ciphertext: body }, prefix)
    if (payload === undefined) throw new BackupCorruptError('the backup file is truncated or was altered (its contents do not authenticate); nothing was changed')
    return payload
  } finally {
    kek.fill(0)
    fileKey?.fill(0)
  }
}
