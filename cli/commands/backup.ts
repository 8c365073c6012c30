/**
 * `murmur backup create FILE` and `murmur backup restore FILE` (docs/cli.md, "Backups"):
 * one encrypted file with the identity, contacts, verification marks, relays and trust lists,
 * and the history, under a passphrase of its own; restored into an empty home on any machine.
 * `create` asks the running node (its store is open there); `restore` works without one.
 */
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { resolveHome } from '../../src/messenger/home.js'
import { commonOptions, connect, run, type CommonOptions } from '../common.js'
import { print } from '../output.js'
import { passphraseOptions, readPassphrase, type PassphraseOptions } from '../passphrase.js'

/** A backup of a large history takes a while: scrypt, then reading and sealing every message. */
const CREATE_TIMEOUT_MS = 10 * 60_000

interface CreateOptions extends CommonOptions, PassphraseOptions {
  history: boolean
}

export function registerBackupCommands (program: Command): void {
  const backup = program.command('backup').description('encrypted backups: keep your address, contacts and history, move to another machine')

  passphraseOptions(commonOptions(backup.command('create').argument('<file>', 'where to write the backup (replaced atomically)')), { what: 'the backup\'s passphrase' })
    .description('write an encrypted backup of this home (the node must be running)')
    .option('--no-history', 'leave the message history out')
    .action(run(async (file: string, options: CreateOptions) => {
      const client = await connect(options)
      const passphrase = await readPassphrase({
        ...(options.passphraseFile !== undefined ? { file: options.passphraseFile } : {}),
        prompt: 'passphrase for the backup',
        confirm: true
      })
      let result
      try {
        result = await client.call('backup.create', { passphrase: Buffer.from(passphrase).toString('utf8'), history: options.history }, { timeoutMs: CREATE_TIMEOUT_MS })
      } finally {
        passphrase.fill(0)
      }
      const { writeBackupFile } = await import('../../src/messenger/backup-file.js')
      const path = resolve(file)
      await writeBackupFile(path, Buffer.from(result.backup, 'base64'))
      const { backup: _bytes, ...summary } = result
      print(options, { ...summary, file: path }, () => [
        `Backup written to ${path} (${summary.bytes} bytes)`,
        `peer ID   ${summary.peerId}`,
        `contacts  ${summary.contacts}`,
        summary.withHistory ? `messages  ${summary.messages}` : 'messages  not included (--no-history)',
        'Keep it and its passphrase apart: together they are your address.'
      ].join('\n'))
    }))

  passphraseOptions(commonOptions(backup.command('restore').argument('<file>', 'the backup file')), { allowNone: true, what: 'the backup\'s passphrase' })
    .description('restore a backup into an empty home (no node running); the home is protected by the backup\'s passphrase')
    .action(run(async (file: string, options: CommonOptions & PassphraseOptions) => {
      const home = resolveHome(options.home)
      const { checkRestoreTarget, restoreHome } = await import('../../src/messenger/backup.js')
      const { parseBackup } = await import('../../src/store/backup/file.js')
      const { passphraseBytes } = await import('../../src/store/at-rest/kdf.js')
      const { defaultProvider } = await import('../../src/crypto/providers/index.js')
      // Refused before a passphrase is asked for: a home in use, a file that is not a backup.
      await checkRestoreTarget(home)
      const { readBackupFile } = await import('../../src/messenger/backup-file.js')
      const bytes = await readBackupFile(resolve(file))
      parseBackup(bytes)
      const raw = await readPassphrase({
        ...(options.passphraseFile !== undefined ? { file: options.passphraseFile } : {}),
        prompt: `passphrase of the backup ${file}`
      })
      const passphrase = passphraseBytes(raw)
      raw.fill(0)
      let restored
      try {
        restored = await restoreHome(home, bytes, {
          passphrase,
          provider: defaultProvider(),
          ...(options.passphrase === false ? { protection: { noPassphrase: true as const } } : {})
        })
      } finally {
        passphrase.fill(0)
      }
      print(options, { ...restored, home }, () => [
        `Restored ${restored.peerId} into ${home}`,
        `contacts  ${restored.contacts}`,
        `messages  ${restored.messages}`,
        restored.encrypted ? 'The home is protected by the backup\'s passphrase (change it with `murmur passphrase change`).' : 'The home is NOT encrypted (--no-passphrase).',
        'Start your node with `murmur start`: your contacts will see a session reset, and what they sent meanwhile arrives.'
      ].join('\n'))
    }))
}
