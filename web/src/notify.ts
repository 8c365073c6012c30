/**
 * Desktop notifications for new messages while the tab is hidden and no other tab of the app is
 * visible (presence.ts), only with the user's permission (asked from a button, never on load).
 */
import type { MessageView } from '../../src/messenger/types.js'
import { shortPeerId } from './format.js'
import { anotherTabVisible } from './presence.js'
import { href } from './route.js'
import { contacts } from './state.js'
import { Observable } from './store.js'

const supported = typeof Notification !== 'undefined'

export const notificationPermission = new Observable<NotificationPermission | 'unsupported'>(supported ? Notification.permission : 'unsupported')

export async function askNotificationPermission (): Promise<void> {
  if (!supported) return
  notificationPermission.set(await Notification.requestPermission())
}

export function notifyIncoming (message: MessageView): void {
  if (!supported || message.direction !== 'in' || document.visibilityState !== 'hidden' || Notification.permission !== 'granted') return
  if (anotherTabVisible()) return
  const name = message.contact ?? contacts.value.find(c => c.peerId === message.peerId)?.name ?? shortPeerId(message.peerId)
  // The body is given as text; a notification never renders markup.
  const notification = new Notification(name, { body: message.text.slice(0, 200), tag: message.peerId })
  notification.addEventListener('click', () => {
    window.focus()
    location.hash = href({ view: 'conversation', peerId: message.peerId })
    notification.close()
  })
}
