/**
 * `murmur start`: runs the node and its local API in the foreground until SIGINT or SIGTERM
 * (DESIGN.md "Local API and CLI").
 */
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import type { ReachabilityStatus } from '../../src/messenger/api-types.js'
import { homePath, resolveHome } from '../../src/messenger/home.js'
import { CliError, ExitCode, print } from '../output.js'
import { collect, commonOptions, run, type CommonOptions } from '../common.js'
import { homePassphrase } from '../home-passphrase.js'
import { BACKUP_NOTICE } from './identity.js'
import { passphraseOptions, type PassphraseOptions } from '../passphrase.js'

interface StartOptions extends CommonOptions, PassphraseOptions {
  listen?: string[]
  bootstrap?: string[]
  api?: string
  apiAllowRemote?: boolean
  mdns: boolean
  upnp: boolean
  relayService: boolean
  relayTimeout?: string
  init?: boolean
}

/** After a clean stop, exit even if writing out the last lines never finishes. */
const EXIT_GRACE_MS = 3_000

/**
 * Exits once what was written to stdout and stderr has gone out. After a clean stop the node's
 * work is done (store and sockets closed), but libp2p leaves debounced timers behind (identify
 * push, the address manager's peer-store update: 1 s each, one setting the next) that held the
 * process ~2.2 s after "stopped" and then failed against the closed peer store.
 */
function exitOnceWritten (code: number): void {
  let pending = 2
  const written = (): void => { if (--pending === 0) process.exit(code) }
  process.stdout.write('', written)
  process.stderr.write('', written)
  setTimeout(() => { process.exit(code) }, EXIT_GRACE_MS).unref()
}
/** --relay-timeout's bounds, in seconds (the default, 10 s, is the node's own). */
const MIN_RELAY_TIMEOUT_SECONDS = 0.5
const MAX_RELAY_TIMEOUT_SECONDS = 120

/** --relay-timeout in ms; a usage error (exit 2) outside its bounds. */
function parseRelayTimeout (value: string): number {
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds < MIN_RELAY_TIMEOUT_SECONDS || seconds > MAX_RELAY_TIMEOUT_SECONDS) {
    throw new CliError(`--relay-timeout must be a number of seconds from ${MIN_RELAY_TIMEOUT_SECONDS} to ${MAX_RELAY_TIMEOUT_SECONDS}, got "${value}"`, ExitCode.USAGE)
  }
  return Math.round(seconds * 1000)
}

