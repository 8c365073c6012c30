/**
 * Signal's libsignal-client as a benchmark peer: bench/peers/libsignal/run.mjs in a child
 * process, driven run by run over stdin/stdout (its --serve mode), so that its runs alternate
 * with murmur's and a node / libsignal ratio sees the same machine load on both sides.
 *
 * The library is AGPL-3.0 and ~150 MB: it is never a dependency of murmur, only installed on
 * demand into its own folder (git-ignored node_modules) for this comparison. Any failure (no
 * registry, no prebuilt binary for this platform, a crash) becomes `{ error }` in the results
 * and the rest of the benchmark goes on.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { repoRoot, type Prepare } from '../harness.js'

export type LibsignalWorkload = 'burst' | 'pingpong' | 'establish'

/** The peer failed: it could not be installed or started, or it answered with an error. */
export class LibsignalPeerError extends Error {
  static override name = 'LibsignalPeerError'
  constructor (message: string) {
    super(message)
    this.name = 'LibsignalPeerError'
  }
}

const INSTALL_TIMEOUT_MS = 10 * 60_000
/** Longest a single request may take: a prepare of establish makes a few hundred prekeys. */
const REQUEST_TIMEOUT_MS = 120_000

function peerDir (): string {
  return join(repoRoot(), 'bench', 'peers', 'libsignal')
}

function isInstalled (): boolean {
  return existsSync(join(peerDir(), 'node_modules', '@signalapp', 'libsignal-client', 'package.json'))
}

function message (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** `npm install --prefix bench/peers/libsignal` when the library is missing. */
async function ensureInstalled (log: (line: string) => void): Promise<void> {
  if (isInstalled()) return
  log('installing @signalapp/libsignal-client into bench/peers/libsignal (benchmark only) ...')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const { code, stderr } = await new Promise<{ code: number | null, stderr: string }>((resolve, reject) => {
    const child = spawn(npm, ['install', '--prefix', peerDir(), '--no-audit', '--no-fund'], {
      cwd: peerDir(),
      stdio: ['ignore', 'ignore', 'pipe'],
      signal: AbortSignal.timeout(INSTALL_TIMEOUT_MS),
      shell: process.platform === 'win32'
    })
    let err = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk })
    child.on('error', reject)
    child.on('close', (exit) => { resolve({ code: exit, stderr: err }) })
  }).catch((err: unknown) => ({ code: -1, stderr: message(err) }))
  if (code !== 0 || !isInstalled()) {
    throw new LibsignalPeerError(`npm install failed (exit ${String(code)}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`)
  }
}

interface Reply { id: number | null, error?: string, version?: string }

/** A running peer process. Requests are answered in order, one JSON line each. */
export class LibsignalPeer {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (reply: Reply) => void, reject: (err: Error) => void }>()
  private exitError: LibsignalPeerError | undefined
  version = 'unknown'

  private constructor (private readonly child: ChildProcessWithoutNullStreams, log: (line: string) => void) {
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => { this.onLine(line) })
    createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => { if (line.trim() !== '') log(line) })
    child.on('error', (err) => { this.failAll(new LibsignalPeerError(`libsignal peer: ${err.message}`)) })
    // A peer that died leaves a broken pipe: EPIPE on the next write, reported as its failure.
    child.stdin.on('error', (err) => { this.failAll(new LibsignalPeerError(`libsignal peer: ${err.message}`)) })
    child.on('exit', (code) => { this.failAll(new LibsignalPeerError(`libsignal peer exited (${String(code)})`)) })
  }

  /** Installs the library if needed, starts the peer and checks that it loads. */
  static async start (options: { size: number, log: (line: string) => void }): Promise<LibsignalPeer> {
    await ensureInstalled(options.log)
    const child = spawn(process.execPath, [join(peerDir(), 'run.mjs'), '--serve', '--size', String(options.size)], {
      cwd: peerDir(),
      stdio: ['pipe', 'pipe', 'pipe']
    })
    const peer = new LibsignalPeer(child, options.log)
    try {
      const hello = await peer.request({ op: 'hello' })
      peer.version = hello.version ?? 'unknown'
    } catch (err) {
      peer.close()
      throw err
    }
    return peer
  }

  private onLine (line: string): void {
    let reply: Reply
    try {
      reply = JSON.parse(line) as Reply
    } catch {
      this.failAll(new LibsignalPeerError(`libsignal peer wrote something that is not JSON: ${line.slice(0, 200)}`))
      return
    }
    // Standalone-mode failures ({ error } with no id) end everything in flight.
    const entry = reply.id === null ? undefined : this.pending.get(reply.id)
    if (entry === undefined) {
      this.failAll(new LibsignalPeerError(reply.error ?? `unexpected reply from the libsignal peer: ${line.slice(0, 200)}`))
      return
    }
    this.pending.delete(reply.id as number)
    if (reply.error !== undefined) entry.reject(new LibsignalPeerError(reply.error.split('\n')[0]))
    else entry.resolve(reply)
  }

  private failAll (err: LibsignalPeerError): void {
    this.exitError ??= err
    for (const { reject } of this.pending.values()) reject(err)
    this.pending.clear()
  }

  private async request (body: Record<string, unknown>): Promise<Reply> {
    if (this.exitError !== undefined) throw this.exitError
    const id = this.nextId++
    const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS)
    return await new Promise<Reply>((resolve, reject) => {
      const onAbort = (): void => {
        this.pending.delete(id)
        reject(new LibsignalPeerError(`libsignal peer did not answer ${String(body.op)} within ${REQUEST_TIMEOUT_MS} ms`))
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.pending.set(id, {
        resolve: (reply) => { signal.removeEventListener('abort', onAbort); resolve(reply) },
        reject: (err) => { signal.removeEventListener('abort', onAbort); reject(err) }
      })
      this.child.stdin.write(JSON.stringify({ id, ...body }) + '\n')
    })
  }

  /**
   * A harness workload run by the peer: prepare makes the inputs of n operations there (not
   * timed), the batch asks it to run them. A reply costs far less than a millisecond, against
   * runs of hundreds.
   */
  workload (name: LibsignalWorkload): Prepare {
    return async (n) => {
      await this.request({ op: 'prepare', workload: name, n })
      return async () => { await this.request({ op: 'run' }) }
    }
  }

  close (): void {
    this.child.stdin.end()
    if (this.child.exitCode === null) this.child.kill()
  }
}

/** Starts the peer, or returns why it could not. */
export async function startLibsignal (options: { size: number, log: (line: string) => void }): Promise<LibsignalPeer | { error: string }> {
  try {
    return await LibsignalPeer.start(options)
  } catch (err) {
    return { error: message(err) }
  }
}
