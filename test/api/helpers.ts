/**
 * Helpers for the API tests: real murmur nodes (createMurmur, real LevelDB, libp2p on
 * 127.0.0.1) in temporary homes, served by startDaemon exactly as `murmur start` serves them.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDaemon, type Daemon } from '../../src/api/daemon.js'
import { createMurmur } from '../../src/messenger/index.js'
import { initHome } from '../../src/messenger/offline.js'
import { homePath } from '../../src/messenger/home.js'
import { freePort } from '../e2e/cli-helpers.js'

export interface TestNode {
  home: string
  daemon: Daemon
  token: string
  url: string
  cleanup: () => Promise<void>
}

export async function tempDir (): Promise<{ dir: string, cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'murmur-api-'))
  return { dir, cleanup: async () => { await rm(dir, { recursive: true, force: true }) } }
}

export async function startTestNode (options: { bootstrap?: string[], api?: string } = {}): Promise<TestNode> {
  const { dir, cleanup } = await tempDir()
  const home = join(dir, 'home')
  await initHome(home, { noPassphrase: true })
  const daemon = await startDaemon({
    home,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    ...(options.bootstrap !== undefined ? { bootstrap: options.bootstrap } : {}),
    // Never the default port (every daemon asks for it first): a test node that restarts on its
    // own port must find it free, whatever another test file started meanwhile.
    api: options.api ?? `127.0.0.1:${await freePort()}`
  }, createMurmur)
  const token = (await readFile(homePath(home, 'apiToken'), 'utf8')).trim()
  return {
    home,
    daemon,
    token,
    url: `http://${daemon.api.address}`,
    cleanup: async () => {
      await daemon.stop().catch(() => {})
      await cleanup()
    }
  }
}

/** Calls a method over raw HTTP; token null sends no Authorization header. */
export async function rpc (node: TestNode, method: string, params?: unknown, token: string | null = node.token): Promise<{ status: number, body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${node.url}/rpc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token !== null ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, ...(params !== undefined ? { params } : {}) }),
    signal: AbortSignal.timeout(20_000)
  })
  const text = await res.text()
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) }
}
