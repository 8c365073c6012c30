/**
 * A small observable value and the hook that re-renders a component when it changes. The
 * app's state is a handful of these (state.ts).
 */
import { useEffect, useState } from 'preact/hooks'

export class Observable<T> {
  private current: T
  private readonly listeners = new Set<(value: T) => void>()

  constructor (initial: T) {
    this.current = initial
  }

  get value (): T {
    return this.current
  }

  set (value: T): void {
    if (Object.is(value, this.current)) return
    this.current = value
    for (const listener of [...this.listeners]) listener(value)
  }

  update (change: (value: T) => T): void {
    this.set(change(this.current))
  }

  subscribe (listener: (value: T) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }
}

export function useObservable<T> (observable: Observable<T>): T {
  const [value, setValue] = useState(observable.value)
  useEffect(() => {
    setValue(observable.value)
    return observable.subscribe(setValue)
  }, [observable])
  return value
}
