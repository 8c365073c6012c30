/**
 * Drives test/nat/tcp-probe.mjs inside a testbed: an echo server to connect to, one-shot
 * connects, and TCP simultaneous opens. Every result is what real sockets reported.
 */
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { resolve } from 'node:path'
import type { HostRef, Testbed } from './testbed.js'

export const PROBE = resolve(import.meta.dirname, 'tcp-probe.mjs')

export interface ConnectionSeen {
  event: 'connection'
  remoteAddress: string
  remotePort: number
  localPort: number
}

export type ConnectResult =
  | { event: 'connected', localAddress: string, localPort: number, echoed: string, elapsedMs: number }
  | { event: 'error', code: string, elapsedMs: number }

export type SimultaneousOpenResult =
  | { event: 'connected', attempts: number, connects: number, localPort: number, remoteAddress: string, remotePort: number, received: string, elapsedMs: number }
  | { event: 'failed', attempts: number, elapsedMs: number }

export interface ProbeServer {
  port: number
  /** Every connection the server has accepted so far. */
  connections: ConnectionSeen[]
  /** Resolves with the next connection the server accepts. */
  nextConnection: () => Promise<ConnectionSeen>
  child: ChildProcess
}

/** Starts an echo server on 0.0.0.0:`port` (0: any) in the host's namespace. */
export async function startServer (tb: Testbed, host: HostRef, port = 0): Promise<ProbeServer> {
  const child = tb.spawn(host, process.execPath, [PROBE, 'listen', String(port)], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout! })
  const connections: ConnectionSeen[] = []
  const waiting: Array<(c: ConnectionSeen) => void> = []
  return await new Promise((resolvePromise, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`probe server exited early (${String(code)})`)))
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { event: 'listening', port: number } | ConnectionSeen
      if (message.event === 'listening') {
        resolvePromise({
          port: message.port,
          connections,
          nextConnection: async () => await new Promise(resolveNext => waiting.push(resolveNext)),
          child
        })
      } else {
        connections.push(message)
        waiting.shift()?.(message)
      }
    })
  })
}

/** One TCP connect from `from` to address:port; `localPort` 0 lets the kernel choose. */
export async function connect (tb: Testbed, from: HostRef, address: string, port: number, options: { localPort?: number, timeoutMs?: number } = {}): Promise<ConnectResult> {
  const timeoutMs = options.timeoutMs ?? 3_000
  const { stdout } = await tb.exec(from, process.execPath, [PROBE, 'connect', address, String(port), String(options.localPort ?? 0), String(timeoutMs)], { timeoutMs: timeoutMs + 10_000 })
  return JSON.parse(stdout) as ConnectResult
}

/**
 * A TCP simultaneous open: `a` connects from local port `portA` to `b`'s public address and
 * port `portB`, while `b` does the reverse, both at once.
 */
export async function simultaneousOpen (
  tb: Testbed,
  a: { host: HostRef, port: number, publicAddress: string },
  b: { host: HostRef, port: number, publicAddress: string },
  deadlineMs: number
): Promise<[SimultaneousOpenResult, SimultaneousOpenResult]> {
  const one = async (self: typeof a, other: typeof b, message: string): Promise<SimultaneousOpenResult> => {
    const args = [PROBE, 'simopen', other.publicAddress, String(other.port), String(self.port), String(deadlineMs), message]
    const { stdout } = await tb.exec(self.host, process.execPath, args, { timeoutMs: deadlineMs + 10_000 })
    return JSON.parse(stdout) as SimultaneousOpenResult
  }
  return await Promise.all([one(a, b, 'from A'), one(b, a, 'from B')])
}
