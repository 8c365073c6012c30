/**
 * The local control API of a running node (DESIGN.md "Local API, web app and CLI"): JSON-RPC
 * 2.0 over HTTP (POST /rpc) and Server-Sent Events (GET /events), on loopback by default, and
 * the web app's files beside them (docs/web.md). /rpc and /events need `Authorization: Bearer
 * <token>` or the web app's session cookie; without either nothing is read or done (401).
 * Every request must name an IP address or localhost with our port as its Host, and a request
 * from another origin is refused (403), whatever it carries.
 */
import { MurmurError } from '../errors/murmur-error.js'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { logger } from '@libp2p/logger'
import type { Murmur } from '../messenger/api-types.js'
import { DEFAULT_API_HOST, formatApiAddress } from './address.js'
import { handleRpcBody } from './rpc.js'
import { parseEventFilter, streamEvents } from './sse.js'
import { bearerToken, tokenMatches } from './token.js'
import { SECURITY_HEADERS } from './web/headers.js'
import { hostProblem, originCheck } from './web/host-origin.js'
import { readCookie, sessionCookie, sessionCookieName, WebSessions, type IssuedCode } from './web/sessions.js'
import { defaultWebRoot, loadStaticFiles } from './web/static.js'

const log = logger('murmur:api:server')

/**
 * The largest request body: a 1 MiB message text plus the JSON around it fits, so that an
 * oversized text gets the library's clear InvalidMessageTextError rather than a bare 413.
 */
export const MAX_BODY_BYTES = 1024 * 1024 + 16 * 1024
/** At most this many /events streams at once. */
export const MAX_EVENT_CLIENTS = 32
/** A sign-in request carries a code and nothing else. */
const SIGN_IN_BODY_BYTES = 1024
/** Headers must arrive this fast; bodies too (a slow client cannot hold a request open). */
export const REQUEST_TIMEOUT_MS = 30_000

export interface ApiServerOptions {
  murmur: Murmur
  token: string
  host?: string
  /** 0 (default) picks a free port. */
  port?: number
  maxBodyBytes?: number
  maxEventClients?: number
  /** The built web app (default: dist/web). */
  webRoot?: string
  /** Web sign-in state (default: in memory only). */
  webSessions?: WebSessions
}

/** A one-time sign-in URL of the web app (docs/web.md "Signing in"). */
export interface WebSignIn extends IssuedCode {
  /** http://host:port/#code=...: the code rides in the fragment, which no server sees. */
  url: string
}

export interface ApiServer {
  readonly host: string
  readonly port: number
  /** host:port, as written into api.address. */
  readonly address: string
  /** The web app's address (http://host:port/). */
  readonly webUrl: string
  /** A new one-time sign-in code for the web app, in its URL. */
  issueWebSignIn: () => WebSignIn
  /** Ends event streams, aborts running calls, and closes the listener. */
  close: () => Promise<void>
}

function sendJson (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers })
  res.end(text)
}

class BodyTooLargeError extends MurmurError {
  constructor () {
    super('request body too large')
  }
}

async function readBody (req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > maxBytes) throw new BodyTooLargeError()
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The web app's address; a wildcard bind (with --api-allow-remote) is opened through loopback. */
function webUrlOf (host: string, port: number): string {
  const local = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host
  return `http://${formatApiAddress(local, port)}/`
}

