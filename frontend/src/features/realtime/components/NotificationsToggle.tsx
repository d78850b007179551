import { useState } from 'react';

/** Asks for browser-notification permission (only shown while the choice is still open). */
export function NotificationsToggle() {
  const supported = typeof window !== 'undefined' && 'Notification' in window;
  const [permission, setPermission] = useState(supported ? Notification.permission : 'denied');
  if (!supported || permission !== 'default') return null;
  return (
    <button type="button" className="btn btn-link btn-small" onClick={() => void Notification.requestPermission().then(setPermission)}>
      Enable notifications
    </button>
  );
}
