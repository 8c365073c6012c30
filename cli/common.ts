/**
 * Options every command takes, and the wrapper that turns a thrown error into one line on
 * stderr and the documented exit code.
 */
import type { Command } from 'commander'
import { ApiClient } from '../src/api/client.js'
import { resolveHome } from '../src/messenger/home.js'
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

/** The client of the node running for this command's home (throws NodeNotRunningError without one). */
export async function connect (options: CommonOptions): Promise<ApiClient> {
  return await ApiClient.connect(resolveHome(options.home))
}

/** commander option parser for repeatable options (`--listen a --listen b`). */
export function collect (value: string, previous: string[] = []): string[] {
  return [...previous, value]
}
