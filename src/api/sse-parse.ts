/**
 * Reading the event stream on the client side: Server-Sent Events
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html) parsed by eventsource-parser,
 * a maintained parser that follows the spec's line and field rules (CR, LF and CRLF line ends,
 * multi-line data, comments, fields without a space), then each event's data read as JSON.
 */
import { createParser } from 'eventsource-parser'
import { ApiProtocolError } from './errors.js'

export interface SseEvent {
  /** The `event:` field; `message` when absent, as in a browser's EventSource. */
  event: string
  data: unknown
}

/** Parses a text/event-stream body, chunk by chunk, into events; comments are skipped. */
export async function * parseEventStream (chunks: AsyncIterable<string>): AsyncGenerator<SseEvent> {
  const parsed: SseEvent[] = []
  const parser = createParser({
    onEvent: (message) => {
      let data: unknown
      try {
        data = JSON.parse(message.data)
      } catch {
        throw new ApiProtocolError('an event of the event stream does not carry JSON')
      }
      parsed.push({ event: message.event ?? 'message', data })
    }
  })
  for await (const chunk of chunks) {
    parser.feed(chunk)
    while (parsed.length > 0) yield parsed.shift() as SseEvent
  }
}
