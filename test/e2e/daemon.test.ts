import { spawn } from 'node:child_process'
import { access, readFile, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ExitCode } from '../../src/errors/exit-codes.js'
import { CLI, runCli } from './cli-helpers.js'
import { initNode, killAll, startNode, type RunningNode } from './daemon-helpers.js'

async function exists (path: string): Promise<boolean> {
  return await access(path).then(() => true, () => false)
}

const NO_STACK = /\n\s+at /
/** A preload that has `murmur start` send itself SIGTERM as it writes `started`. */
const STOP_AT_STARTED = resolve(import.meta.dirname, 'fixtures/stop-at-started.mjs')

describe('murmur start / stop (real processes)', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    killAll()
    await Promise.all(cleanups.map(async c => { await c() }))
  })

  it('writes api.address and a 0600 api.token while running, removes them on SIGTERM, exits 0; a second start is a CONFLICT', async () => {
    const { home, cleanup } = await initNode('alice')
    cleanups.push(cleanup)
    const node = await startNode(home)
    expect(node.peerId).toMatch(/^12D3KooW/)
    expect(node.addresses.some(a => a.startsWith('/ip4/127.0.0.1/tcp/'))).toBe(true)
    expect((await readFile(join(home, 'api.address'), 'utf8')).trim()).toBe(node.api)
    expect(node.api).toMatch(/^127\.0\.0\.1:\d+$/)
    expect((await stat(join(home, 'api.token'))).mode & 0o777).toBe(0o600)
    expect((await readFile(join(home, 'api.token'), 'utf8')).trim()).toMatch(/^[A-Za-z0-9_-]{43}$/)

    const second = await runCli(['start', '--home', home, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'])
    expect(second.code).toBe(ExitCode.CONFLICT)
    expect(second.stderr).toContain(`this home is in use by a running node, pid ${node.process.pid}`)
    expect(second.stderr).not.toMatch(NO_STACK)
    // The refused start left the running node's files alone.
    expect((await readFile(join(home, 'api.address'), 'utf8')).trim()).toBe(node.api)
    const status = await runCli(['status', '--home', home, '--json'])
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout).peerId).toBe(node.peerId)

    expect(await node.stop('SIGTERM')).toBe(0)
    expect(node.stdout()).toContain('"event":"stopped"')
    expect(await exists(join(home, 'api.address'))).toBe(false)
    expect(await exists(join(home, 'api.token'))).toBe(false)

    const after = await runCli(['status', '--home', home])
    expect(after.code).toBe(ExitCode.NOT_RUNNING)
    expect(after.stderr).toContain(`no murmur node is running for ${home}; start one with \`murmur start\``)
  })

  it('a SIGTERM the moment `started` is written still stops the node cleanly: exit 0 and `stopped`, not death by the signal', async () => {
    const { home, cleanup } = await initNode('dana')
    cleanups.push(cleanup)
    const child = spawn(process.execPath, ['--import', STOP_AT_STARTED, CLI, 'start', '--home', home, '--json', '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    const exit = await new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => { child.on('exit', (code, signal) => { resolve({ code, signal }) }) })
    clearTimeout(timer)
    expect(exit).toEqual({ code: 0, signal: null })
    expect(stdout).toContain('"event":"started"')
    expect(stdout).toContain('"event":"stopped"')
    expect(await exists(join(home, 'api.address'))).toBe(false)
  })

  it('start without an identity says to run murmur init (NOT_FOUND); a remote --api needs --api-allow-remote (USAGE)', async () => {
    const { home, cleanup } = await initNode()
    cleanups.push(cleanup)
    const empty = join(home, 'nothing-here')
    const none = await runCli(['start', '--home', empty, '--no-mdns'])
    expect(none.code).toBe(ExitCode.NOT_FOUND)
    expect(none.stderr).toMatch(/murmur init/)
    const remote = await runCli(['start', '--home', home, '--api', '0.0.0.0:0', '--no-mdns'])
    expect(remote.code).toBe(ExitCode.USAGE)
    expect(remote.stderr).toMatch(/--api-allow-remote/)
    expect(await exists(join(home, 'api.address'))).toBe(false)
  })
})

