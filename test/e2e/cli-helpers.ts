/**
 * Runs the built murmur command (dist/cli/murmur.js) as a real process. `npm test` builds
 * first; these tests exercise exactly what a user runs.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { vi } from 'vitest'
import { ApiClient } from '../../src/api/client.js'

export const CLI = resolve(import.meta.dirname, '../../dist/cli/murmur.js')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export async function runCli (args: string[], options: { env?: NodeJS.ProcessEnv, input?: string, timeoutMs?: number } = {}): Promise<CliResult> {
  return await new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`murmur ${args.join(' ')} timed out; stderr: ${stderr}`))
    }, options.timeoutMs ?? 30_000)
    child.on('error', reject)
    // A command may exit before it has read all its input (e.g. a message over the limit).
    child.stdin.on('error', () => {})
    child.on('close', (code) => {
      clearTimeout(timer)
      resolvePromise({ code, stdout, stderr })
    })
    child.stdin.end(options.input ?? '')
  })
}

export async function tempHome (prefix = 'murmur-e2e-'): Promise<{ home: string, cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  return { home: join(dir, 'home'), cleanup: async () => { await rm(dir, { recursive: true, force: true }) } }
}

/**
 * A TCP port free on 127.0.0.1 right now, for a node that must come back on the same one. It
 * is below Linux's ephemeral range (32768 and up) and away from DEFAULT_API_PORT: a port the OS
 * picked, or the default one, may be taken by another test file's socket or node while this
 * node restarts (every daemon tries DEFAULT_API_PORT first); no socket gets a port from this
 * range unless it asks for it.
 */
export async function freePort (): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer()
      server.once('error', () => { resolve(false) })
      server.listen(port, '127.0.0.1', () => { server.close(() => { resolve(true) }) })
    })
    if (free) return port
  }
  throw new Error('no free port found between 20000 and 32000')
}

/** `murmur <args> --home <home> --json`, parsed; throws (failing the test) on a non-zero exit. */
export async function cliJson<T> (home: string, args: string[], options: { env?: NodeJS.ProcessEnv, timeoutMs?: number } = {}): Promise<T> {
  const result = await runCli([...args, '--home', home, '--json'], options)
  if (result.code !== 0) throw new Error(`murmur ${args.join(' ')} exited ${String(result.code)}: ${result.stderr}`)
  return JSON.parse(result.stdout) as T
}

/** A read of the node's API from this process, bounded by `timeoutMs`. */
type ApiRead = (client: ApiClient, timeoutMs: number) => Promise<unknown>

/**
 * The API call whose result `murmur <args> --json` prints as it is (the read commands: history,
 * lookup, status; docs/api.md), or undefined for any other command line.
 */
function apiReadOf (args: string[]): ApiRead | undefined {
  const [command, operand, ...rest] = args
  if (command === 'status' && args.length === 1) return async (client, timeoutMs) => await client.call('status', {}, { timeoutMs })
  if (command === 'lookup' && operand !== undefined && rest.length === 0) return async (client, timeoutMs) => await client.call('lookup', { peer: operand }, { timeoutMs })
  if (command !== 'history' || operand === undefined) return undefined
  if (rest.length === 0) return async (client, timeoutMs) => await client.call('history', { to: operand }, { timeoutMs })
  if (rest.length === 2 && rest[0] === '--limit') return async (client, timeoutMs) => await client.call('history', { to: operand, limit: Number(rest[1]) }, { timeoutMs })
  return undefined
}

/**
 * Waits until `murmur <args> --json` gives a value for which `done` holds (vitest's vi.waitFor),
 * at most `timeoutMs`: a condition, not a fixed sleep. For the read commands (apiReadOf) it polls
 * the node's API from this process, the call the command makes, and runs the command once the
 * condition holds, returning what the command printed (which must hold too): one process per
 * wait instead of one every 300 ms, each 0.1-0.3 s of CPU (test/cpu-log.ts: the suite is bound by
 * CPU, most of it in the processes it starts).
 */
export async function untilCli<T> (home: string, args: string[], done: (value: T) => boolean, what: string, timeoutMs = 40_000): Promise<T> {
  const read = apiReadOf(args)
  return await vi.waitFor(async () => {
    if (read !== undefined) {
      const polled = await read(await ApiClient.connect(home), Math.min(timeoutMs, 20_000)) as T
      if (!done(polled)) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(polled)}`)
    }
    const value = await cliJson<T>(home, args)
    if (!done(value)) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`)
    return value
  }, { timeout: timeoutMs, interval: read !== undefined ? 100 : 300 })
}
