/**
 * The file-system steps a home's files need: durable, atomic replacement (the contents go to a
 * synced temporary file in the same folder, which is renamed over the target, and the folder
 * is synced so the rename survives a crash: a reader sees the old file or the new one, never a
 * part), folder syncs, and existence checks.
 */
import { chmod, open, rename, stat, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'

export interface AtomicWriteOptions {
  /** File mode of the new file (default 0600: murmur's files are private). */
  mode?: number
  /** Runs just before the rename; a throw leaves the target untouched. */
  check?: () => Promise<void>
}

export async function writeFileAtomically (path: string, contents: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600
  const tmp = `${path}.${process.pid}.tmp`
  const handle = await open(tmp, 'w', mode)
  try {
    try {
      await handle.writeFile(contents)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await chmod(tmp, mode) // the umask may have narrowed, never widened, but be explicit
    await options.check?.()
    await rename(tmp, path)
  } catch (err) {
    // Also after a failed write (a full disk): a partial temporary file would hold the space
    // the next attempt needs, and stay behind beside the target.
    await unlink(tmp).catch(() => {})
    throw err
  }
  await syncFolder(dirname(path))
}

/** fsync of a folder, so that a rename or a removal in it survives a crash. */
export async function syncFolder (folder: string): Promise<void> {
  const handle = await open(folder, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** True when `path` exists; errors other than "no such file" are thrown. */
export async function pathExists (path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}
