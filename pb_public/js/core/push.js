// Web Push in this browser (docs/FRONTEND.md): the switch on the
// notification settings of the portal and the staff workspace. Turning it
// on asks for permission (only on that tap), registers the service worker
// (/sw.js), subscribes at the browser's push service with the office's
// VAPID key (GET /api/wuye/push/key) and saves the subscription in
// push_subscriptions; turning it off deletes the row and unsubscribes. A
// browser whose push service cannot be reached (a closed network) says so.
import { html, useState, useEffect } from './html.js';
import { pb, errorText } from './api.js';
import { t, addMessages } from './i18n.js';
import { ErrorBox } from './ui.js';

addMessages({
  'push.title': ['推送通知', 'Push notifications'],
  'push.hint': ['开启后，即使关闭了网页，这台设备也会收到通知（手机和电脑需分别开启）。', 'Once on, this device is told even when the page is closed (turn it on on each phone or computer).'],
  'push.on': ['开启推送通知', 'Turn on push notifications'],
  'push.off': ['关闭推送通知', 'Turn off push notifications'],
  'push.isOn': ['本设备已开启推送通知', 'Push notifications are on on this device'],
  'push.isOff': ['本设备未开启推送通知', 'Push notifications are off on this device'],
  'push.unsupported': ['此浏览器不支持推送通知（iPhone 需先“添加到主屏幕”）', 'This browser cannot receive push notifications (on an iPhone, add the page to the home screen first)'],
  'push.denied': ['通知权限被拒绝：请在浏览器的网站设置中允许通知后再试', 'Notifications are blocked: allow them in the browser\'s site settings and try again'],
  'push.unreachable': ['无法连接浏览器的推送服务，暂时不能开启推送通知（网页内的通知不受影响）', 'The browser\'s push service cannot be reached: push notifications cannot be turned on now (notifications in the app still show)'],
});

export const pushSupported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

function keyBytes(b64) {
  const s = atob(b64.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

async function registration() {
  await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  return navigator.serviceWorker.ready;
}

// savedRow is me's row of this browser's subscription, or null.
async function savedRow(sub) {
  if (!sub) return null;
  const r = await pb.collection('push_subscriptions').getList(1, 1, { filter: pb.filter('endpoint = {:e}', { e: sub.endpoint }) });
  return r.items[0] || null;
}

/** PushSwitch: this browser's Web Push for me; onOn runs after it is turned on. */
export function PushSwitch({ me, onOn }) {
  const field = me.collectionName === 'staff' ? 'recipient_staff' : 'recipient_resident';
  const [state, setState] = useState(pushSupported() ? 'loading' : 'unsupported');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (state === 'unsupported') return;
    (async () => {
      try {
        const reg = await navigator.serviceWorker.getRegistration('/');
        const sub = reg && await reg.pushManager.getSubscription();
        setState((await savedRow(sub)) ? 'on' : 'off');
      } catch {
        setState('off');
      }
    })();
  }, [me.id]);
  const turnOn = async () => {
    setBusy(true);
    setError('');
    try {
      if ((await Notification.requestPermission()) !== 'granted') { setError(t('push.denied')); return; }
      const { key } = await pb.send('/api/wuye/push/key', {});
      const reg = await registration();
      let sub;
      try {
        const old = await reg.pushManager.getSubscription();
        if (old) await old.unsubscribe(); // made with another key, or someone else's: start afresh
        // A push service out of reach may never answer: give up after 20 s.
        sub = await Promise.race([reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) }),
          new Promise((_, fail) => { setTimeout(() => fail(new Error('timeout')), 20_000); })]);
      } catch {
        setError(t('push.unreachable'));
        return;
      }
      const j = sub.toJSON();
      await pb.collection('push_subscriptions').create({ [field]: me.id, endpoint: j.endpoint, p256dh: j.keys.p256dh, auth: j.keys.auth,
        user_agent: navigator.userAgent.slice(0, 290) });
      setState('on');
      if (onOn) await onOn();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const turnOff = async () => {
    setBusy(true);
    setError('');
    try {
      const reg = await navigator.serviceWorker.getRegistration('/');
      const sub = reg && await reg.pushManager.getSubscription();
      const row = await savedRow(sub);
      if (row) await pb.collection('push_subscriptions').delete(row.id);
      if (sub) await sub.unsubscribe();
      setState('off');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="card stack" data-testid="push-switch" aria-labelledby="h-push">
    <h2 id="h-push">${t('push.title')}</h2>
    <small class="hint">${t('push.hint')}</small>
    ${state === 'unsupported' ? html`<p class="muted">${t('push.unsupported')}</p>`
      : state === 'loading' ? null
      : html`<p data-testid="push-state">${t(state === 'on' ? 'push.isOn' : 'push.isOff')}</p>
        <div><button type="button" class=${state === 'on' ? '' : 'primary'} disabled=${busy} onClick=${state === 'on' ? turnOff : turnOn}>
          ${t(state === 'on' ? 'push.off' : 'push.on')}</button></div>`}
    <${ErrorBox} error=${error} />
  </section>`;
}
