/** Small helpers shared by the dm and bundle services. */
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'

/** A map key for an envelope id. */
export function idKey (id: Uint8Array): string {
  return uint8ArrayToString(id, 'base16')
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, on a code point boundary. */
export function truncateUtf8 (text: string, maxBytes: number): string {
  const encoder = new TextEncoder()
  if (encoder.encode(text).byteLength <= maxBytes) {
    return text
  }
  let out = ''
  let used = 0
  for (const char of text) {
    const size = encoder.encode(char).byteLength
    if (used + size > maxBytes) {
      break
    }
    out += char
    used += size
  }
  return out
}

/** Settles like `promise`, or rejects with the signal's reason when it aborts first. */
export async function raceAbort<T> (promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    throw signal.reason
  }
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => { reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([promise, aborted])
  } finally {
    if (onAbort != null) {
      signal.removeEventListener('abort', onAbort)
    }
  }
}

export interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
  reject(reason: unknown): void
}

/** Promise.withResolvers (ES2024; shimmed on Node 20 but not in this project's lib types). */
export function deferred<T> (): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (reason: unknown) => void
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej })
  return { promise, resolve, reject }
}
