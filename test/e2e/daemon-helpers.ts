/**
 * Runs `murmur start` as a real process for the end-to-end tests, and the small waits they
 * need. Every process started here is tracked so that afterAll can kill what is left.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { vi } from 'vitest'
import { ApiClient } from '../../src/api/client.js'
import type { MethodName, MethodParams, MethodResult } from '../../src/api/methods.js'
import { initHome } from '../../src/messenger/offline.js'
import { CLI, runCli, tempHome } from './cli-helpers.js'

export interface RunningNode {
  home: string
  peerId: string
  addresses: string[]
  api: string
  /** The web app's one-time sign-in URL printed at start (http://host:port/#code=...). */
  webSignIn: string
  process: ChildProcessWithoutNullStreams
  stdout: () => string
  stderr: () => string
  /** Sends a signal and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

const live = new Set<ChildProcessWithoutNullStreams>()

/** Kills every process still running (afterAll; also after a failed test). */
export function killAll (): void {
  for (const child of live) child.kill('SIGKILL')
  live.clear()
}


export function spawnCli (args: string[], options: { env?: NodeJS.ProcessEnv } = {}): { child: ChildProcessWithoutNullStreams, stdout: () => string, stderr: () => string, exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] })
  live.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => { live.delete(child); resolve(code) })
  })
  return { child, stdout: () => stdout, stderr: () => stderr, exited }
}

/**
 * A new identity in a new temporary home (with an optional display name), without a passphrase
 * unless `passphraseFile` is given: tests about something else need not pay for scrypt. Without
 * a passphrase the home is made in this process, by what `murmur init --no-passphrase` runs
 * (initHome; cli/commands/identity.ts), not by a `murmur init` process: one costs 0.25-0.36
 * CPU-s, most of it Node and the module loader starting, for ~30 ms of work (test/cpu-log.ts).
 * The init command itself is tested as a process (test/e2e/identity.test.ts, newcomer, backup),
 * and with a passphrase file it runs here as one too (test/e2e/at-rest.test.ts).
 */
export async function initNode (name?: string, options: { passphraseFile?: string } = {}): Promise<{ home: string, peerId: string, cleanup: () => Promise<void> }> {
  const { home, cleanup } = await tempHome()
  if (options.passphraseFile === undefined) {
    await mkdir(home, { recursive: true, mode: 0o700 })
    const { peerId } = await initHome(home, { noPassphrase: true }, name !== undefined ? { name } : {})
    return { home, peerId, cleanup }
  }
  const init = await runCli(['init', '--home', home, '--json', '--passphrase-file', options.passphraseFile, ...(name !== undefined ? ['--name', name] : [])])
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`)
  return { home, peerId: JSON.parse(init.stdout).peerId, cleanup }
}

/** Starts `murmur start --json` on 127.0.0.1 (random ports, no mDNS) and waits until it serves. */
export async function startNode (home: string, extraArgs: string[] = [], options: { env?: NodeJS.ProcessEnv, timeoutMs?: number } = {}): Promise<RunningNode> {
  const { child, stdout, stderr, exited } = spawnCli(['start', '--home', home, '--json', '--listen', '/ip4/127.0.0.1/tcp/0',
    '--no-mdns', ...extraArgs], options.env !== undefined ? { env: options.env } : {})
  let code: number | null | undefined
  void exited.then(c => { code = c })
  // vi.waitFor, not expect.poll: this runs in beforeAll hooks too.
  await vi.waitFor(() => {
    if (!stdout().includes('"event":"started"') && code === undefined) throw new Error(`timed out waiting for murmur start in ${home}`)
  }, { timeout: options.timeoutMs ?? 15_000, interval: 25 })
  if (code !== undefined) throw new Error(`murmur start exited ${code}: ${stderr()}`)
  const started = JSON.parse(stdout().split('\n')[0])
  return {
    home,
    peerId: started.peerId,
    addresses: started.addresses,
    api: started.api,
    webSignIn: started.webSignIn,
    process: child,
    stdout,
    stderr,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      const result = await exited
      clearTimeout(timer)
      return result
    }
  }
}

export function apiTokenPath (home: string): string {
  return join(home, 'api.token')
}

/**
 * One call to a running node's local JSON-RPC API (docs/api.md), through the API client the CLI
 * uses, with the token of its home: what `murmur send` does, without starting a CLI process per
 * call. Resolves with the result; throws the error the node answered.
 */
export async function callApi<M extends MethodName> (node: Pick<RunningNode, 'home'>, method: M, params: MethodParams<M>, timeoutMs = 20_000): Promise<MethodResult<M>> {
  const client = await ApiClient.connect(node.home)
  return await client.call(method, params, { timeoutMs })
}

/**
 * Waits until `method` of a running node's API gives a value for which `done` holds (vi.waitFor,
 * every 100 ms), at most `timeoutMs`: for waits whose subject is not the CLI (untilCli runs the
 * command once at the end; here no process at all). Resolves with that value.
 */
export async function untilApi<M extends MethodName> (node: Pick<RunningNode, 'home'>, method: M, params: MethodParams<M>, done: (value: MethodResult<M>) => boolean, what: string, timeoutMs = 40_000): Promise<MethodResult<M>> {
  return await vi.waitFor(async () => {
    const value = await callApi(node, method, params, Math.min(timeoutMs, 20_000))
    if (!done(value)) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`)
    return value
  }, { timeout: timeoutMs, interval: 100 })
}
