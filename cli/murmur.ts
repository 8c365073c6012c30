#!/usr/bin/env node
/**
 * The murmur command. Thin: it parses, calls the library (offline commands) or the running
 * node's local API, and prints text or --json (DESIGN.md "Local API and CLI").
 */
import '../src/net/shims.js'
import { Command, CommanderError } from 'commander'
import { registerBackupCommands } from './commands/backup.js'
import { registerChatCommand } from './commands/chat.js'
import { registerContactsCommands } from './commands/contacts.js'
import { registerHistoryCommand } from './commands/history.js'
import { registerIdentityCommands } from './commands/identity.js'
import { registerInboxCommands } from './commands/inbox.js'
import { registerPassphraseCommands } from './commands/passphrase.js'
import { registerRelaysCommands } from './commands/relays.js'
import { registerSendCommands } from './commands/send.js'
import { registerStartCommand } from './commands/start.js'
import { registerStatusCommand } from './commands/status.js'
import { registerTrustCommands } from './commands/trust.js'
import { ExitCode } from './exit-codes.js'

const program = new Command()
program
  .name('murmur')
  .description('peer-to-peer, end-to-end encrypted messenger: your address is your public key')
  .version('0.1.0')
  .exitOverride()
  .showHelpAfterError('(run `murmur --help` for usage)')

registerIdentityCommands(program)
registerStartCommand(program)
registerPassphraseCommands(program)
registerStatusCommand(program)
registerContactsCommands(program)
registerSendCommands(program)
registerInboxCommands(program)
registerHistoryCommand(program)
registerChatCommand(program)
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
