/**
 * Options every command takes, and the wrapper that turns a thrown error into one line on
 * stderr and the documented exit code.
 */
import { isAbsolute, relative } from 'node:path'
import type { Command } from 'commander'
import { ApiClient } from '../src/api/client.js'
import { resolveHome } from '../src/messenger/home.js'
import { toCliError } from './errors.js'
import { CliError, ExitCode, printError } from './output.js'

export interface CommonOptions {
  home?: string
  json?: boolean
}

export function commonOptions (command: Command): Command {
  return command
    .option('--home <dir>', 'home folder (default: $MURMUR_HOME, else ~/.murmur)')
    .option('--json', 'print JSON instead of text')
}

// commander passes positional arguments first, then the options object, then the command.
type Action = (...args: any[]) => Promise<void> // eslint-disable-line @typescript-eslint/no-explicit-any

export function run (action: Action): Action {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command
    // With the program's own --home and --json, given before the command.
    const options = command.optsWithGlobals() as CommonOptions
    try {
      await action(...args.slice(0, -2), options, command)
    } catch (err) {
      const cliError = toCliError(homeError(err, resolveHome(options.home)) ?? err)
      printError(options, cliError)
      process.exitCode = cliError.exitCode
    }
  }
}

/**
 * A file-system error on the home as one clear line naming the path and what to do (issue 11:
 * these were "internal error: EACCES ..."), or undefined for any other error. Exit 2: the
 * home given (by --home, MURMUR_HOME or the default) cannot be used.
 */
export function homeError (err: unknown, home: string): CliError | undefined {
  const e = err as NodeJS.ErrnoException | undefined
  if (typeof e?.code !== 'string') return undefined
  // A temporary file (identity.key.<pid>.tmp) is named by what it becomes.
  const path = (e.path ?? home).replace(/\.\d+\.tmp$/, '')
  const choose = 'choose another home with --home or MURMUR_HOME'
  switch (e.code) {
    case 'ENOTDIR':
    case 'EEXIST':
      return (e.code === 'ENOTDIR' || path === home) && isUnder(path, home)
        ? new CliError(`the home ${home} is a file, not a folder; ${choose}`, ExitCode.USAGE, { errorName: 'InvalidHomeError' })
        : undefined
    case 'EACCES':
    case 'EPERM':
      return isUnder(path, home) || isUnder(home, path)
        ? new CliError(`cannot write ${path}: permission denied; murmur keeps its identity and messages in ${home} and must be able to write there (fix its permissions, or ${choose})`, ExitCode.USAGE, { errorName: 'InvalidHomeError' })
        : undefined
    case 'EROFS':
      return new CliError(`cannot write ${path}: the file system is read-only; ${choose}`, ExitCode.USAGE, { errorName: 'InvalidHomeError' })
    case 'ENOSPC':
      return new CliError(`cannot write ${path}: the disk is full; free some space or ${choose}`, ExitCode.USAGE, { errorName: 'InvalidHomeError' })
    default:
      return undefined
  }
}

function isUnder (path: string, folder: string): boolean {
  const rel = relative(folder, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** The client of the node running for this command's home (throws NodeNotRunningError without one). */
export async function connect (options: CommonOptions): Promise<ApiClient> {
  return await ApiClient.connect(resolveHome(options.home))
}

/** commander option parser for repeatable options (`--listen a --listen b`). */
export function collect (value: string, previous: string[] = []): string[] {
  return [...previous, value]
}