export async function startApiServer (options: ApiServerOptions): Promise<ApiServer> {
  const { murmur, token } = options
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES
  const maxEventClients = options.maxEventClients ?? MAX_EVENT_CLIENTS
  const shutdown = new AbortController()
  /** Each open event stream's close, with the session secret it was opened with (none: the token). */
  const eventStreams = new Map<() => void, string | undefined>()

  const refuse = (res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void => {
    // Close the connection: an unread body must not be parsed as the next request.
    sendJson(res, status, { error }, { Connection: 'close', ...headers })
  }

  const handleRpc = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const declared = Number(req.headers['content-length'] ?? '0')
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      refuse(res, 413, `request body over ${maxBodyBytes} bytes`)
      return
    }
    let body: string
    try {
      body = await readBody(req, maxBodyBytes)
    } catch (err) {
      if (err instanceof BodyTooLargeError) refuse(res, 413, `request body over ${maxBodyBytes} bytes`)
      else res.destroy()
      return
    }
    const call = new AbortController()
    const onClose = (): void => { if (!res.writableFinished) call.abort() }
    res.on('close', onClose)
    const signal = AbortSignal.any([call.signal, shutdown.signal])
    const response = await handleRpcBody(murmur, body, { signal, web: { signIn: () => issueWebSignIn() } })
    res.off('close', onClose)
    if (res.destroyed) return
    if (response === undefined) {
      res.writeHead(204).end()
    } else {
      sendJson(res, 200, response)
    }
  }

  const host = options.host ?? DEFAULT_API_HOST
  const webSessions = options.webSessions ?? new WebSessions()
  const staticFiles = await loadStaticFiles(options.webRoot ?? defaultWebRoot())
  // Known once listening; no request is handled before.
  let port = 0
  const cookieName = (): string => sessionCookieName(port)
  const issueWebSignIn = (): WebSignIn => {
    const issued = webSessions.issueCode()
    return { ...issued, url: `${webUrlOf(host, port)}#code=${issued.code}` }
  }

  /**
   * Bearer token, else a valid session cookie (from our own origin: checked before): false when
   * neither; else the session's secret (undefined for the token).
   */
  const authorized = (req: IncomingMessage): { session: string | undefined } | false => {
    const presented = bearerToken(req.headers.authorization)
    if (presented !== undefined) return tokenMatches(token, presented) && { session: undefined }
    const secret = readCookie(req.headers.cookie, cookieName())
    return secret !== undefined && webSessions.isValid(secret) && { session: secret }
  }

  /** POST /session {code}: a valid one-time code becomes a session cookie. */
  const handleSignIn = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let code: unknown
    try {
      code = (JSON.parse(await readBody(req, SIGN_IN_BODY_BYTES)) as { code?: unknown }).code
    } catch {
      refuse(res, 400, 'send {"code": "<the one-time code>"} as JSON')
      return
    }
    const session = typeof code === 'string' ? webSessions.redeem(code) : undefined
    if (session === undefined) {
      refuse(res, 401, 'this sign-in code is unknown, used or expired: run `murmur open` for a new one')
      return
    }
    sendJson(res, 200, { signedIn: true }, { 'Set-Cookie': sessionCookie(cookieName(), session.secret, session.maxAgeSeconds) })
  }

  const handleSignOut = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const secret = readCookie(req.headers.cookie, cookieName())
    if (secret !== undefined) {
      await webSessions.revoke(secret)
      // A stream the session opened would otherwise go on carrying every message to whoever
      // holds it (a replayed cookie among them): signing out ends them.
      for (const [close, session] of eventStreams) if (session !== undefined && !webSessions.isValid(session)) close()
    }
    sendJson(res, 200, { signedIn: false }, { 'Set-Cookie': sessionCookie(cookieName(), '', 0) })
  }

  const server = createServer((req, res) => {
    // A request target such as "//" is no URL path: `new URL` throws on it, and a throw here
    // would be uncaught and end the node.
    const url = URL.parse(req.url ?? '/', 'http://localhost')
    if (url === null) { refuse(res, 400, 'bad request: the request target is not a path'); return }
    // Before anything else: DNS rebinding and other origins are refused outright.
    const badHost = hostProblem(req.headers.host, port)
    if (badHost !== undefined) { refuse(res, 421, `misdirected request: ${badHost}`); return }
    const api = url.pathname === '/rpc' || url.pathname === '/events' || url.pathname === '/session'
    // The app's files are public and harmless to load from a link on another site (a frame
    // is refused by the CSP); everything that reads or changes state is same-origin only.
    if (api && originCheck(req.headers) === 'foreign') { refuse(res, 403, 'forbidden: requests from another origin are refused'); return }

    if (url.pathname === '/session') {
      const done = (err: unknown): void => {
        log.error('sign-in request failed: %s', (err as Error).name)
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' })
        else res.destroy()
      }
      if (req.method === 'POST') handleSignIn(req, res).catch(done)
      else if (req.method === 'DELETE') handleSignOut(req, res).catch(done)
      else refuse(res, 405, 'use POST /session to sign in, DELETE /session to sign out', { Allow: 'POST, DELETE' })
      return
    }
    if (!api) {
      if ((req.method === 'GET' || req.method === 'HEAD') && staticFiles.serve(req, res, url.pathname, SECURITY_HEADERS)) return
      const hint = staticFiles.size === 0 && url.pathname === '/' ? ' (the web app is not built: run `npm run build`)' : ''
      refuse(res, 404, `not found: the API serves POST /rpc and GET /events, and the web app on /${hint}`)
      return
    }
    const credential = authorized(req)
    if (credential === false) {
      refuse(res, 401, 'unauthorized: send Authorization: Bearer <the token in api.token>, or sign in to the web app with `murmur open`', { 'WWW-Authenticate': 'Bearer' })
      return
    }
    if (url.pathname === '/rpc') {
      if (req.method !== 'POST') { refuse(res, 405, 'use POST /rpc', { Allow: 'POST' }); return }
      handleRpc(req, res).catch((err: unknown) => {
        log.error('rpc request failed: %e', err)
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' })
        else res.destroy()
      })
      return
    }
    if (req.method !== 'GET') { refuse(res, 405, 'use GET /events', { Allow: 'GET' }); return }
    const names = parseEventFilter(url.searchParams.get('events'))
    if (typeof names === 'string') { refuse(res, 400, names); return }
    if (eventStreams.size >= maxEventClients) { refuse(res, 503, `too many event streams (at most ${maxEventClients})`); return }
    const close = streamEvents(murmur, res, names, undefined, SECURITY_HEADERS)
    eventStreams.set(close, credential.session)
    res.on('close', () => { eventStreams.delete(close) })
  })
  server.requestTimeout = REQUEST_TIMEOUT_MS
  server.headersTimeout = REQUEST_TIMEOUT_MS

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  log('API listening on %s', formatApiAddress(host, port))
  const webUrl = webUrlOf(host, port)

  return {
    host,
    port,
    address: formatApiAddress(host, port),
    webUrl,
    issueWebSignIn,
    close: async () => {
      shutdown.abort()
      for (const close of [...eventStreams.keys()]) close()
      await new Promise<void>((resolve) => {
        server.close(() => { resolve() })
        server.closeAllConnections()
      })
      // A sign-in answered just before is on disk before the node goes.
      await webSessions.flush()
    }
  }
}
