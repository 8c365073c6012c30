/**
 * Real `murmur start` processes inside the testbed's namespaces (test/nat/testbed.ts), and the
 * CLI commands that talk to them. `murmur init` needs no network, so it runs through the
 * end-to-end helpers (test/e2e) like every other test's; `start` and the commands that reach
 * its local API (on 127.0.0.1 of its namespace) run inside the host's namespace.
 */
import type { ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { CLI } from '../e2e/cli-helpers.js'
import { initNode } from '../e2e/daemon-helpers.js'
import type { HostName, Testbed } from './testbed.js'

export interface MurmurHost {
  name: string
  host: HostName
  home: string
  peerId: string
  /** Every JSON line `murmur start --json` printed so far. */
  events: () => Array<Record<string, unknown>>
  stderr: () => string
  process: ChildProcess
  /** Runs `murmur <args> --home <home> --json` in the host's namespace; parsed stdout. */
  cli: (args: string[], options?: { timeoutMs?: number }) => Promise<{ exitCode: number, json: any, stderr: string }> // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed CLI JSON, checked by each test
  /**
   * Sends `texts` to `to` one after the other, each once the node has answered the one before
   * (as `murmur send` does), through the node's local API from one process in the host's
   * namespace: a `murmur send` process per text costs a process start-up each. Resolves with
   * the messages as the node returned them.
   */
  sendAll: (to: string, texts: string[], options?: { timeoutMs?: number }) => Promise<Array<{ id: string, state: string }>>
  /** Resolves with the first event the predicate accepts (or fails after timeoutMs). */
  waitForEvent: (what: string, predicate: (e: Record<string, unknown>) => boolean, timeoutMs?: number) => Promise<Record<string, unknown>>
  stop: () => Promise<number | null>
  cleanup: () => Promise<void>
}

export interface StartOptions {
  name: string
  bootstrap?: string[]
  /** Extra `murmur start` arguments. */
  args?: string[]
  /** An existing home (a restart); default a new one made by `murmur init`. */
  home?: { home: string, peerId: string, cleanup: () => Promise<void> }
  /** Extra environment (e.g. DEBUG for a failing test). */
  env?: NodeJS.ProcessEnv
}

/** The multiaddr of `m`'s TCP listener as seen at `address` (its host's address in the testbed). */
export function tcpAddress (address: string, m: MurmurHost): string {
  return `/ip4/${address}/tcp/4455/p2p/${m.peerId}`
}

/** The built API client the CLI uses (`npm test` builds first). */
const API_CLIENT = resolve(import.meta.dirname, '../../dist/src/api/client.js')

/** sendAll's script: argv = client module, home, recipient; stdin = the texts as JSON. */
const SEND_ALL = `
const [clientModule, home, to] = process.argv.slice(1)
const { ApiClient } = await import(clientModule)
let input = ''
for await (const chunk of process.stdin) input += chunk
const client = await ApiClient.connect(home)
const sent = []
for (const text of JSON.parse(input)) sent.push(await client.call('send', { to, text }))
process.stdout.write(JSON.stringify(sent))
`

export async function startMurmur (tb: Testbed, host: HostName, options: StartOptions): Promise<MurmurHost> {
  const made = options.home ?? await initNode(options.name)
  const args = [CLI, 'start', '--home', made.home, '--json', '--no-mdns',
    ...(options.bootstrap ?? []).flatMap(b => ['--bootstrap', b]), ...(options.args ?? [])]
  const child = tb.spawn(host, process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } })
  const events: Array<Record<string, unknown>> = []
  const waiters: Array<() => void> = []
  let buffered = ''
  let stderr = ''
  let exitCode: number | null | undefined
  const exited = new Promise<number | null>(resolve => {
    child.on('exit', (code) => { exitCode = code; resolve(code); for (const w of waiters.splice(0)) w() })
  })
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines) {
      if (line.trim() === '') continue
      try { events.push(JSON.parse(line)) } catch { events.push({ event: 'text', line }) }
    }
    for (const w of waiters.splice(0)) w()
  })
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })

  const waitForEvent = async (what: string, predicate: (e: Record<string, unknown>) => boolean, timeoutMs = 30_000): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + timeoutMs
    while (true) {
      const found = events.find(predicate)
      if (found != null) return found
      if (exitCode !== undefined) throw new Error(`${options.name} exited (${exitCode}) while waiting for ${what}: ${stderr}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`${options.name}: timed out waiting for ${what}; events: ${JSON.stringify(events.slice(-5))}; stderr: ${stderr.slice(-2000)}`)
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left)
        waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
  }

  const started = await waitForEvent('start', e => e.event === 'started')
  const m: MurmurHost = {
    name: options.name,
    host,
    home: made.home,
    peerId: started.peerId as string,
    events: () => events,
    stderr: () => stderr,
    process: child,
    cli: async (cliArgs, cliOptions = {}) => {
      const result = await tb.exec(host, process.execPath, [CLI, ...cliArgs, '--home', made.home, '--json'], {
        timeoutMs: cliOptions.timeoutMs ?? 30_000, allowFailure: true, env: process.env
      })
      let json: unknown
      try { json = JSON.parse(result.stdout) } catch { json = undefined }
      return { exitCode: result.exitCode ?? -1, json, stderr: result.stderr }
    },
    sendAll: async (to, texts, sendOptions = {}) => {
      const result = await tb.exec(host, process.execPath, ['--input-type=module', '-e', SEND_ALL, API_CLIENT, made.home, to], {
        input: JSON.stringify(texts), timeoutMs: sendOptions.timeoutMs ?? 120_000, env: process.env
      })
      return JSON.parse(result.stdout)
    },
    waitForEvent,
    stop: async () => {
      if (exitCode !== undefined) return exitCode
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      const code = await exited
      clearTimeout(timer)
      return code
    },
    cleanup: made.cleanup
  }
  return m
}
