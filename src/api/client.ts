/**
 * A small client of the local API: reads api.address and api.token from the home, calls
 * JSON-RPC methods (typed by the method table) and subscribes to the event stream. The CLI
 * uses it for every command except init, id and start.
 *
 * node:http rather than fetch: undici's default 300 s header and body timeouts would cut a
 * long `send --wait` or an idle event stream.
 */
import { request, type IncomingMessage } from 'node:http'
import type { MurmurEventName, MurmurEvents } from '../messenger/events.js'
import { ApiProtocolError, ApiRemoteError, ApiTimeoutError, ApiUnauthorizedError, NodeNotRunningError } from './errors.js'
import type { MethodName, MethodParams, MethodResult } from './methods.js'
import { parseEventStream } from './sse-parse.js'
import { readApiFiles, type ApiFiles } from './api-files.js'

/** Default time allowed for one call (a `send` with wait adds its own timeout to this). */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000

export interface CallOptions {
  timeoutMs?: number
  signal?: AbortSignal
}

export type ApiEvent = { [K in MurmurEventName]: { event: K, data: MurmurEvents[K] } }[MurmurEventName]

export interface EventSubscription extends AsyncIterable<ApiEvent> {
  close: () => void
}

function isConnectionRefused (err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EADDRNOTAVAIL'
}

async function readAll (res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of res) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export class ApiClient {
  readonly home: string
  private readonly files: ApiFiles
  private nextId = 1

  private constructor (home: string, files: ApiFiles) {
    this.home = home
    this.files = files
  }

  /** Reads the home's api.address and api.token; throws NodeNotRunningError without them. */
  static async connect (home: string): Promise<ApiClient> {
    const files = await readApiFiles(home)
    if (files === undefined) throw new NodeNotRunningError(home)
    return new ApiClient(home, files)
  }

  private async open (method: 'POST' | 'GET', path: string, body: string | undefined, signal: AbortSignal): Promise<IncomingMessage> {
    return await new Promise((resolve, reject) => {
      const req = request(`http://${this.files.address}${path}`, {
        method,
        signal,
        headers: {
          Authorization: `Bearer ${this.files.token}`,
          ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : { Accept: 'text/event-stream' })
        }
      }, resolve)
      req.on('error', (err) => {
        if (signal.aborted) reject(signal.reason instanceof Error ? signal.reason : new ApiTimeoutError())
        else if (isConnectionRefused(err)) reject(new NodeNotRunningError(this.home))
        else reject(err)
      })
      req.end(body)
    })
  }

  /** Calls a method; resolves with its result or throws ApiRemoteError (the library error). */
  async call<M extends MethodName> (method: M, params: MethodParams<M>, options: CallOptions = {}): Promise<MethodResult<M>> {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS)
    const signal = options.signal !== undefined ? AbortSignal.any([options.signal, timeout]) : timeout
    const id = this.nextId++
    try {
      const res = await this.open('POST', '/rpc', JSON.stringify({ jsonrpc: '2.0', id, method, params }), signal)
      const text = await readAll(res)
      if (res.statusCode === 401) throw new ApiUnauthorizedError()
      if (res.statusCode !== 200) throw new ApiProtocolError(`the API answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`)
      let response: { result?: unknown, error?: { code: number, message: string, data?: { name?: string } } }
      try {
        response = JSON.parse(text)
      } catch {
        throw new ApiProtocolError('the API answered something that is not JSON')
      }
      if (response.error !== undefined) {
        throw new ApiRemoteError(response.error.message, response.error.code, response.error.data?.name ?? 'Error')
      }
      return response.result as MethodResult<M>
    } catch (err) {
      if (timeout.aborted && options.signal?.aborted !== true) throw new ApiTimeoutError()
      throw err
    }
  }

  /**
   * Opens the event stream; resolves once the subscription is live on the node (so an event
   * that happens after this resolves is not missed).
   */
  async events (options: { names?: MurmurEventName[], signal?: AbortSignal, timeoutMs?: number } = {}): Promise<EventSubscription> {
    const local = new AbortController()
    // The timeout covers connecting only. It must not be part of the request's signal: an
    // aborted signal destroys the request at any time, which would cut a live stream.
    let timedOut = false
    const connectTimer = setTimeout(() => { timedOut = true; local.abort() }, options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS)
    const query = options.names !== undefined ? `?events=${encodeURIComponent(options.names.join(','))}` : ''
    let res: IncomingMessage
    try {
      res = await this.open('GET', `/events${query}`, undefined, AbortSignal.any([local.signal, ...(options.signal !== undefined ? [options.signal] : [])]))
    } catch (err) {
      if (timedOut) throw new ApiTimeoutError()
      throw err
    } finally {
      clearTimeout(connectTimer)
    }
    if (res.statusCode === 401) { res.resume(); throw new ApiUnauthorizedError() }
    if (res.statusCode !== 200) throw new ApiProtocolError(`the event stream answered HTTP ${res.statusCode}: ${(await readAll(res)).slice(0, 200)}`)
    // Once connected, only the caller's signal (or close) ends the stream.
    const stop = (): void => { res.destroy() }
    options.signal?.addEventListener('abort', stop, { once: true })
    return {
      close: () => { local.abort(); stop() },
      [Symbol.asyncIterator]: () => parseSse(res)
    }
  }
}

/** The event stream's body as API events; a stream ended by close() or the caller's signal ends quietly. */
async function * parseSse (res: IncomingMessage): AsyncGenerator<ApiEvent> {
  res.setEncoding('utf8')
  try {
    for await (const event of parseEventStream(res as AsyncIterable<string>)) yield event as ApiEvent
  } catch (err) {
    if (!res.destroyed) throw err
  }
}
