/**
 * The page's client of the local API (docs/api.md): the same JSON-RPC methods and events as
 * the CLI, over the same origin, authenticated by the session cookie (docs/web.md).
 */
import { ApiRemoteError } from '../../src/api/errors.js'
import type { MethodName, MethodParams, MethodResult } from '../../src/api/methods.js'

/** Default time allowed for one call. */
const CALL_TIMEOUT_MS = 20_000

/** The node answered 401: this browser has no valid session (sign in with `murmur open`). */
export class NotSignedInError extends Error {
  constructor () {
    super('not signed in: run `murmur open` to sign in')
    this.name = 'NotSignedInError'
  }
}

/** The node did not answer: it is stopped, or the network call timed out. */
export class NodeUnreachableError extends Error {
  constructor (message = 'the murmur node does not answer') {
    super(message)
    this.name = 'NodeUnreachableError'
  }
}

/** The node did not end this browser's session (it answered an error): the browser is still signed in. */
export class SignOutFailedError extends Error {
  constructor (status: number) {
    super(`the node did not sign this browser out (HTTP ${status})`)
    this.name = 'SignOutFailedError'
  }
}

let nextId = 1

/** Calls a method; a JSON-RPC error is ApiRemoteError (the CLI client's class, `remoteName` = the library error's name). */
export async function call<M extends MethodName> (method: M, params: MethodParams<M>, timeoutMs = CALL_TIMEOUT_MS): Promise<MethodResult<M>> {
  let res: Response
  try {
    res = await fetch('/rpc', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
      credentials: 'same-origin',
      signal: AbortSignal.timeout(timeoutMs)
    })
  } catch {
    throw new NodeUnreachableError()
  }
  if (res.status === 401) throw new NotSignedInError()
  if (res.status !== 200) throw new NodeUnreachableError(`the node answered HTTP ${res.status}`)
  const body = await res.json() as { result?: unknown, error?: { code: number, message: string, data?: { name?: string } } }
  if (body.error !== undefined) throw new ApiRemoteError(body.error.message, body.error.code, body.error.data?.name ?? 'Error')
  return body.result as MethodResult<M>
}

/** Trades a one-time code for the session cookie; false when the code is not (or no longer) good. */
export async function signIn (code: string): Promise<boolean> {
  let res: Response
  try {
    res = await fetch('/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }),
      credentials: 'same-origin',
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS)
    })
  } catch {
    throw new NodeUnreachableError()
  }
  return res.status === 200
}

/**
 * Ends this browser's session at the node. Rejects (NodeUnreachableError, SignOutFailedError)
 * unless the node said it did: a page that showed "signed out" after a failed request left a
 * session that still worked, on a computer its user thought they had signed out of.
 */
export async function signOut (): Promise<void> {
  let res: Response
  try {
    res = await fetch('/session', { method: 'DELETE', credentials: 'same-origin', signal: AbortSignal.timeout(CALL_TIMEOUT_MS) })
  } catch {
    throw new NodeUnreachableError()
  }
  if (!res.ok) throw new SignOutFailedError(res.status)
}

/** A user-facing sentence for a failed call. */
export function errorText (err: unknown): string {
  if (err instanceof ApiRemoteError || err instanceof NotSignedInError || err instanceof NodeUnreachableError || err instanceof SignOutFailedError) return err.message
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}
