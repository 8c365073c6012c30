/**
 * `murmur start`: runs the node and its local API in the foreground until SIGINT or SIGTERM
 * (DESIGN.md "Local API and CLI").
 */
import type { Command } from 'commander'
import { homePath, resolveHome } from '../../src/messenger/home.js'
import { print } from '../output.js'
import { collect, commonOptions, run, type CommonOptions } from '../common.js'
import { homePassphrase } from '../home-passphrase.js'
import { passphraseOptions, type PassphraseOptions } from '../passphrase.js'

interface StartOptions extends CommonOptions, PassphraseOptions {
  listen?: string[]
  bootstrap?: string[]
  api: string
  apiAllowRemote?: boolean
  mdns: boolean
  allowPrivateAddresses?: boolean
  init?: boolean
}

/** After a clean stop, exit even if a library timer lingers. */
const EXIT_GRACE_MS = 3_000

export function registerStartCommand (program: Command): void {
  passphraseOptions(commonOptions(program.command('start')), { allowNone: true })
    .description('run your node in the foreground (Ctrl-C stops it) and serve the local API')
    .option('--listen <multiaddr>', 'listen on this multiaddr (repeatable; default: config.json, else /ip4/0.0.0.0/tcp/4455 and /ip4/0.0.0.0/tcp/4456/ws)', collect)
    .option('--bootstrap <multiaddr>', 'bootstrap from this peer (repeatable; added to config.json\'s list)', collect)
    .option('--api <host:port>', 'serve the local API here', '127.0.0.1:0')
    .option('--api-allow-remote', 'allow --api on a non-loopback host')
    .option('--no-mdns', 'do not discover peers on the local network')
    .option('--allow-private-addresses', 'keep loopback and private addresses in the DHT (LANs, tests)')
    .option('--init', 'create an identity first when the home has none (as `murmur init` does)')
    .action(run(async (options: StartOptions) => {
      const home = resolveHome(options.home)
      // Loaded here, not at the top: libp2p and the crypto stack take a while to import, and
      // every other command (which only talks to the API) should not pay for them.
      const { startDaemon } = await import('../../src/api/daemon.js')
      const { createMurmur } = await import('../../src/messenger/index.js')
      const daemon = await startDaemon({
        home,
        api: options.api,
        apiAllowRemote: options.apiAllowRemote === true,
        mdns: options.mdns,
        allowPrivateAddresses: options.allowPrivateAddresses === true,
        createIdentity: options.init === true,
        // Asked for only when needed: an encrypted home, or one being created or migrated.
        passphrase: async (purpose) => await homePassphrase(options, home, purpose),
        noPassphrase: options.passphrase === false,
        onMigrationStep: (step) => {
          if (step === 'copy' && options.json !== true) process.stderr.write('migrating the store of an earlier murmur (once)...\n')
        },
        ...(options.listen !== undefined ? { listen: options.listen } : {}),
        ...(options.bootstrap !== undefined ? { bootstrap: options.bootstrap } : {})
      }, createMurmur)
      const { id } = daemon
      const { storeEncrypted } = await daemon.murmur.status()
      print(options, { event: 'started', peerId: id.peerId, addresses: id.addresses, api: daemon.api.address, home, pid: process.pid, storeEncrypted }, () => [
        `murmur node running (pid ${process.pid})`,
        `peer ID    ${id.peerId}`,
        ...(storeEncrypted ? [] : ['store      NOT encrypted (this home has no passphrase)']),
        ...id.addresses.map((a, i) => `${i === 0 ? 'listening' : '         '}  ${a}`),
        `API        http://${daemon.api.address} (token in ${homePath(home, 'apiToken')})`,
        'Press Ctrl-C to stop.'
      ].join('\n'))

      await new Promise<void>((resolve) => {
        let stopping = false
        const onSignal = (signal: NodeJS.Signals): void => {
          if (stopping) {
            // A second Ctrl-C while shutting down: give up on a clean stop.
            process.exit(130)
          }
          stopping = true
          if (options.json !== true) process.stderr.write(`${signal}: stopping (Ctrl-C again to force)\n`)
          daemon.stop().then(() => {
            print(options, { event: 'stopped', peerId: id.peerId }, () => 'murmur node stopped')
            process.removeListener('SIGINT', onSignal)
            process.removeListener('SIGTERM', onSignal)
            setTimeout(() => { process.exit(process.exitCode ?? 0) }, EXIT_GRACE_MS).unref()
            resolve()
          }, (err: unknown) => {
            process.stderr.write(`murmur: stopping failed: ${err instanceof Error ? err.message : String(err)}\n`)
            process.exit(1)
          })
        }
        process.on('SIGINT', onSignal)
        process.on('SIGTERM', onSignal)
      })
    }))
}
