/**
 * System operations on network namespaces: check the machine can host them, list, empty and
 * delete them, synchronously too (for process exit), and remove the ones dead runs left.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { logger } from '@libp2p/logger'
import { TestbedCommandError, TestbedUnsupportedError } from './errors.js'
import { run, withSystemPath } from './run.js'

const log = logger('murmur:nat-testbed')

/** Every namespace the testbed makes is named `murmur-nat-<pid>-<run>-<host>`. */
export const TESTBED_PREFIX = 'murmur-nat'
const NAMESPACE_PATTERN = new RegExp(`^${TESTBED_PREFIX}-(\\d+)-\\d+-`)

const INSTALL_HINT = 'apt-get install -y --no-install-recommends nftables iproute2'
let supported: Promise<void> | undefined

/**
 * Resolves when this process can build a testbed: root, `ip netns` and `nft` present. Otherwise
 * rejects with one `TestbedUnsupportedError` saying what is missing and how to fix it.
 */
export async function assertTestbedSupported (): Promise<void> {
  supported ??= (async () => {
    if (process.getuid?.() !== 0) {
      throw new TestbedUnsupportedError('The NAT testbed (test/nat) creates network namespaces, veth pairs and nftables rules, which needs root: run the tests as root (CI does).')
    }
    const probe = async (command: string, args: string[], what: string): Promise<void> => {
      try {
        await run(command, args, { timeoutMs: 10_000 })
      } catch (err) {
        const reason = err instanceof TestbedCommandError ? err.stderr.trim() : (err as Error).message
        throw new TestbedUnsupportedError(`The NAT testbed needs ${what}, which failed here (${reason}). Install it with: ${INSTALL_HINT}`)
      }
    }
    await probe('ip', ['netns', 'list'], '`ip netns` (iproute2)')
    await probe('nft', ['--version'], '`nft` (nftables)')
  })()
  try {
    await supported
  } catch (err) {
    supported = undefined
    throw err
  }
}

export async function listNamespaces (): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list'])
  // Lines read "name" or "name (id: 3)".
  return stdout.split('\n').map(line => line.trim().split(' ')[0]).filter(name => name !== '')
}

/** Process ids inside a namespace (`ip netns pids`); none once the namespace is gone. */
export async function namespacePids (namespace: string): Promise<number[]> {
  const { stdout } = await run('ip', ['netns', 'pids', namespace], { allowFailure: true })
  return parsePids(stdout)
}

function parsePids (text: string): number[] {
  return text.split('\n').map(s => Number.parseInt(s, 10)).filter(n => Number.isInteger(n) && n > 0)
}

/**
 * Whether a process still runs. A killed process whose parent has not reaped it yet (a zombie,
 * state Z in /proc/<pid>/stat) does not: it holds no namespace, socket or port any more.
 */
export function isRunning (pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // "pid (comm) state ...": comm may contain spaces and parentheses, the state follows the last ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state !== 'Z' && state !== 'X'
  } catch {
    return false
  }
}

function killQuietly (pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // Already gone.
  }
}

/**
 * SIGKILLs every process still in the namespaces and waits (at most `timeoutMs`) until they
 * have exited: a namespace with a process left in it outlives `ip netns del`, links and all.
 */
export async function emptyNamespaces (namespaces: readonly string[], timeoutMs = 5_000): Promise<void> {
  const pids = (await Promise.all(namespaces.map(namespacePids))).flat()
  for (const pid of pids) killQuietly(pid, 'SIGKILL')
  const deadline = Date.now() + timeoutMs
  let left = pids.filter(isRunning)
  while (left.length > 0 && Date.now() < deadline) {
    // A SIGKILLed process is reaped within milliseconds; poll the process table briefly.
    await new Promise(resolve => setTimeout(resolve, 10))
    left = left.filter(isRunning)
  }
  if (left.length > 0) log.error('processes %o survived SIGKILL in the testbed namespaces', left)
}

/** Deletes the namespaces (their veths and nftables rules go with them), in one `ip` call. */
export async function deleteNamespaces (namespaces: readonly string[]): Promise<void> {
  const existing = new Set(await listNamespaces())
  const lines = namespaces.filter(name => existing.has(name)).map(name => `netns delete ${name}`)
  if (lines.length === 0) return
  await run('ip', ['-force', '-batch', '-'], { input: lines.join('\n') + '\n' })
}

/** The same as `emptyNamespaces` then `deleteNamespaces`, synchronously: for `process.on('exit')`. */
export function destroyNamespacesSync (namespaces: readonly string[], childPids: readonly number[], timeoutMs = 2_000): void {
  const pids = [...childPids]
  for (const namespace of namespaces) {
    const { stdout } = spawnSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8', env: withSystemPath() })
    pids.push(...parsePids(stdout ?? ''))
  }
  for (const pid of pids) killQuietly(pid, 'SIGKILL')
  // Nothing async runs at exit: sleep in small steps until the killed processes are gone.
  const pause = new Int32Array(new SharedArrayBuffer(4))
  const deadline = Date.now() + timeoutMs
  while (pids.some(isRunning) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 5)
  const lines = namespaces.filter(name => existsSync(`/run/netns/${name}`)).map(name => `netns delete ${name}`)
  if (lines.length > 0) spawnSync('ip', ['-force', '-batch', '-'], { input: lines.join('\n') + '\n', env: withSystemPath() })
}

/**
 * Removes the namespaces of testbed runs whose process is gone (a run killed with SIGKILL gets
 * no chance to tear down). Namespaces of live runs are left alone. Returns the names removed.
 */
export async function cleanupStale (): Promise<string[]> {
  const stale = (await listNamespaces()).filter(name => {
    const match = NAMESPACE_PATTERN.exec(name)
    return match != null && !isRunning(Number(match[1]))
  })
  if (stale.length === 0) return []
  await emptyNamespaces(stale)
  await deleteNamespaces(stale)
  log('removed %d namespaces of dead testbed runs', stale.length)
  return stale
}
