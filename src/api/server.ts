/**
 * The local control API of a running node (DESIGN.md "Local API and CLI"): JSON-RPC 2.0 over
 * HTTP (POST /rpc) and Server-Sent Events (GET /events), on loopback by default. Every request
 * must carry `Authorization: Bearer <token>`; without it nothing is read or done (401).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { logger } from '@libp2p/logger'
import type { Murmur } from '../messenger/api-types.js'
import { DEFAULT_API_HOST, formatApiAddress } from './address.js'
import { handleRpcBody } from './rpc.js'
import { parseEventFilter, streamEvents } from './sse.js'
import { bearerToken, tokenMatches } from './token.js'

const log = logger('murmur:api:server')

/**
 * The largest request body: a 1 MiB message text plus the JSON around it fits, so that an
 * oversized text gets the library's clear InvalidMessageTextError rather than a bare 413.
 */
export const MAX_BODY_BYTES = 1024 * 1024 + 16 * 1024
/** At most this many /events streams at once. */
export const MAX_EVENT_CLIENTS = 32
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
}

export interface ApiServer {
  readonly host: string
  readonly port: number
  /** host:port, as written into api.address. */
  readonly address: string
  /** Ends event streams, aborts running calls, and closes the listener. */
  close: () => Promise<void>
}

function sendJson (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers })
  res.end(text)
}

class BodyTooLargeError extends Error {
  static name = 'BodyTooLargeError'
  constructor () {
    super('request body too large')
    this.name = 'BodyTooLargeError'
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

export async function startApiServer (options: ApiServerOptions): Promise<ApiServer> {
  const { murmur, token } = options
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES
  const maxEventClients = options.maxEventClients ?? MAX_EVENT_CLIENTS
  const shutdown = new AbortController()
  const eventStreams = new Set<() => void>()

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
    const response = await handleRpcBody(murmur, body, { signal })
    res.off('close', onClose)
    if (res.destroyed) return
    if (response === undefined) {
      res.writeHead(204).end()
    } else {
      sendJson(res, 200, response)
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const presented = bearerToken(req.headers.authorization)
    if (presented === undefined || !tokenMatches(token, presented)) {
      refuse(res, 401, 'unauthorized: send Authorization: Bearer <the token in api.token>', { 'WWW-Authenticate': 'Bearer' })
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
    if (url.pathname === '/events') {
      if (req.method !== 'GET') { refuse(res, 405, 'use GET /events', { Allow: 'GET' }); return }
      const names = parseEventFilter(url.searchParams.get('events'))
      if (typeof names === 'string') { refuse(res, 400, names); return }
      if (eventStreams.size >= maxEventClients) { refuse(res, 503, `too many event streams (at most ${maxEventClients})`); return }
      const close = streamEvents(murmur, res, names)
      eventStreams.add(close)
      res.on('close', () => { eventStreams.delete(close) })
      return
    }
    refuse(res, 404, 'not found: the API serves POST /rpc and GET /events')
  })
  server.requestTimeout = REQUEST_TIMEOUT_MS
  server.headersTimeout = REQUEST_TIMEOUT_MS

  const host = options.host ?? DEFAULT_API_HOST
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  log('API listening on %s', formatApiAddress(host, port))

  return {
    host,
    port,
    address: formatApiAddress(host, port),
    close: async () => {
      shutdown.abort()
      for (const close of [...eventStreams]) close()
      await new Promise<void>((resolve) => {
        server.close(() => { resolve() })
        server.closeAllConnections()
      })
    }
  }
}
