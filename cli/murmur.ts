#!/usr/bin/env node
/**
 * The murmur command. Thin: it parses, calls the library (offline commands) or the running
 * node's local API, and prints text or --json (DESIGN.md "Local API and CLI").
 *
 * Every command but `start` only talks to the API: this module and the commands' modules load
 * no libp2p, crypto or schema library (test/e2e/latency.test.ts checks it), so that `murmur
 * status` costs little more than starting node. `start` loads the node stack when it runs.
 */
import { Command, CommanderError } from 'commander'
import { registerBackupCommands } from './commands/backup.js'
import { registerBlockCommands } from './commands/block.js'
import { registerChatCommand } from './commands/chat.js'
import { registerContactsCommands } from './commands/contacts.js'
import { registerHistoryCommand } from './commands/history.js'
import { registerIdentityCommands } from './commands/identity.js'
import { registerInboxCommands } from './commands/inbox.js'
import { registerLookupCommand } from './commands/lookup.js'
import { registerPassphraseCommands } from './commands/passphrase.js'
import { registerOpenCommand } from './commands/open.js'
import { registerRelaysCommands } from './commands/relays.js'
import { registerSendCommands } from './commands/send.js'
import { registerStartCommand } from './commands/start.js'
import { registerStatusCommand } from './commands/status.js'
import { registerTrustCommands } from './commands/trust.js'
import { ExitCode } from '../src/errors/exit-codes.js'

// With --json anywhere on the line, usage errors are JSON too (scripts parse stderr).
const json = process.argv.includes('--json')

const program = new Command()
program
  .name('murmur')
  .description('peer-to-peer, end-to-end encrypted messenger: your address is your public key')
  .version('0.1.0')
  // Also accepted before the command: `murmur --home ~/bob status`.
  .option('--home <dir>', 'home folder (default: $MURMUR_HOME, else ~/.murmur)')
  .option('--json', 'print JSON instead of text')
  .exitOverride()
  .configureOutput({
    outputError: (message, write) => {
      write(json
        ? JSON.stringify({ error: { name: 'UsageError', message: message.replace(/^error: /, '').trim(), exitCode: ExitCode.USAGE } }) + '\n'
        : message)
    }
  })
  .addHelpText('after', `
Every command takes --home <dir> (default: $MURMUR_HOME, else ~/.murmur) and --json (JSON
output; errors as {"error":{"name","message","exitCode"}} on stderr), before or after it.
Every command but init, id and start talks to the node \`murmur start\` runs for that home.

Exit codes: 0 ok, 1 internal error, 2 usage, 3 not found, 4 network, 5 refused by a peer or
relay, 6 no running node, 7 conflict (already initialised, home in use).`)
if (!json) program.showHelpAfterError('(run `murmur --help` for usage)')

registerIdentityCommands(program)
registerStartCommand(program)
registerPassphraseCommands(program)
registerOpenCommand(program)
registerStatusCommand(program)
registerLookupCommand(program)
registerContactsCommands(program)
registerSendCommands(program)
registerInboxCommands(program)
registerHistoryCommand(program)
registerChatCommand(program)
registerBlockCommands(program)
registerTrustCommands(program)
registerRelaysCommands(program)
registerBackupCommands(program)

try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; anything else is a usage error.
    process.exitCode = err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE
  } else {
    throw err
  }
}
