/**
 * The home lock (docs/store.md, "Lock"). LevelDB's own LOCK file is the authority: the OS
 * releases it when the holder dies, so a stale pid file can never block an open. The pid
 * file next to the store only serves to name the holder in HomeInUseError.
 */
import { randomBytes } from 'node:crypto'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'

/** `<store path>.pid`: e.g. <home>/store.pid next to <home>/store. */
export function pidFilePath (storePath: string): string {
  return storePath.replace(/[\\/]+$/, '') + '.pid'
}

/** The pid in a pid file: ASCII decimal, optionally followed by a newline. */
export async function readPidFile (file: string): Promise<number | undefined> {
  try {
    const text = (await readFile(file, 'utf8')).trim()
    if (!/^[0-9]{1,10}$/.test(text)) return undefined
    const pid = Number.parseInt(text, 10)
    return pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** Written to a temporary name and renamed, so a reader never sees a partial file. */
export async function writePidFile (file: string, pid = process.pid): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(tmp, `${pid}\n`, { mode: 0o644 })
  await rename(tmp, file)
}

/** Removes the pid file if it still names `pid`, leaving a successor's file alone. */
export async function removePidFile (file: string, pid = process.pid): Promise<void> {
  if (await readPidFile(file) === pid) await rm(file, { force: true })
}

/** classic-level reports a held lock as LEVEL_DATABASE_NOT_OPEN with a LEVEL_LOCKED cause. */
export function isLockedError (err: unknown): boolean {
  const e = err as { code?: unknown, cause?: { code?: unknown } } | null
  return e?.code === 'LEVEL_LOCKED' || e?.cause?.code === 'LEVEL_LOCKED'
}
