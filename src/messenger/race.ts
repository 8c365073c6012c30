/**
 * "Happy eyeballs" for delivery paths (DESIGN.md "Delivery": paths race or fail fast): the
 * preferred path starts at once; the fallback starts when the preferred one fails or has not
 * succeeded within its head start, whichever comes first. The first success wins and the other
 * path is aborted; when both fail, the preferred path's error is thrown (it says the most).
 */
export interface RacedPath<T> {
  run: (signal: AbortSignal) => Promise<T>
}

export interface RaceResult<T> {
  value: T
  /** Which path won. */
  path: 'preferred' | 'fallback'
}

export async function preferredThenFallback<T> (preferred: RacedPath<T>, fallback: RacedPath<T>, headStartMs: number, signal: AbortSignal): Promise<RaceResult<T>> {
  signal.throwIfAborted()
  const preferredAbort = new AbortController()
  const fallbackAbort = new AbortController()
  const onAbort = (): void => {
    preferredAbort.abort(signal.reason)
    fallbackAbort.abort(signal.reason)
  }
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    return await new Promise<RaceResult<T>>((resolve, reject) => {
      let settled = false
      let preferredError: unknown
      let fallbackError: unknown
      let fallbackStarted = false
      let failures = 0
      const win = (value: T, path: RaceResult<T>['path']): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        ;(path === 'preferred' ? fallbackAbort : preferredAbort).abort(new Error('another path won'))
        resolve({ value, path })
      }
      const fail = (): void => {
        failures++
        if (settled || failures < 2) return
        settled = true
        clearTimeout(timer)
        reject(preferredError ?? fallbackError)
      }
      const startFallback = (): void => {
        if (fallbackStarted || settled) return
        fallbackStarted = true
        clearTimeout(timer)
        fallback.run(fallbackAbort.signal).then(v => { win(v, 'fallback') }, (err) => { fallbackError = err; fail() })
      }
      const timer = setTimeout(startFallback, headStartMs)
      preferred.run(preferredAbort.signal).then(v => { win(v, 'preferred') }, (err) => {
        preferredError = err
        startFallback()
        fail()
      })
    })
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
