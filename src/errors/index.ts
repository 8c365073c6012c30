/** murmur's typed errors: the shared base and the one table of exit and JSON-RPC codes. */
export { MurmurError } from './murmur-error.js'
export { ERROR_CODES, RpcErrorCode, exitCodeOf, rpcCodeFor, rpcCodeOf, type ErrorCodes } from './codes.js'
export { ExitCode, type ExitCodeValue } from './exit-codes.js'
