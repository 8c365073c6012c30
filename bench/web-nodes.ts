/**
 * Real `murmur start` processes for the web benchmark (dist/cli/murmur.js, as a user runs
 * them), each in a temporary home on 127.0.0.1, with a small client of their local API.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BenchmarkCheckError, repoRoot } from './harness.js'

export interface BenchNode {
  name: string
  home: string
  peerId: string
  address: string
  api: string
  token: string
  call: <T = unknown>(method: string, params?: Record<string, unknown>) => Promise<T>
  stop: () => Promise<void>
}

const START_TIMEOUT_MS = 30_000
// Homes are encrypted at rest, as a user's are by default (docs/store.md); the passphrase
// reaches init and start through the environment, as a script would give it.
const NODE_ENV = { ...process.env, MURMUR_PASSPHRASE: 'web benchmark passphrase' }

/** Runs `murmur <args>` (dist/cli/murmur.js) to completion; its stdout, or BenchmarkCheckError with its stderr. */
export async function runCli (args: string[]): Promise<string> {
  const cli = join(repoRoot(), 'dist/cli/murmur.js')
  return await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: NODE_ENV })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve(out)
      else reject(new BenchmarkCheckError(`murmur ${args[0]} failed: ${err}`))
    })
  })
}

export async function startBenchNode (name: string, bootstrap?: string): Promise<BenchNode> {
  const dir = await mkdtemp(join(tmpdir(), `murmur-bench-web-${name}-`))
  const home = join(dir, 'home')
  await runCli(['init', '--home', home, '--name', name, '--json'])
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot(), 'dist/cli/murmur.js'), 'start', '--home', home, '--json',
    '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--no-mdns',
    ...(bootstrap !== undefined ? ['--bootstrap', bootstrap] : [])], { stdio: ['ignore', 'pipe', 'pipe'], env: NODE_ENV })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  const exited = new Promise<void>(resolve => child.on('exit', () => { resolve() }))
  const deadline = Date.now() + START_TIMEOUT_MS
  while (!out.includes('"event":"started"')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new BenchmarkCheckError(`murmur start ${name} did not start`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
  const started = JSON.parse(out.split('\n')[0]) as { peerId: string, addresses: string[], api: string }
  const token = (await readFile(join(home, 'api.token'), 'utf8')).trim()
  let id = 1
  return {
    name,
    home,
    peerId: started.peerId,
    address: started.addresses[0],
    api: started.api,
    token,
    call: async <T>(method: string, params: Record<string, unknown> = {}): Promise<T> => {
      const res = await fetch(`http://${started.api}/rpc`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: id++, method, params }),
        signal: AbortSignal.timeout(60_000)
      })
      const body = await res.json() as { result?: T, error?: { message: string } }
      if (body.error !== undefined) throw new BenchmarkCheckError(`${method}: ${body.error.message}`)
      return body.result as T
    },
    stop: async () => {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
      await rm(dir, { recursive: true, force: true })
    }
  }
}
