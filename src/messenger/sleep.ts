import { setTimeout as setTimeoutPromise } from 'node:timers/promises'

/**
 * Waits `ms`, or less if `signal` aborts. node:timers/promises removes its abort listener when
 * the time is up: the listener this used to add stayed on the long-lived signal at every
 * retry, and a node whose relay was down warned MaxListenersExceededWarning (issue 11).
 */
export async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  await setTimeoutPromise(ms, undefined, { signal }).catch(() => {})
}
