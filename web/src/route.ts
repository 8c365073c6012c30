/**
 * Hash routes (#/c/<peer ID>, #/contacts, ...): the server serves one page, and a fragment is
 * never sent to it. `#code=...` is the sign-in code (main.tsx), not a route.
 */
import { Observable } from './store.js'

export type Route =
  | { view: 'home' }
  | { view: 'conversation', peerId: string }
  | { view: 'contacts' }
  | { view: 'contact', peerId: string }
  | { view: 'relays' }
  | { view: 'node' }

export function parseRoute (hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent)
  switch (parts[0]) {
    case 'c': return parts[1] !== undefined && parts[1] !== '' ? { view: 'conversation', peerId: parts[1] } : { view: 'home' }
    case 'contacts': return parts[1] !== undefined && parts[1] !== '' ? { view: 'contact', peerId: parts[1] } : { view: 'contacts' }
    case 'relays': return { view: 'relays' }
    case 'node': return { view: 'node' }
    default: return { view: 'home' }
  }
}

export function href (route: Route): string {
  switch (route.view) {
    case 'home': return '#/'
    case 'conversation': return `#/c/${encodeURIComponent(route.peerId)}`
    case 'contacts': return '#/contacts'
    case 'contact': return `#/contacts/${encodeURIComponent(route.peerId)}`
    case 'relays': return '#/relays'
    case 'node': return '#/node'
  }
}

export const route = new Observable<Route>(parseRoute(location.hash))
window.addEventListener('hashchange', () => { route.set(parseRoute(location.hash)) })

export function navigate (to: Route): void {
  location.hash = href(to)
}
