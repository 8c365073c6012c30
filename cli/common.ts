/**
 * Options every command takes, and the wrapper that turns a thrown error into one line on
 * stderr and the documented exit code.
 */
import type { Command } from 'commander'
import { toCliError } from './errors.js'
import { printError } from './output.js'

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
    const options = command.opts() as CommonOptions
    try {
      await action(...args.slice(0, -2), options, command)
    } catch (err) {
      const cliError = toCliError(err)
      printError(options, cliError)
      process.exitCode = cliError.exitCode
    }
  }
}
