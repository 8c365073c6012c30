/**
 * An async iterable that ends when a signal aborts, whether or not its source honours the
 * signal itself. kad-dht's get/put queries were seen to run tens of seconds past their own
 * signals on a loaded 100-node network (docs/benchmarks.md "The reach benchmark"), and a lookup
 * or a send waiting on them must keep its deadline: a dead path never delays a live one.
 */
import { raceSignal } from 'race-signal'

/** Yields what `source` yields until it ends or `signal` aborts (then throws the abort reason). */
export async function * untilAborted<T> (source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]()
  try {
    while (true) {
      // raceSignal also swallows a failure of the source that comes after the abort.
      const result = await raceSignal(iterator.next(), signal)
      if (result.done === true) return
      yield result.value
    }
  } finally {
    // Asks the source to stop; it may take its time, which is no longer ours.
    iterator.return?.()?.catch(() => {})
  }
}
