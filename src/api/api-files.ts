/**
 * The two files a running node leaves in its home (DESIGN.md "Local API and CLI"):
 * api.address (host:port) and api.token (mode 0600). Apart from token.ts so that a client,
 * which only reads them, does not load node:crypto (every CLI command pays for what it loads).
 */
import { chmod, open, readFile, unlink } from 'node:fs/promises'
import { homePath } from '../messenger/home.js'

async function writePrivateFile (path: string, contents: string): Promise<void> {
  // Created 0600 from the start (not chmod after writing), so the token is never readable by others.
  const handle = await open(path, 'w', 0o600)
  try {
    await handle.writeFile(contents)
  } finally {
    await handle.close()
  }
  await chmod(path, 0o600) // an existing file keeps its old mode on open(); narrow it
}

/** Writes api.token, then api.address: a client that finds the address also finds the token. */
export async function writeApiFiles (home: string, address: string, token: string): Promise<void> {
  await writePrivateFile(homePath(home, 'apiToken'), token + '\n')
  await writePrivateFile(homePath(home, 'apiAddress'), address + '\n')
}

export async function removeApiFiles (home: string): Promise<void> {
  for (const file of ['apiAddress', 'apiToken'] as const) {
    await unlink(homePath(home, file)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err
    })
  }
}

export interface ApiFiles {
  address: string
  token: string
}

/** Reads api.address and api.token; undefined when either is missing (no node running). */
export async function readApiFiles (home: string): Promise<ApiFiles | undefined> {
  try {
    const address = (await readFile(homePath(home, 'apiAddress'), 'utf8')).trim()
    const token = (await readFile(homePath(home, 'apiToken'), 'utf8')).trim()
    if (address === '' || token === '') return undefined
    return { address, token }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}
