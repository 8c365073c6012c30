/**
 * Runs one command to completion with a time limit, an optional AbortSignal and optional
 * standard input; the testbed's only way of running `ip`, `nft` and probes.
 */
import { spawn } from 'node:child_process'
import { TestbedCommandError, TestbedTimeoutError } from './errors.js'

export interface RunOptions {
  /** Written to the command's standard input, which is then closed. */
  input?: string
  /** Killed (SIGKILL) after this long; `TestbedTimeoutError`. Default 10 s. */
  timeoutMs?: number
  /** Aborting kills the command and rejects with the signal's reason. */
  signal?: AbortSignal
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** Resolve instead of throwing `TestbedCommandError` when the exit status is not 0. */
  allowFailure?: boolean
}

export interface RunResult {
  stdout: string
  stderr: string
  exitCode: number | null
  signal: NodeJS.Signals | null
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000

/** `ip` and `nft` live in /usr/sbin, which a non-login PATH may lack: append the sbin folders. */
export function withSystemPath (env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const parts = (env.PATH ?? '').split(':').filter(part => part !== '')
  for (const dir of ['/usr/sbin', '/sbin']) if (!parts.includes(dir)) parts.push(dir)
  return { ...env, PATH: parts.join(':') }
}

export async function run (command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  options.signal?.throwIfAborted()
  const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS
  return await new Promise<RunResult>((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: withSystemPath(options.env),
      cwd: options.cwd
    })
    let stdout = ''
    let stderr = ''
    let failure: Error | undefined
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    const stop = (error: Error): void => {
      failure ??= error
      child.kill('SIGKILL')
    }
    const timer = setTimeout(() => { stop(new TestbedTimeoutError(command, args, timeoutMs, { stdout, stderr })) }, timeoutMs)
    const onAbort = (): void => { stop(options.signal?.reason instanceof Error ? options.signal.reason : new Error('Aborted')) }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    // A command that exits before reading its input closes the pipe: EPIPE here is not a failure.
    child.stdin.on('error', () => {})
    child.stdin.end(options.input ?? '')
    child.on('error', (error) => { failure ??= error })
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      const result = { stdout, stderr, exitCode, signal }
      if (failure != null) {
        // A timeout reports the output gathered until the kill, not the partial output at the time.
        reject(failure instanceof TestbedTimeoutError ? new TestbedTimeoutError(command, args, timeoutMs, result) : failure)
      } else if (exitCode !== 0 && options.allowFailure !== true) {
        reject(new TestbedCommandError(command, args, result))
      } else {
        resolve(result)
      }
    })
  })
}
