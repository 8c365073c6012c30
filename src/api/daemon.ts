/**
 * A running node with its local API: what `murmur start` runs in the foreground (DESIGN.md
 * "Local API and CLI"). Starts the library, serves the API, writes api.address and api.token
 * into the home, and undoes all of it on stop().
 */
import { logger } from '@libp2p/logger'
import type { IdView, Murmur, MurmurOptions } from '../messenger/api-types.js'
import { hasIdentityFile, IdentityNotFoundError } from '../messenger/identity-file.js'
import { homePath } from '../messenger/home.js'
import { checkApiAddress, DEFAULT_API_HOST, parseApiAddress } from './address.js'
import { startApiServer, type ApiServer, type ApiServerOptions } from './server.js'
import { readApiFiles, removeApiFiles, writeApiFiles } from './api-files.js'
import { generateApiToken } from './token.js'
import { WebSessions } from './web/sessions.js'

const log = logger('murmur:api:daemon')

/**
 * The API's port when `api` is not given: a fixed one, so that the web app's address (and the
 * page's cookie) stays the same across restarts and an open page reconnects by itself
 * (docs/web.md). When another program holds it, a free port is used instead.
 */
export const DEFAULT_API_PORT = 4457

export interface DaemonOptions extends MurmurOptions {
  /** host:port of the API (default 127.0.0.1:4457, else a free port when that one is taken). */
  api?: string
  /** Allow a non-loopback API host. */
  apiAllowRemote?: boolean
}

export interface Daemon {
  readonly murmur: Murmur
  readonly api: ApiServer
  /** The node's id, addresses included, as printed at start. */
  readonly id: IdView
  /** Removes the API files, closes the API, stops the node. Safe to call twice. */
  stop: () => Promise<void>
}

export type CreateMurmur = (options: MurmurOptions) => Promise<Murmur>

export async function startDaemon (options: DaemonOptions, createMurmur: CreateMurmur): Promise<Daemon> {
  const { api: apiOption, apiAllowRemote = false, ...murmurOptions } = options
  // Refuse a bad --api before anything starts: a refused start changes nothing.
  const apiAddress = apiOption !== undefined ? parseApiAddress(apiOption) : { host: DEFAULT_API_HOST, port: DEFAULT_API_PORT }
  checkApiAddress(apiAddress, apiAllowRemote)
  if (options.createIdentity !== true && !await hasIdentityFile(options.home)) throw new IdentityNotFoundError(homePath(options.home, 'identityKey'))

  const murmur = await createMurmur(murmurOptions)
  // start() takes the home's lock; only after it may this process touch api.address/api.token,
  // which may belong to another running node until then.
  try {
    await murmur.start()
  } catch (err) {
    await murmur.stop().catch(() => {}) // closes the store and releases the home's lock
    throw err
  }
  let server: ApiServer | undefined
  const token = generateApiToken()
  try {
    const webSessions = new WebSessions(homePath(options.home, 'webSessions'))
    await webSessions.load()
    const serverOptions: ApiServerOptions = { murmur, token, host: apiAddress.host, port: apiAddress.port, webSessions }
    server = await startApiServer(serverOptions).catch(async (err: NodeJS.ErrnoException) => {
      if (apiOption !== undefined || err.code !== 'EADDRINUSE') throw err
      log('port %d is taken, serving the API on a free port', DEFAULT_API_PORT)
      return await startApiServer({ ...serverOptions, port: 0 })
    })
    await writeApiFiles(options.home, server.address, token)
    const id = await murmur.id()
    log('node %s serving the API on %s', id.peerId, server.address)
    let stopping: Promise<void> | undefined
    const api = server
    return {
      murmur,
      api,
      id,
      stop: async () => {
        stopping ??= (async () => {
          // Remove the files first, so that clients see "not running" rather than a closing node.
          const files = await readApiFiles(options.home).catch(() => undefined)
          if (files?.token === token) await removeApiFiles(options.home)
          await api.close()
          await murmur.stop()
        })()
        await stopping
      }
    }
  } catch (err) {
    await server?.close().catch(() => {})
    await removeApiFiles(options.home).catch(() => {})
    await murmur.stop().catch(() => {})
    throw err
  }
}
