/**
 * The local control API: JSON-RPC 2.0 over HTTP plus an SSE event stream (docs/api.md).
 */
export { ApiClient, DEFAULT_CALL_TIMEOUT_MS, type ApiEvent, type CallOptions, type EventSubscription } from './client.js'
export { startDaemon, type CreateMurmur, type Daemon, type DaemonOptions } from './daemon.js'
export { startApiServer, MAX_BODY_BYTES, MAX_EVENT_CLIENTS, type ApiServer, type ApiServerOptions } from './server.js'
export { METHODS, FINAL_SEND_STATES, DEFAULT_SEND_WAIT_SECONDS, MAX_SEND_WAIT_SECONDS, type MethodName, type MethodParams, type MethodResult } from './methods.js'
export { ERROR_CODES, RpcErrorCode, rpcCodeFor } from '../errors/index.js'
export { EVENT_NAMES } from './sse.js'
export { parseApiAddress, checkApiAddress, isLoopbackHost, formatApiAddress, DEFAULT_API_HOST } from './address.js'
export { generateApiToken, tokenMatches } from './token.js'
export { readApiFiles, writeApiFiles, removeApiFiles } from './api-files.js'
export * from './errors.js'
