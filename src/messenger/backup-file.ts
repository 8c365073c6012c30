/**
 * Reading and writing the backup file a user names (`murmur backup create|restore FILE`,
 * cli/commands/backup.ts). A file-system failure becomes a BackupFileError naming that file
 * and what is wrong with it: the path is the user's argument, not the home, so the home's own
 * advice (cli/common.ts homeError: "choose another home") would send them the wrong way, and a
 * write error carries no path at all (a full disk was reported as the home's).
 */
import { readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { writeFileAtomically } from './files.js'
import { BackupFileError } from '../store/errors.js'

/** Why `path` cannot be used, in words, for the errno codes a user can fix; undefined for others. */
function reason (code: string | undefined, path: string, writing: boolean): string | undefined {
  switch (code) {
    case 'ENOENT': return writing ? `the folder ${dirname(path)} does not exist` : 'no such file'
    case 'ENOTDIR': return 'a part of its path is not a folder'
    case 'EISDIR': return 'it is a folder; name a file'
    case 'EACCES':
    case 'EPERM': return 'permission denied'
    case 'EROFS': return 'the file system is read-only'
    case 'ENOSPC':
    case 'EDQUOT': return 'the disk is full'
    case 'EFBIG': return 'the file is too large for its file system'
    default: return undefined
  }
}

function backupFileError (err: unknown, path: string, writing: boolean): unknown {
  const why = reason((err as NodeJS.ErrnoException | undefined)?.code, path, writing)
  if (why === undefined) return err
  return writing
    ? new BackupFileError(path, `cannot write the backup ${path}: ${why}; nothing was written`, { cause: err })
    : new BackupFileError(path, `cannot read the backup ${path}: ${why}; nothing was changed`, { cause: err })
}

/** Writes a backup file atomically, mode 0600 (a failure leaves no part of it behind). */
export async function writeBackupFile (path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFileAtomically(path, bytes, { mode: 0o600 })
  } catch (err) {
    throw backupFileError(err, path, true)
  }
}

export async function readBackupFile (path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path))
  } catch (err) {
    throw backupFileError(err, path, false)
  }
}
