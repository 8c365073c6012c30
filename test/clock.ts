/**
 * A clock for tests of times to live, expiry and backoff (src/runtime/clock.ts): it runs with
 * the system's time, and a test moves it forward (`advance`) instead of sleeping until a time
 * to live has passed. A timer whose time the move reaches fires at once; the others keep
 * their place on the moved clock. Everything else in the node keeps running in real time.
 */
import type { Clock, ClockTimer } from '../src/runtime/clock.js'

interface Pending extends ClockTimer {
  dueAt: number
  callback: () => void
  real: ReturnType<typeof setTimeout> | undefined
  unrefd: boolean
}

export class SteppedClock implements Clock {
  private offsetMs = 0
  private readonly pending = new Set<Pending>()

  readonly now = (): number => Date.now() + this.offsetMs

  readonly setTimeout = (callback: () => void, ms: number): ClockTimer => {
    const timer: Pending = {
      dueAt: this.now() + Math.max(0, ms),
      callback,
      real: undefined,
      unrefd: false,
      unref: () => { timer.unrefd = true; timer.real?.unref() }
    }
    this.pending.add(timer)
    this.arm(timer)
    return timer
  }

  readonly clearTimeout = (timer: ClockTimer | undefined): void => {
    const t = timer as Pending | undefined
    if (t === undefined || !this.pending.delete(t)) return
    clearTimeout(t.real)
  }

  readonly sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted === true) return
    await new Promise<void>(resolve => {
      const done = (): void => {
        signal?.removeEventListener('abort', aborted)
        resolve()
      }
      const timer = this.setTimeout(done, ms)
      const aborted = (): void => { this.clearTimeout(timer); done() }
      signal?.addEventListener('abort', aborted, { once: true })
    })
  }

  /** Moves the clock `ms` forward; the timers it reaches fire now, in the order they were due. */
  advance (ms: number): void {
    this.offsetMs += ms
    const now = this.now()
    const due = [...this.pending].filter(t => t.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt)
    for (const t of due) this.fire(t)
    for (const t of this.pending) this.arm(t)
  }

  private arm (timer: Pending): void {
    clearTimeout(timer.real)
    timer.real = setTimeout(() => { this.fire(timer) }, Math.max(0, timer.dueAt - this.now()))
    if (timer.unrefd) timer.real.unref()
  }

  private fire (timer: Pending): void {
    if (!this.pending.delete(timer)) return
    clearTimeout(timer.real)
    timer.callback()
  }
}
