/**
 * `murmur init` and `murmur id`: the commands that work without a running node.
 */
import { mkdir } from 'node:fs/promises'
import type { Command } from 'commander'
import { resolveHome } from '../../src/messenger/home.js'
import { print } from '../output.js'
import { commonOptions, run, type CommonOptions } from '../common.js'
import { homeProtection } from '../home-passphrase.js'
import { passphraseOptions, type PassphraseOptions } from '../passphrase.js'

/** What `murmur init` and `murmur start --init` say about keeping the identity safe. */
export const BACKUP_NOTICE = 'Back up your identity with `murmur backup create FILE` while your node runs: it is your address.'

export function registerIdentityCommands (program: Command): void {
  passphraseOptions(commonOptions(program.command('init')), { allowNone: true, what: 'the new passphrase' })
    .description('create a new identity (your address) in the home folder, protected by a passphrase')
    .option('--name <name>', 'a display name for this node, kept in config.json')
    .action(run(async (options: CommonOptions & PassphraseOptions & { name?: string }) => {
      const home = resolveHome(options.home)
      // Loaded here, not at the top: other commands need none of the crypto stack.
      const { initHome } = await import('../../src/messenger/offline.js')
      const { hasIdentityFile, IdentityExistsError } = await import('../../src/messenger/identity-file.js')
      const { homePath } = await import('../../src/messenger/home.js')
      // Refused before a passphrase is asked for: a home that cannot be written, or that has an identity.
      await mkdir(home, { recursive: true, mode: 0o700 })
      if (await hasIdentityFile(home)) throw new IdentityExistsError(homePath(home, 'identityKey'))
      const protection = await homeProtection(options, home, 'create')
      const info = await initHome(home, protection, options.name !== undefined ? { name: options.name } : {})
      print(options, info, () => [
        `Created a new identity in ${info.home}`,
        `peer ID      ${info.peerId}`,
        `fingerprint  ${info.fingerprint}`,
        info.encrypted
          ? 'protected by your passphrase: it is needed at every start, and cannot be recovered if forgotten'
          : 'NOT protected by a passphrase: the identity and the store are unencrypted',
        '',
        `${BACKUP_NOTICE} Start your node with \`murmur start\`.`
      ].join('\n'))
    }))

  commonOptions(program.command('id'))
    .description('print your peer ID (your address) and identity fingerprint')
    .action(run(async (options: CommonOptions) => {
      const home = resolveHome(options.home)
      const { describeIdentity } = await import('../../src/messenger/offline.js')
      const info = await describeIdentity(home)
      print(options, info, () => [
        `peer ID      ${info.peerId}`,
        `fingerprint  ${info.fingerprint}`,
        ...(info.name !== undefined ? [`name         ${info.name}`] : [])
      ].join('\n'))
    }))
}