describe('API and CLI refusals against one running node', () => {
  let node: RunningNode
  let token: string
  let friend: string
  const cleanups: Array<() => Promise<void>> = []

  beforeAll(async () => {
    const [me, other] = await Promise.all([initNode('solo'), initNode('friend')])
    cleanups.push(me.cleanup, other.cleanup)
    friend = other.peerId
    node = await startNode(me.home)
    token = (await readFile(join(me.home, 'api.token'), 'utf8')).trim()
    const add = await runCli(['contacts', 'add', 'friend', friend, '--home', me.home])
    expect(add.code).toBe(0)
  })
  afterAll(async () => {
    killAll()
    await Promise.all(cleanups.map(async c => { await c() }))
  })

  async function rpc (body: unknown, auth: string | null = token): Promise<{ status: number, json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await fetch(`http://${node.api}/rpc`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(auth !== null ? { Authorization: `Bearer ${auth}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000)
    })
    const text = await res.text()
    return { status: res.status, json: text === '' ? undefined : JSON.parse(text) }
  }

  it('no token or a wrong token: 401; unknown method: -32601; bad params: -32602 with a message; nothing changes', async () => {
    const add = { jsonrpc: '2.0', id: 7, method: 'contacts.add', params: { name: 'eve', peerId: friend } }
    expect((await rpc(add, null)).status).toBe(401)
    expect((await rpc(add, 'x'.repeat(43))).status).toBe(401)
    const unknown = await rpc({ jsonrpc: '2.0', id: 8, method: 'contacts.nuke', params: {} })
    expect(unknown.json).toMatchObject({ id: 8, error: { code: -32601 } })
    const bad = await rpc({ jsonrpc: '2.0', id: 9, method: 'contacts.rename', params: { contact: 'friend' } })
    expect(bad.json.error.code).toBe(-32602)
    expect(bad.json.error.message).toMatch(/newName/)
    const list = await runCli(['contacts', 'list', '--home', node.home, '--json'])
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ name: 'friend', peerId: friend })])
  })

  it('malformed peer ID, unknown contact, empty message, 1 MiB message: a clear line and the documented exit code', async () => {
    const badPeer = await runCli(['contacts', 'add', 'x', '12D3KooWnope', '--home', node.home])
    expect(badPeer.code).toBe(ExitCode.USAGE)
    expect(badPeer.stderr).toMatch(/^murmur: .*peer ID/i)
    expect(badPeer.stderr).not.toMatch(NO_STACK)

    const unknown = await runCli(['send', 'nobody', 'hi', '--home', node.home])
    expect(unknown.code).toBe(ExitCode.NOT_FOUND)
    expect(unknown.stderr).toMatch(/^murmur: /)
    const unknownJson = await runCli(['send', 'nobody', 'hi', '--home', node.home, '--json'])
    expect(JSON.parse(unknownJson.stderr).error).toMatchObject({ name: 'ContactNotFoundError', exitCode: ExitCode.NOT_FOUND })

    const empty = await runCli(['send', 'friend', '', '--home', node.home])
    expect(empty.code).toBe(ExitCode.USAGE)
    expect(empty.stderr).toMatch(/^murmur: .*empty/i)

    const huge = await runCli(['send', 'friend', '-', '--home', node.home, '--json'], { input: 'a'.repeat(1024 * 1024) })
    expect(huge.code).toBe(ExitCode.USAGE)
    const error = JSON.parse(huge.stderr).error
    expect(error.name).toBe('InvalidMessageTextError')
    expect(error.message).toMatch(/65536|64 KiB/)

    const limit = await runCli(['history', 'friend', '--limit', '0', '--home', node.home])
    expect(limit.code).toBe(ExitCode.USAGE)

    const inbox = await runCli(['inbox', '--home', node.home, '--json'])
    expect(JSON.parse(inbox.stdout)).toEqual([])
  })

  it('commands without a running node say how to start one (NOT_RUNNING)', async () => {
    const { home, cleanup } = await initNode()
    cleanups.push(cleanup)
    for (const args of [['status'], ['contacts', 'list'], ['send', 'friend', 'hi'], ['history', 'friend'], ['inbox']]) {
      const r = await runCli([...args, '--home', home])
      expect(r.code).toBe(ExitCode.NOT_RUNNING)
      expect(r.stderr).toMatch(/no murmur node is running for .*; start one with `murmur start`/)
    }
  })
})
