/**
 * `murmur init` and `murmur id`: the commands that work without a running node.
 */
import type { Command } from 'commander'
import { resolveHome } from '../../src/messenger/home.js'
import { print } from '../output.js'
import { commonOptions, run, type CommonOptions } from '../common.js'

export function registerIdentityCommands (program: Command): void {
  commonOptions(program.command('init'))
    .description('create a new identity (your address) in the home folder')
    .option('--name <name>', 'a display name for this node, kept in config.json')
    .action(run(async (options: CommonOptions & { name?: string }) => {
      const home = resolveHome(options.home)
      // Loaded here, not at the top: other commands need none of the crypto stack.
      const { initHome } = await import('../../src/messenger/offline.js')
      const info = await initHome(home, options.name !== undefined ? { name: options.name } : {})
      print(options, info, () => [
        `Created a new identity in ${info.home}`,
        `peer ID      ${info.peerId}`,
        `fingerprint  ${info.fingerprint}`,
        '',
        `Back up ${info.identityFile}: it is your address. Start your node with \`murmur start\`.`
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
