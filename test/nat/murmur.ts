/**
 * Real `murmur start` processes inside the testbed's namespaces (test/nat/testbed.ts), and the
 * CLI commands that talk to them. `murmur init` needs no network, so it runs through the
 * end-to-end helpers (test/e2e) like every other test's; `start` and the commands that reach
 * its local API (on 127.0.0.1 of its namespace) run inside the host's namespace.
 */
import type { ChildProcess } from 'node:child_process'
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
