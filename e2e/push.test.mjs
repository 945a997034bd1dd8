// Web Push (docs/DESIGN.md § Notifications and deliveries): the field app is
// told of a dispatch while it is closed. The test is the push service: a
// node http server on loopback that a technician's subscription points at.
// The server encrypts the push for the subscription's keys (RFC 8291) and
// posts it there; the test decrypts it with those keys, hands it to the
// browser's service worker through the DevTools protocol (Chromium's own
// push service cannot be reached here) and reads the notification the
// worker showed. The settings switch asks for permission on the tap,
// subscribes with the office's key and saves what the browser returns; a
// browser whose push service is out of reach says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import { startServer, launch, newPage, signIn, api, PHONE } from './harness.mjs';

let server, browser, push, desk, tech;
const received = [];
const waiting = [];

before(async () => {
  server = await startServer();
  browser = await launch();
  push = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const r = { path: req.url, headers: req.headers, body: Buffer.concat(chunks) };
      received.push(r);
      waiting.splice(0).forEach((w) => w(r));
      res.writeHead(201).end();
    });
  });
  await new Promise((r) => push.listen(0, '127.0.0.1', r));
  desk = await api(server.url, 'frontdesk@example.com');
  tech = await api(server.url, 'tech1@example.com');
});
after(async () => { push?.close(); await browser?.close(); await server?.stop(); });

const pushURL = (path) => `http://127.0.0.1:${push.address().port}${path}`;
const b64u = (buf) => Buffer.from(buf).toString('base64url');

/** nextPush resolves with the next push the server posts to path. */
function nextPush(path, ms = 30_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no push reached the test push service')), ms);
    const check = (r) => { if (r.path === path) { clearTimeout(timer); resolve(r); } else waiting.push(check); };
    waiting.push(check);
  });
}

/** browserKeys are a subscription's keys as a browser makes them: P-256 and a 16-byte auth secret. */
function browserKeys() {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = crypto.randomBytes(16);
  return { ecdh, auth, p256dh: b64u(ecdh.getPublicKey()), authKey: b64u(auth) };
}

/** decrypt opens an aes128gcm push body (RFC 8188, keys of RFC 8291) as the browser would. */
function decrypt(keys, body) {
  const salt = body.subarray(0, 16);
  const idlen = body[20];
  const asPub = body.subarray(21, 21 + idlen);
  const ct = body.subarray(21 + idlen);
  const shared = keys.ecdh.computeSecret(asPub);
  const info = Buffer.concat([Buffer.from('WebPush: info\0'), keys.ecdh.getPublicKey(), asPub]);
  const ikm = Buffer.from(crypto.hkdfSync('sha256', shared, keys.auth, info, 32));
  const cek = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const d = crypto.createDecipheriv('aes-128-gcm', cek, nonce);
  d.setAuthTag(ct.subarray(ct.length - 16));
  const plain = Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  assert.equal(plain[end], 2, 'the last record ends with its delimiter');
  return plain.subarray(0, end).toString('utf8');
}

