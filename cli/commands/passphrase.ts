/**
 * `murmur passphrase change`: a new passphrase for an encrypted home (docs/cli.md). Only the
 * data key is wrapped anew, under the new passphrase with a fresh salt, and the key file is
 * replaced atomically; the store is not touched. Works with or without a running node (which
 * keeps its data key in memory and notices nothing).
 */
import type { Command } from 'commander'
import { resolveHome } from '../../src/messenger/home.js'
import { commonOptions, run, type CommonOptions } from '../common.js'
import { print } from '../output.js'
import { NEW_PASSPHRASE_ENV, readPassphrase, type PassphraseOptions } from '../passphrase.js'

interface ChangeOptions extends CommonOptions, PassphraseOptions {
  newPassphraseFile?: string
}

export function registerPassphraseCommands (program: Command): void {
  const passphrase = program.command('passphrase').description('the passphrase that protects this home')
  commonOptions(passphrase.command('change'))
    .description('change the passphrase (the data key is rewrapped; the store stays as it is)')
    .option('--passphrase-file <file>', 'read the current passphrase from this file (else $MURMUR_PASSPHRASE, else a prompt)')
    .option('--new-passphrase-file <file>', `read the new passphrase from this file (else $${NEW_PASSPHRASE_ENV}, else a prompt, twice)`)
    .action(run(async (options: ChangeOptions) => {
      const home = resolveHome(options.home)
      const { changePassphrase, readKeyFileInfo } = await import('../../src/messenger/identity-file.js')
      const { PassphraseRequiredError } = await import('../../src/store/errors.js')
      // Refused before anything is asked: a home without a passphrase has none to change.
      const info = await readKeyFileInfo(home)
      if (!info.encrypted) throw new PassphraseRequiredError(`the home ${home} has no passphrase to change (it was made with --no-passphrase, or by an earlier murmur and not started since)`)
      const current = await readPassphrase({ ...(options.passphraseFile !== undefined ? { file: options.passphraseFile } : {}), prompt: `current passphrase for ${home}` })
      let next: Uint8Array | undefined
      try {
        next = await readPassphrase({
          ...(options.newPassphraseFile !== undefined ? { file: options.newPassphraseFile } : {}),
          env: NEW_PASSPHRASE_ENV,
          prompt: `new passphrase for ${home}`,
          confirm: true
        })
        const { passphraseBytes } = await import('../../src/store/at-rest/kdf.js')
        const [a, b] = [passphraseBytes(current), passphraseBytes(next)]
        try {
          await changePassphrase(home, a, b)
        } finally {
          a.fill(0)
          b.fill(0)
        }
      } finally {
        current.fill(0)
        next?.fill(0)
      }
      print(options, { home, changed: true }, () => `The passphrase of ${home} is changed. The old one no longer opens it.`)
    }))
}
