/**
 * JSON-RPC 2.0 processing (https://www.jsonrpc.org/specification), transport-free: parse a
 * request body, validate it against the method table, run the handler, and build the response.
 * Params are checked BEFORE the handler runs, so a refused request changes nothing.
 */
import { logger } from '@libp2p/logger'
import type { Murmur } from '../messenger/api-types.js'
import { RpcErrorCode, rpcCodeOf } from '../errors/index.js'
import { METHODS, isMethodName } from './methods.js'
import { validateParams } from './params.js'
import type { MethodDefinition, MethodContext } from './methods.js'
import type { ParamSchema } from './params.js'

const log = logger('murmur:api:rpc')

export type JsonRpcId = string | number | null

export interface JsonRpcError {
  code: number
  message: string
  data?: { name: string }
}

export type JsonRpcResponse =
  | { jsonrpc: '2.0', id: JsonRpcId, result: unknown }
  | { jsonrpc: '2.0', id: JsonRpcId, error: JsonRpcError }

function errorResponse (id: JsonRpcId, code: number, message: string, name?: string): JsonRpcResponse {
  return { jsonrpc: '2.0', id, error: { code, message, ...(name !== undefined ? { data: { name } } : {}) } }
}

/** Turns anything a handler threw into a JSON-RPC error with a stable code and data.name. */
export function toRpcError (err: unknown): JsonRpcError {
  const code = err instanceof Error ? rpcCodeOf(err.name) : undefined
  if (code !== undefined) return { code, message: (err as Error).message, data: { name: (err as Error).name } }
  // Unknown failures keep their name for diagnosis but never a stack trace.
  const name = err instanceof Error ? err.name : 'Error'
  const message = err instanceof Error ? err.message : String(err)
  return { code: RpcErrorCode.INTERNAL_ERROR, message: `internal error: ${message}`, data: { name } }
}

function isValidId (id: unknown): id is JsonRpcId {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))
}

/**
 * Handles one request body. Returns the response, or undefined for a notification (a request
 * without an id, which JSON-RPC answers with nothing).
 */
export async function handleRpcBody (murmur: Murmur, body: string, context: MethodContext): Promise<JsonRpcResponse | undefined> {
  let request: unknown
  try {
    request = JSON.parse(body)
  } catch {
    return errorResponse(null, RpcErrorCode.PARSE_ERROR, 'parse error: the body is not valid JSON')
  }
  if (Array.isArray(request)) {
    return errorResponse(null, RpcErrorCode.INVALID_REQUEST, 'batch requests are not supported; send one request per call')
  }
  if (request === null || typeof request !== 'object') {
    return errorResponse(null, RpcErrorCode.INVALID_REQUEST, 'invalid request: expected a JSON-RPC 2.0 request object')
  }
  const { jsonrpc, method, params } = request as Record<string, unknown>
  const hasId = Object.hasOwn(request, 'id')
  const rawId = (request as Record<string, unknown>).id
  const id: JsonRpcId = isValidId(rawId) ? rawId : null
  if (hasId && !isValidId(rawId)) {
    return errorResponse(null, RpcErrorCode.INVALID_REQUEST, 'invalid request: "id" must be a string, a number or null')
  }
  if (jsonrpc !== '2.0') return errorResponse(id, RpcErrorCode.INVALID_REQUEST, 'invalid request: "jsonrpc" must be "2.0"')
  if (typeof method !== 'string') return errorResponse(id, RpcErrorCode.INVALID_REQUEST, 'invalid request: "method" must be a string')
  if (!isMethodName(method)) return errorResponse(id, RpcErrorCode.METHOD_NOT_FOUND, `method not found: ${method}`)

  const definition = METHODS[method] as unknown as MethodDefinition<ParamSchema, unknown>
  let response: JsonRpcResponse
  try {
    const validated = validateParams(definition.params, params)
    const result = await definition.handler(murmur, validated, context)
    response = { jsonrpc: '2.0', id, result: result ?? null }
  } catch (err) {
    const error = toRpcError(err)
    // Only the error's name: messages may carry contact names or text (never logged).
    if (error.code === RpcErrorCode.INTERNAL_ERROR) log.error('method %s failed with %s', method, error.data?.name)
    response = { jsonrpc: '2.0', id, error }
  }
  return hasId ? response : undefined
}