/** openSettings signs tech1 in on a phone whose notifications are allowed, on #/my-notifications. */
async function openSettings() {
  const page = await newPage(browser, PHONE);
  await page.context().grantPermissions(['notifications'], { origin: server.url });
  await signIn(page, server.url, 'tech1@example.com', '/staff/');
  await page.waitForURL(/#\/field$/);
  await page.goto(server.url + '/staff/#/my-notifications');
  await page.getByTestId('push-state').waitFor();
  return page;
}

test('the switch tells when the browser\'s push service is out of reach, and saves what the browser subscribes', async () => {
  const page = await openSettings();
  await page.getByText('本设备未开启推送通知').waitFor();
  // Chromium's own push service is not reachable from here: the switch says so.
  await page.getByRole('button', { name: '开启推送通知' }).click();
  await page.getByText(/无法连接浏览器的推送服务/).waitFor({ timeout: 40_000 });
  assert.equal((await tech.collection('push_subscriptions').getFullList()).length, 0, 'nothing saved');

  // With a push service that answers (stubbed in the page), the switch
  // subscribes with the office's key and saves the subscription.
  const keys = browserKeys();
  const endpoint = pushURL('/push/stub');
  await page.evaluate(({ endpoint, p256dh, auth }) => {
    let current = null;
    PushManager.prototype.subscribe = async function subscribe(opts) {
      window.__subscribedWith = btoa(String.fromCharCode(...new Uint8Array(opts.applicationServerKey))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      current = { endpoint, toJSON: () => ({ endpoint, keys: { p256dh, auth } }), unsubscribe: async () => { current = null; return true; } };
      return current;
    };
    PushManager.prototype.getSubscription = async function getSubscription() { return current; };
  }, { endpoint, p256dh: keys.p256dh, auth: keys.authKey });
  await page.getByRole('button', { name: '开启推送通知' }).click();
  await page.getByText('本设备已开启推送通知').waitFor();
  const { key } = await tech.send('/api/wuye/push/key', {});
  assert.equal(await page.evaluate(() => window.__subscribedWith), key, 'subscribed with the office\'s VAPID key');
  const rows = await tech.collection('push_subscriptions').getFullList();
  assert.deepEqual(rows.map((r) => [r.endpoint, r.p256dh, r.auth]), [[endpoint, keys.p256dh, keys.authKey]]);
  assert.match(rows[0].user_agent, /Chrome/);

  // Turning it off deletes the row.
  await page.getByRole('button', { name: '关闭推送通知' }).click();
  await page.getByText('本设备未开启推送通知').waitFor();
  assert.equal((await tech.collection('push_subscriptions').getFullList()).length, 0, 'turned off, the row is gone');
  assert.deepEqual(page.scriptErrors.filter((e) => !/push|Registration failed|AbortError/i.test(String(e))), []);
  await page.context().close();
});

test('the field app receives a push with the app closed', async () => {
  const page = await newPage(browser, PHONE);
  const context = page.context();
  await context.grantPermissions(['notifications'], { origin: server.url });
  await signIn(page, server.url, 'tech1@example.com', '/staff/');
  await page.waitForURL(/#\/field$/);
  // The service worker the switch registers.
  const scope = await page.evaluate(async () => {
    await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    return (await navigator.serviceWorker.ready).scope;
  });
  assert.equal(scope, server.url + '/');
  // The technician's subscription points at the test's push service.
  const keys = browserKeys();
  await tech.collection('push_subscriptions').create({
    recipient_staff: tech.authStore.record.id, endpoint: pushURL('/push/tech1'), p256dh: keys.p256dh, auth: keys.authKey,
  });

  // The DevTools session that will hand the push to the service worker, on
  // a blank tab of the same browser profile; then the field app is closed.
  const blank = await context.newPage();
  const cdp = await context.newCDPSession(blank);
  const registrations = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  await page.close();
  for (let i = 0; i < 50 && !registrations.some((r) => r.scopeURL === server.url + '/' && !r.isDeleted); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const reg = registrations.find((r) => r.scopeURL === server.url + '/' && !r.isDeleted);
  assert.ok(reg, 'the service worker is registered for the site');

  // An urgent repair dispatched to the technician (urgent: pushed even in
  // the quiet hours, so the test holds at any time of day).
  const unit = await desk.collection('units').getFirstListItem('number = "101" && building.code = "1"');
  const order = await desk.collection('work_orders').create({
    unit: unit.id, kind: 'routine', category: 'plumbing', urgency: 'urgent', description: '厨房水管爆裂（电话报修）',
    contact_name: '李明', contact_phone: '13800000001',
  });
  const arriving = nextPush('/push/tech1');
  await desk.collection('work_orders').update(order.id, {
    status: 'dispatched', dispatch_mode: 'assign', technician: tech.authStore.record.id,
    appointment_at: new Date(Date.now() + 30 * 60_000).toISOString().replace('T', ' '),
  });
  const got = await arriving;
  assert.equal(got.headers['content-encoding'], 'aes128gcm');
  assert.equal(got.headers.urgency, 'high');
  assert.match(got.headers.authorization, /^vapid t=.+, k=/);
  const data = decrypt(keys, got.body);
  const payload = JSON.parse(data);
  assert.match(payload.title, /新派工/);
  assert.equal(payload.link, '/staff/#/field/' + order.id);

  // The browser's push service would hand it to the worker now.
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId: reg.registrationId, data });
  // A page opened afterwards reads what the worker showed.
  const reader = await context.newPage();
  await reader.goto(server.url + '/staff/');
  let shown = [];
  for (let i = 0; i < 50 && !shown.length; i++) {
    shown = await reader.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration('/');
      return r ? (await r.getNotifications()).map((n) => ({ title: n.title, body: n.body, data: n.data })) : [];
    });
    if (!shown.length) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(shown.length, 1, 'the service worker showed the notification');
  assert.equal(shown[0].title, payload.title);
  assert.equal(shown[0].data.link, '/staff/#/field/' + order.id);
  await context.close();
});
