/**
 * One deadline for a piece of network work: a signal that aborts when `parent` aborts, or
 * after `ms` with a TimeoutError (as AbortSignal.timeout's), and `clear()`, which ends both
 * once the work is done. `AbortSignal.any([parent, AbortSignal.timeout(ms)])` does the same
 * but leaves its timer pending until it fires, and costs ~20 us a call on these machines:
 * the delivery made two such signals and a timed race for every round, one round per message
 * of a conversation (issue 9).
 */
export interface Deadline {
  readonly signal: AbortSignal
  clear: () => void
}

export function deadline (parent: AbortSignal, ms: number): Deadline {
  const controller = new AbortController()
  if (parent.aborted) {
    controller.abort(parent.reason)
    return { signal: controller.signal, clear: () => {} }
  }
  const onAbort = (): void => {
    clearTimeout(timer)
    controller.abort(parent.reason)
  }
  const timer = setTimeout(() => {
    parent.removeEventListener('abort', onAbort)
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))
  }, ms)
  timer.unref?.()
  parent.addEventListener('abort', onAbort, { once: true })
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer)
      parent.removeEventListener('abort', onAbort)
    }
  }
}

/**
 * Resolves 'done' when `work` settles (or `signal` aborts), or 'slow' when it has not after
 * `ms`: one timer, cleared as soon as the race is decided.
 */
export async function settlesWithin (work: Promise<unknown>, ms: number, signal: AbortSignal): Promise<'done' | 'slow'> {
  if (signal.aborted) return 'done'
  return await new Promise((resolve) => {
    const finish = (outcome: 'done' | 'slow'): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      resolve(outcome)
    }
    const onAbort = (): void => { finish('done') }
    const timer = setTimeout(() => { finish('slow') }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(() => { finish('done') }, () => { finish('done') })
  })
}