export function registerStartCommand (program: Command): void {
  passphraseOptions(commonOptions(program.command('start')), { allowNone: true })
    .description('run your node in the foreground (Ctrl-C stops it) and serve the local API')
    .option('--listen <multiaddr>', 'listen on this multiaddr (repeatable; default: config.json, else TCP 4455 and WebSocket 4456 on every IPv4 and IPv6 interface)', collect)
    .option('--bootstrap <multiaddr>', 'also bootstrap from this peer (repeatable; for this run, with config.json\'s "bootstrap" list, which it does not change)', collect)
    .option('--api <host:port>', 'serve the local API and the web app here (default 127.0.0.1:4457, else a free port when it is taken)')
    .option('--api-allow-remote', 'allow --api on a non-loopback host')
    .option('--no-mdns', 'do not discover peers on the local network')
    .option('--no-upnp', 'do not ask the router for a port mapping (UPnP)')
    .option('--no-relay-service', 'relay for nobody (by default a publicly reachable node relays connections for anyone, within limits)')
    .option('--relay-timeout <seconds>', 'give up on a relay that has not answered a deposit within this (default 10)')
    .option('--init', 'create an identity first when the home has none (as `murmur init` does)')
    .action(run(async (options: StartOptions) => {
      const home = resolveHome(options.home)
      const relayCallTimeoutMs = options.relayTimeout !== undefined ? parseRelayTimeout(options.relayTimeout) : undefined
      // Checked before anything starts: a listen address must be a multiaddr.
      const { multiaddr } = await import('@multiformats/multiaddr')
      for (const value of options.listen ?? []) {
        try {
          multiaddr(value)
        } catch {
          const hostPort = /^\[?([0-9a-fA-F:.]+?)\]?:(\d+)$/.exec(value)
          const hint = hostPort !== null ? `; write it as /${hostPort[1].includes(':') ? 'ip6' : 'ip4'}/${hostPort[1]}/tcp/${hostPort[2]}` : ' such as /ip4/0.0.0.0/tcp/4455'
          throw new CliError(`--listen "${value}" is not a multiaddr${hint}`, ExitCode.USAGE, { errorName: 'InvalidListenAddressError' })
        }
      }
      // Loaded here, not at the top: libp2p and the crypto stack take a while to import, and
      // every other command (which only talks to the API) should not pay for them.
      // The Node 20 shims (Promise.withResolvers, WebSocket) must load before libp2p does.
      await import('../../src/runtime/node20-shims.js')
      // `--init` on a home without an identity creates one: say so, as `murmur init` does.
      const created = options.init === true && !existsSync(homePath(home, 'identityKey'))
      const { startDaemon } = await import('../../src/api/daemon.js')
      const { createMurmur } = await import('../../src/messenger/index.js')
      const daemon = await startDaemon({
        home,
        ...(options.api !== undefined ? { api: options.api } : {}),
        apiAllowRemote: options.apiAllowRemote === true,
        mdns: options.mdns,
        upnp: options.upnp,
        relayService: options.relayService,
        ...(relayCallTimeoutMs !== undefined ? { relayCallTimeoutMs } : {}),
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
      // The web app's URL carries a one-time sign-in code in its fragment (docs/web.md).
      const signIn = daemon.api.issueWebSignIn()
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
            exitOnceWritten(Number(process.exitCode ?? 0))
            resolve()
          }, (err: unknown) => {
            process.stderr.write(`murmur: stopping failed: ${err instanceof Error ? err.message : String(err)}\n`)
            process.exit(1)
          })
        }
        process.on('SIGINT', onSignal)
        process.on('SIGTERM', onSignal)
        // Printed once the signals are ours: a supervisor (or a test) that stops the node as soon as
        // it reads `started` gets a clean stop, not the default action's kill (exit by signal).
        print(options, { event: 'started', peerId: id.peerId, addresses: id.addresses, api: daemon.api.address, web: daemon.api.webUrl, webSignIn: signIn.url, home, pid: process.pid, storeEncrypted, ...(created ? { identityCreated: homePath(home, 'identityKey') } : {}) }, () => [
          ...(created ? [`Created a new identity in ${home}`, BACKUP_NOTICE, ''] : []),
          `murmur node running (pid ${process.pid})`,
          `peer ID    ${id.peerId}`,
          ...(storeEncrypted ? [] : ['store      NOT encrypted (this home has no passphrase)']),
          ...id.addresses.map((a, i) => `${i === 0 ? 'listening' : '         '}  ${a}`),
          `API        http://${daemon.api.address} (token in ${homePath(home, 'apiToken')})`,
          `web app    ${signIn.url}`,
          '           (open it in your browser: the code signs you in once, within 10 minutes; `murmur open` makes another)',
          'Press Ctrl-C to stop.'
        ].join('\n'))
        // What happens later is printed as it happens: how others can reach this node (once
        // AutoNAT or a relay settled it), and problems that did not stop it. Subscribed before
        // the first status is read, so that no change falls between the two.
        const warn = (message: string): void => {
          if (options.json === true) print(options, { event: 'warning', message }, () => '')
          else process.stderr.write(`warning: ${message}\n`)
        }
        let shown: string | undefined
        const showReachability = (view: ReachabilityStatus): void => {
          const key = JSON.stringify([view.mode, view.detail])
          if (key === shown) return
          shown = key
          print(options, { event: 'reachability', ...view }, () => `reachable  ${view.detail}`)
        }
        daemon.murmur.events.on('warning', ({ message }) => { warn(message) })
        daemon.murmur.events.on('reachability', showReachability)
        void daemon.murmur.status().then((status) => {
          for (const message of status.warnings) warn(message)
          if (shown === undefined) showReachability(status.reachability)
        }, () => { /* the node is stopping */ })
      })
    }))
}
