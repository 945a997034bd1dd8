// The service worker of the portal and the staff workspace (scope /):
// Web Push (docs/FRONTEND.md, docs/DESIGN.md § Notifications and
// deliveries). The server sends each push encrypted for this browser; the
// browser hands it here decrypted, as JSON {title, body, link, tag,
// urgent}: it is shown as a notification even while every page is closed,
// and a tap opens (or focuses) the record's page. Nothing is cached: the
// pages load as without it.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : '' };
  }
  const options = {
    body: data.body || '',
    data: { link: data.link || '/' },
    icon: '/favicon.svg',
    lang: 'zh-CN',
    requireInteraction: !!data.urgent, // an urgent repair stays until it is seen
  };
  if (data.tag) options.tag = data.tag;
  event.waitUntil(self.registration.showNotification(data.title || '物业客服中心', options));
});

// pageOf is the notification's page on this site (a link elsewhere opens the portal).
function pageOf(notification) {
  const url = new URL((notification.data && notification.data.link) || '/', self.location.origin);
  return url.origin === self.location.origin ? url.href : self.location.origin + '/';
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = pageOf(event.notification);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const app = new URL(target).pathname;
    for (const w of windows) {
      if (new URL(w.url).pathname !== app) continue;
      try {
        const focused = await w.focus();
        if (w.url !== target) await (focused || w).navigate(target);
        return;
      } catch { /* an uncontrolled window cannot be moved: open a new one */ }
    }
    await self.clients.openWindow(target);
  })());
});
