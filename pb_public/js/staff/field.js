// The technicians' field app (#/field, #/field/:id), phone first: the live
// queue of my orders and the pool of my trades on the narrow realtime topics
// queue/<staff id> and pool/<community id>/<category> (hooks/dispatch_realtime.go),
// an audible alert for a new order, and one order's steps on site — accept,
// arrive, quote, start, materials, complete, and the resident's signature on
// the touch screen. Actions taken without a connection wait in an outbox in
// localStorage and are sent in order when the connection returns.
import { html, useState, useEffect, useRef } from '../core/html.js';
import { pb, errorText, fieldErrors, fileUrls } from '../core/api.js';
import { t, addMessages, label, choices } from '../core/i18n.js';
import { yuan, dateTime, parseDate, unitName, parseYuan } from '../core/format.js';
import { stepsFrom, isTerminal } from '../core/flows.js';
import { Loading, ErrorBox, Empty, Status, Field, FilePicker, Attachments, useAction, useRealtime, useOnline, navigate, toast, confirmBox } from '../core/ui.js';

addMessages({
  'field.title': ['我的工单', 'My orders'],
  'field.queue': ['待办', 'To do'],
  'field.pool': ['抢单池', 'Pool'],
  'field.poolHint': ['我的工种：{trades}', 'My trades: {trades}'],
  'field.noSkills': ['您的账号还没有登记工种，看不到抢单池', 'Your account has no trades yet, so there is no pool for you.'],
  'field.done': ['已签收，待回访', 'Signed off, awaiting revisit'],
  'field.emptyQueue': ['暂时没有派给您的工单', 'Nothing dispatched to you right now'],
  'field.emptyPool': ['抢单池里暂时没有工单', 'The pool is empty'],
  'field.live': ['实时', 'Live'],
  'field.connecting': ['连接中…', 'Connecting…'],
  'field.offlineShort': ['离线', 'Offline'],
  'field.alertsOff': ['开启提醒', 'Turn on alerts'],
  'field.alertsOn': ['提醒已开启', 'Alerts on'],
  'field.alertsTap': ['轻触开启声音', 'Tap to enable sound'],
  'field.alertsHint': ['新工单到达时响铃并振动', 'Ring and vibrate when a new order arrives'],
  'field.newOrder': ['新工单：{what}', 'New order: {what}'],
  'field.new': ['新', 'New'],
  'field.accept': ['接单', 'Accept'],
  'field.claim': ['抢单', 'Claim'],
  'field.claimed': ['抢单成功', 'Claimed'],
  'field.claimLost': ['抢单未成功：{msg}', 'Claim failed: {msg}'],
  'field.arrive': ['到场签到', 'Check in on site'],
  'field.start': ['开始施工', 'Start work'],
  'field.quote': ['报价', 'Quote'],
  'field.quoteYuan': ['报价金额（元）', 'Quote (yuan)'],
  'field.quoteHint': ['有偿服务须经住户确认价格后才能开工', 'Paid work starts only once the resident agrees to the price'],
  'field.sendQuote': ['提交报价', 'Send quote'],
  'field.waitQuote': ['已报价 {amount}，等待住户确认（住户在住户服务中确认，或由前台代为确认）', 'Quoted {amount}; waiting for the resident to agree (in the portal, or through the front desk)'],
  'field.priceAgreed': ['价格已确认：{amount}', 'Price agreed: {amount}'],
  'field.routineFree': ['常规维修，住户无需付费', 'Routine work: no charge to the resident'],
  'field.materials': ['材料', 'Materials'],
  'field.matName': ['材料名称', 'Material'],
  'field.matQty': ['数量', 'Qty'],
  'field.matPrice': ['单价（元）', 'Unit price (yuan)'],
  'field.matAdd': ['添加材料', 'Add material'],
  'field.matNone': ['还没有登记材料', 'No materials recorded'],
  'field.matTotal': ['材料费', 'Materials'],
  'field.sub': ['小计', 'Subtotal'],
  'field.addPhotos': ['现场照片', 'Site photos'],
  'field.complete': ['完工', 'Complete'],
  'field.completeTitle': ['确认完工？', 'Mark the work complete?'],
  'field.completeBody': ['完工后不能再修改材料，金额 {amount}。', 'Materials can no longer change; amount {amount}.'],
  'field.amount': ['金额', 'Amount'],
  'field.payment': ['付款方式', 'Payment'],
  'field.prepaid': ['已在前台预付', 'Paid in advance at the desk'],
  'field.signoff': ['住户签收', 'Resident sign-off'],
  'field.signoffHint': ['请住户确认完工情况并在下方签名', 'Ask the resident to confirm the work and sign below'],
  'field.signHere': ['请在此处签名', 'Sign here'],
  'field.signPad': ['住户签名区', 'Resident signature pad'],
  'field.clear': ['清除重签', 'Clear'],
  'field.needSign': ['请住户先签名', 'The resident has not signed yet'],
  'field.sendSign': ['提交签收', 'Submit sign-off'],
  'field.signTitle': ['提交住户签收？', 'Submit the sign-off?'],
  'field.signBody': ['签收结果：{result}。提交后不能更改。', 'Result: {result}. This cannot be changed afterwards.'],
  'field.reworkNote': ['选择“要求返工”会自动生成返工单', 'Choosing rework opens a rework order automatically'],
  'field.satisfaction': ['满意度', 'Satisfaction'],
  'field.signature': ['住户签名', 'Resident signature'],
  'field.finished': ['本单已签收，等待客服回访。', 'Signed off; the service center will follow up.'],
  'field.cancelled': ['本单已取消：{reason}', 'Cancelled: {reason}'],
  'field.address': ['地址', 'Address'],
  'field.appointment': ['预约时间', 'Appointment'],
  'field.appt': ['预约', 'Appt.'],
  'field.contact': ['联系人', 'Contact'],
  'field.call': ['拨打', 'Call'],
  'field.content': ['报修内容', 'Request'],
  'field.item': ['服务项目', 'Service'],
  'field.arrival': ['到场', 'Arrival'],
  'field.arrivedAt': ['到场时间', 'Arrived'],
  'field.arrivedToast': ['已签到：{verdict}', 'Checked in: {verdict}'],
  'field.arrivedNoAppt': ['已签到', 'Checked in'],
  'field.residentPhotos': ['照片', 'Photos'],
  'field.inMinutes': ['{n} 分钟后', 'in {n} min'],
  'field.minutesAgo': ['已过 {n} 分钟', '{n} min ago'],
  'field.back': ['我的工单', 'My orders'],
  'field.pending': ['待发送', 'Not sent yet'],
  'field.outbox': ['待发送 {n} 项', '{n} waiting to send'],
  'field.outboxHint': ['联网后自动按顺序发送', 'Sent in order when the connection returns'],
  'field.sendNow': ['立即发送', 'Send now'],
  'field.queued': ['已保存到待发送，联网后按顺序自动发送', 'Saved to the outbox; it is sent, in order, once the connection is back'],
  'field.refused': ['“{what}”未能发送：{msg}', '"{what}" was not sent: {msg}'],
  'field.dismiss': ['知道了', 'Dismiss'],
  'field.tooBig': ['离线保存失败：手机存储空间不足（照片太大？）', 'Could not save offline: not enough storage (photos too large?)'],
  'field.stale': ['离线显示的是上次载入的内容', 'Offline: showing what was last loaded'],
  'field.badYuan': ['请输入金额，最多两位小数', 'Enter an amount with at most two decimals'],
  'field.badQty': ['数量须大于 0、不超过 10000，最多两位小数', 'The quantity must be above 0 and at most 10,000, with at most two decimals'],
  'field.sent': ['已发送：{what}', 'Sent: {what}'],
  'field.act.accepted': ['接单', 'Accept'],
  'field.act.claim': ['抢单', 'Claim'],
  'field.act.on_site': ['到场签到', 'Check in'],
  'field.act.quoted': ['报价', 'Quote'],
  'field.act.in_progress': ['开始施工', 'Start work'],
  'field.act.materials': ['登记材料', 'Materials'],
  'field.act.completed': ['完工', 'Complete'],
  'field.act.signed_off': ['住户签收', 'Sign-off'],
});

const COL = 'work_orders';
const EXPAND = 'unit.building,community,building,service_item';
const OUTBOX_KEY = 'wuye.field.outbox';
const ALERT_KEY = 'wuye.field.alerts';

// --- money -------------------------------------------------------------------


const lineFen = (m) => Math.round((Number(m.qty) || 0) * (Number(m.price_fen) || 0));
const materialsFen = (list) => (list || []).reduce((s, m) => s + lineFen(m), 0);

// --- who I am for an order (hooks/dispatch.go workOrderActors) ---------------

const poolOrder = (o) => o.status === 'dispatched' && o.dispatch_mode === 'pool' && !o.technician;
const canClaim = (me, o) => me.role === 'technician' && (me.skills || []).includes(o.category) && (me.communities || []).includes(o.community);

export function actorsFor(me, o) {
  const out = [me.role];
  if (o.technician && o.technician === me.id) out.push('assignee');
  if (poolOrder(o) && canClaim(me, o)) out.push('claimant');
  return out;
}

const place = (o) => {
  const u = o.expand?.unit;
  if (u) return unitName(u);
  return o.location || o.expand?.building?.name || '';
};

/** until says how far away the appointment is: "10 分钟后" / "已过 3 分钟". */
function until(v) {
  const d = parseDate(v);
  if (!d) return '';
  const n = Math.round((d.getTime() - Date.now()) / 60000);
  if (Math.abs(n) > 180) return '';
  return n >= 0 ? t('field.inMinutes', { n }) : t('field.minutesAgo', { n: -n });
}

// --- the outbox: actions waiting for a connection ----------------------------
// Each item: { key, staff, id, serial, expect (status the order had when the
// action was taken), patch, files: {field: [{name, type, data (data URL)}]},
// what (a label), at }. Items are sent one at a time, in order.

const outbox = { items: readOutbox(), refused: [], flushing: false, listeners: new Set(), results: new Set() };

function readOutbox() {
  try {
    const v = JSON.parse(localStorage.getItem(OUTBOX_KEY) || '[]');
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

function saveOutbox(items) {
  localStorage.setItem(OUTBOX_KEY, JSON.stringify(items)); // throws when storage is full
  outbox.items = items;
  outbox.listeners.forEach((fn) => fn());
}

const myId = () => pb.authStore.record?.id || '';
const myItems = () => outbox.items.filter((i) => i.staff === myId());

/** useOutbox re-renders on any change of the outbox and returns my items. */
function useOutbox() {
  const [, bump] = useState(0);
  useEffect(() => {
    const fn = () => bump((n) => n + 1);
    outbox.listeners.add(fn);
    return () => outbox.listeners.delete(fn);
  }, []);
  return { items: myItems(), refused: outbox.refused.filter((r) => r.staff === myId()) };
}

/** useOutboxResults calls fn(record, id) for each waiting action saved, fn(null, id) for each refused. */
function useOutboxResults(fn) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const cb = (rec, id) => ref.current(rec, id);
    outbox.results.add(cb);
    return () => outbox.results.delete(cb);
  }, []);
}

/** withPending shows an order as it will be once its waiting actions are sent. */
function withPending(o) {
  const mine = myItems().filter((i) => i.id === o.id);
  if (!mine.length) return o;
  let r = { ...o };
  for (const i of mine) {
    for (const [k, v] of Object.entries(i.patch)) if (!k.endsWith('+')) r[k] = v;
  }
  r._pending = mine.length;
  return r;
}

const blobToDataUrl = (blob) => new Promise((resolve, reject) => {
  const fr = new FileReader();
  fr.onload = () => resolve(fr.result);
  fr.onerror = () => reject(fr.error);
  fr.readAsDataURL(blob);
});

function dataUrlToFile({ name, type, data }) {
  const [head, body] = data.split(',');
  const bin = /;base64$/.test(head) ? atob(body) : decodeURIComponent(body);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new File([bytes], name, { type: type || head.slice(5).split(';')[0] });
}

/** send saves patch (and files, by field name, e.g. "signature" or "photos+") on order id. */
async function send(id, patch, files = {}) {
  const withFiles = Object.values(files).some((l) => l && l.length);
  if (!withFiles) return pb.collection(COL).update(id, patch, { expand: EXPAND });
  const fd = new FormData();
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === null) continue;
    fd.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  for (const [k, list] of Object.entries(files)) for (const f of list || []) fd.append(k, f);
  return pb.collection(COL).update(id, fd, { expand: EXPAND });
}

async function enqueue(order, patch, files, what) {
  const stored = {};
  for (const [k, list] of Object.entries(files || {})) {
    stored[k] = [];
    for (const f of list || []) stored[k].push({ name: f.name || 'file', type: f.type, data: await blobToDataUrl(f) });
  }
  const item = { key: `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, staff: myId(), id: order.id, serial: order.serial,
    expect: order.status, patch, files: stored, what, at: new Date().toISOString() };
  try {
    saveOutbox([...outbox.items, item]);
  } catch {
    throw new Error(t('field.tooBig'));
  }
}

const lostConnection = (e) => e && e.status === 0 && !e.isAbort;

/**
 * perform takes an action on order now or, without a connection, keeps it
 * for later: { record } when saved, { queued: true } when waiting. A refusal
 * by the server is thrown. Once anything waits, later actions queue behind
 * it so they reach the server in the order they were taken.
 */
export async function perform(order, patch, files = {}, what = '') {
  if (!navigator.onLine || myItems().length) {
    await enqueue(order, patch, files, what);
    flushOutbox();
    return { queued: true };
  }
  try {
    return { record: await send(order.id, patch, files) };
  } catch (e) {
    if (!lostConnection(e)) throw e;
    await enqueue(order, patch, files, what);
    return { queued: true };
  }
}

function announce(rec, id) {
  outbox.results.forEach((fn) => { try { fn(rec, id); } catch { /* a screen's own trouble */ } });
}

/** flushOutbox sends my waiting actions in order; stops at the first lost connection. */
export async function flushOutbox() {
  if (outbox.flushing || !navigator.onLine || !myItems().length) return;
  outbox.flushing = true;
  try {
    for (;;) {
      const item = myItems()[0];
      if (!item) break;
      let saved;
      try {
        // An earlier try may have reached the server with only its answer
        // lost: a status the order already has is not sent again.
        let current = null;
        try {
          current = await pb.collection(COL).getOne(item.id, { expand: EXPAND });
        } catch (e) {
          if (lostConnection(e)) throw e;
        }
        const applied = current && item.patch.status && item.expect !== item.patch.status && current.status === item.patch.status &&
          (!item.patch.technician || current.technician === item.patch.technician);
        if (applied) saved = current;
        else {
          const files = {};
          for (const [k, list] of Object.entries(item.files || {})) files[k] = list.map(dataUrlToFile);
          saved = await send(item.id, item.patch, files);
        }
      } catch (e) {
        if (lostConnection(e)) break; // still no connection: keep it for the next try
        outbox.refused = [...outbox.refused, { key: item.key, staff: item.staff, id: item.id, serial: item.serial, what: item.what, message: errorText(e) }];
        saveOutbox(outbox.items.filter((i) => i.key !== item.key));
        announce(null, item.id);
        continue;
      }
      saveOutbox(outbox.items.filter((i) => i.key !== item.key));
      announce(saved, item.id);
      toast(t('field.sent', { what: `${item.what} ${item.serial || ''}`.trim() }));
    }
  } finally {
    outbox.flushing = false;
    outbox.listeners.forEach((fn) => fn());
  }
}

function dismissRefused(key) {
  outbox.refused = outbox.refused.filter((r) => r.key !== key);
  outbox.listeners.forEach((fn) => fn());
}

addEventListener('online', () => flushOutbox());
// A belt to the braces: the online event does not fire when only the server
// was out of reach.
setInterval(() => { if (navigator.onLine && myItems().length) flushOutbox(); }, 10000);

function OutboxBar() {
  const { items, refused } = useOutbox();
  const online = useOnline();
  return html`
    ${items.length > 0 && html`<div class="outbox" role="status" data-testid="outbox">
      <div class="row between">
        <strong>${t('field.outbox', { n: items.length })}</strong>
        ${online && html`<button type="button" class="link" onClick=${() => flushOutbox()}>${t('field.sendNow')}</button>`}
      </div>
      <ul>${items.map((i) => html`<li key=${i.key}>${i.what} · ${i.serial || ''}</li>`)}</ul>
      <small class="hint">${t('field.outboxHint')}</small>
    </div>`}
    ${refused.map((r) => html`<div class="state error refused" role="alert" key=${r.key} data-testid="refused">
      <span>${t('field.refused', { what: `${r.what} ${r.serial || ''}`.trim(), msg: r.message })}</span>
      <button type="button" class="link" onClick=${() => dismissRefused(r.key)}>${t('field.dismiss')}</button>
    </div>`)}`;
}

// --- orders known to this page, for showing one while offline ----------------

const known = new Map();
const remember = (o) => { if (o?.id) known.set(o.id, { ...o, expand: o.expand || known.get(o.id)?.expand }); };

// --- alerts: a WebAudio beep and a vibration, once a tap has unlocked audio ---

const alerts = { on: localStorage.getItem(ALERT_KEY) === 'on', ctx: null, listeners: new Set() };

function unlockAudio() {
  if (!alerts.ctx) {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    alerts.ctx = new AC();
    alerts.ctx.onstatechange = () => alerts.listeners.forEach((fn) => fn());
  }
  if (alerts.ctx.state !== 'running') alerts.ctx.resume().catch(() => {});
}

function beep() {
  const ac = alerts.ctx;
  if (!ac) return;
  if (ac.state !== 'running') ac.resume().catch(() => {});
  const t0 = ac.currentTime + 0.02;
  [[880, 0], [1320, 0.22], [880, 0.44]].forEach(([freq, at]) => {
    const osc = ac.createOscillator();
    const gain = ac.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, t0 + at);
    gain.gain.exponentialRampToValueAtTime(0.35, t0 + at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + 0.18);
    osc.connect(gain).connect(ac.destination);
    osc.start(t0 + at);
    osc.stop(t0 + at + 0.2);
  });
}

function ring() {
  if (!alerts.on) return;
  beep();
  // Browsers refuse vibration before the page has been tapped.
  if (navigator.vibrate && (navigator.userActivation?.hasBeenActive ?? true)) {
    try { navigator.vibrate([200, 100, 200]); } catch { /* not on this device */ }
  }
}

// With alerts on from an earlier visit, the first tap anywhere unlocks audio.
if (alerts.on) {
  const once = () => { unlockAudio(); removeEventListener('pointerdown', once, true); removeEventListener('keydown', once, true); };
  addEventListener('pointerdown', once, true);
  addEventListener('keydown', once, true);
}

function AlertToggle() {
  const [, bump] = useState(0);
  useEffect(() => {
    const fn = () => bump((n) => n + 1);
    alerts.listeners.add(fn);
    return () => alerts.listeners.delete(fn);
  }, []);
  const running = alerts.ctx?.state === 'running';
  const toggle = () => {
    if (alerts.on && running) {
      alerts.on = false;
      localStorage.setItem(ALERT_KEY, 'off');
    } else {
      alerts.on = true;
      localStorage.setItem(ALERT_KEY, 'on');
      unlockAudio();
      beep(); // the tap that turns alerts on also proves the sound works
    }
    alerts.listeners.forEach((fn) => fn());
  };
  const text = !alerts.on ? t('field.alertsOff') : running ? t('field.alertsOn') : t('field.alertsTap');
  return html`<button type="button" class=${'alert-toggle' + (alerts.on && running ? ' on' : '')} aria-pressed=${alerts.on && running ? 'true' : 'false'}
    title=${t('field.alertsHint')} onClick=${toggle}><span class="bell" aria-hidden="true"></span> ${text}</button>`;
}

// --- realtime on the narrow topics ---------------------------------------------

/**
 * useTopics subscribes to custom realtime topics while mounted and calls
 * onMessage(topic, data) for each message. Realtime messages are not
 * replayed after a dropped connection, so onReconnect runs (to re-fetch)
 * whenever the connection comes back. Returns whether the subscriptions
 * are in place.
 */
function useTopics(topics, onMessage, onReconnect) {
  const cb = useRef(onMessage);
  cb.current = onMessage;
  const rc = useRef(onReconnect);
  rc.current = onReconnect;
  const [live, setLive] = useState(false);
  const key = topics.join('|');
  useEffect(() => {
    let alive = true;
    const unsubs = [];
    const keep = (p) => p.then((u) => (alive ? unsubs.push(u) : u()));
    setLive(false);
    Promise.all(topics.map((topic) => keep(pb.realtime.subscribe(topic, (data) => alive && cb.current(topic, data)))))
      .then(() => alive && setLive(true))
      .catch(() => alive && setLive(false));
    return () => { alive = false; unsubs.forEach((u) => u()); };
  }, [key]);
  useReconnect(() => { setLive(true); rc.current?.(); });
  return live;
}

/**
 * useReconnect calls fn each time the realtime connection comes back after
 * a drop (PB_CONNECT other than the first). Unlike a fixed "skip the first
 * one", the first is only skipped when the connection was not yet open, so
 * a screen that subscribes on an already open connection still hears of
 * the next reconnect.
 */
function useReconnect(fn) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    let alive = true;
    let unsub = null;
    let first = !pb.realtime.isConnected;
    pb.realtime.subscribe('PB_CONNECT', () => {
      if (alive && !first) ref.current();
      first = false;
    }).then((u) => (alive ? (unsub = u) : u())).catch(() => {});
    return () => { alive = false; unsub?.(); };
  }, []);
}

const LiveDot = ({ live }) => {
  const online = useOnline();
  const state = !online ? 'offline' : live ? 'live' : 'connecting';
  return html`<span class=${'field-live ' + state} data-live=${state} role="status">${state === 'offline' ? t('field.offlineShort') : state === 'live' ? t('field.live') : t('field.connecting')}</span>`;
};

// --- the queue and the pool --------------------------------------------------

const ACTIVE_RANK = { dispatched: 0, accepted: 1, on_site: 2, quoted: 3, in_progress: 4, completed: 5 };
const ts = (v) => parseDate(v)?.getTime() || 0;

export function FieldApp({ me, communities }) {
  const skills = me.skills || [];
  const mine = me.communities || [];
  const inQueue = (o) => o.technician === me.id && !isTerminal(COL, o.status);
  const inPool = (o) => poolOrder(o) && canClaim(me, o);
  const topics = [`queue/${me.id}`];
  if (me.role === 'technician') for (const c of mine) for (const s of skills) topics.push(`pool/${c}/${s}`);

  const [state, setState] = useState({ list: null, error: null, loading: true });
  const listRef = useRef(null);
  listRef.current = state.list;
  // Messages that arrive while a load is under way are applied again on top
  // of its result, which may have been read before them.
  const during = useRef([]);
  const loads = useRef({ seq: 0, inflight: 0 });
  const [fresh, setFresh] = useState({});
  // An action refused from the list is told above the lists: the order it
  // was about may already have left them (a claim lost to a colleague).
  const [actErr, setActErr] = useState(null);
  const [busy, setBusy] = useState('');

  // merge applies one changed order to the list: kept if it is mine or in
  // my pool, dropped otherwise; an older copy never replaces a newer one.
  const merge = (list, rec) => {
    const prev = list.find((o) => o.id === rec.id);
    if (prev && ts(rec.updated) < ts(prev.updated)) return list;
    if (!inQueue(rec) && !inPool(rec)) return prev ? list.filter((o) => o.id !== rec.id) : list;
    const next = { ...rec, expand: rec.expand || (prev && prev.unit === rec.unit ? prev.expand : undefined) };
    remember(next);
    return prev ? list.map((o) => (o.id === rec.id ? next : o)) : [...list, next];
  };

  const load = async () => {
    const n = ++loads.current.seq;
    loads.current.inflight++;
    const from = during.current.length;
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const cats = skills.map((_, i) => `category = {:c${i}}`).join(' || ');
      const comms = mine.map((_, i) => `community = {:m${i}}`).join(' || ');
      const params = { me: me.id };
      skills.forEach((s, i) => { params[`c${i}`] = s; });
      mine.forEach((c, i) => { params[`m${i}`] = c; });
      const [queue, pool] = await Promise.all([
        pb.collection(COL).getFullList({ filter: pb.filter('technician = {:me} && status != "closed" && status != "cancelled"', params), sort: 'appointment_at,created', expand: EXPAND }),
        me.role === 'technician' && cats && comms
          ? pb.collection(COL).getFullList({ filter: pb.filter(`dispatch_mode = "pool" && status = "dispatched" && technician = "" && (${cats}) && (${comms})`, params), sort: 'created', expand: EXPAND })
          : [],
      ]);
      if (n !== loads.current.seq) return; // a later load is under way
      let list = [...queue, ...pool.filter((p) => !queue.some((q) => q.id === p.id))];
      list.forEach(remember);
      for (const rec of during.current.slice(from)) list = merge(list, rec);
      setState({ list, error: null, loading: false });
    } catch (error) {
      if (n === loads.current.seq) setState((s) => ({ ...s, error, loading: false }));
    } finally {
      if (--loads.current.inflight === 0) during.current = [];
    }
  };

  const enrich = async (id) => {
    try {
      const full = await pb.collection(COL).getOne(id, { expand: EXPAND });
      setState((s) => (s.list ? { ...s, list: merge(s.list, full) } : s));
    } catch { /* gone or offline: the bare record stays */ }
  };

  const onMessage = (topic, msg) => {
    const rec = msg?.record;
    if (!rec?.id) return;
    if (loads.current.inflight) during.current.push(rec);
    const before = listRef.current || [];
    const prev = before.find((o) => o.id === rec.id);
    const arrived = (inQueue(rec) && rec.status === 'dispatched' && !(prev && inQueue(prev))) || (inPool(rec) && !(prev && inPool(prev)));
    setState((s) => (s.list ? { ...s, list: merge(s.list, rec) } : s));
    if (arrived) {
      setFresh((f) => ({ ...f, [rec.id]: true }));
      setTimeout(() => setFresh((f) => { const n = { ...f }; delete n[rec.id]; return n; }), 30000);
      ring();
      toast(t('field.newOrder', { what: `${label('work_category', rec.category)} · ${rec.serial || ''}` }));
    }
    if (!rec.expand && (inQueue(rec) || inPool(rec)) && !(prev && prev.unit === rec.unit && prev.expand)) enrich(rec.id);
  };

  const reconnect = () => { load(); flushOutbox(); };
  const live = useTopics(topics, onMessage, reconnect);
  useEffect(() => { load(); flushOutbox(); }, [me.id]);
  useEffect(() => {
    const up = () => load();
    addEventListener('online', up);
    return () => removeEventListener('online', up);
  }, [me.id]);
  useOutboxResults((rec, id) => {
    if (rec) setState((s) => (s.list ? { ...s, list: merge(s.list, rec) } : s));
    else load();
  });
  useOutbox(); // re-render as actions wait and leave

  const act = async (o, patch, what, claim) => {
    setBusy(o.id);
    setActErr(null);
    try {
      const res = await perform(o, patch, {}, what);
      if (res.queued) toast(t('field.queued'));
      if (res.record) {
        setState((s) => (s.list ? { ...s, list: merge(s.list, res.record) } : s));
        if (claim) { toast(t('field.claimed')); navigate('/field/' + o.id); }
      }
    } catch (e) {
      const msg = errorText(e);
      setActErr(`${o.serial} · ${claim ? t('field.claimLost', { msg }) : msg}`);
      if (claim) setTimeout(load, 2500);
    } finally {
      setBusy('');
    }
  };

  const names = Object.fromEntries((communities || []).map((c) => [c.id, c.name]));
  const many = mine.length > 1;
  const list = (state.list || []).map(withPending);
  // New dispatches first (they need an answer), then by appointment.
  const queue = list.filter((o) => inQueue(o) && o.status in ACTIVE_RANK)
    .sort((a, b) => (a.status !== 'dispatched') - (b.status !== 'dispatched')
      || (ts(a.appointment_at) || Infinity) - (ts(b.appointment_at) || Infinity) || ts(a.created) - ts(b.created));
  const pool = list.filter((o) => inPool(o) && !inQueue(o));
  const done = list.filter((o) => inQueue(o) && !(o.status in ACTIVE_RANK));

  const item = (o, kind) => html`<li key=${o.id} data-id=${o.id} class=${'order' + (fresh[o.id] ? ' fresh' : '') + (o._pending ? ' pending' : '')}>
    <a class="item" href=${'#/field/' + o.id} onClick=${() => setFresh((f) => { const n = { ...f }; delete n[o.id]; return n; })}>
      <div class="main">
        <div class="t">${fresh[o.id] && html`<b class="new-badge">${t('field.new')}</b> `}${label('work_category', o.category)} · ${place(o) || o.location || '—'}</div>
        <div class="desc">${o.description}</div>
        <div class="sub">${o.serial}${o.appointment_at ? html` · ${t('field.appt')} ${dateTime(o.appointment_at)} <span class="until">${until(o.appointment_at)}</span>` : ''}${many && names[o.community] ? ' · ' + names[o.community] : ''}</div>
      </div>
      <div class="side">
        <${Status} col=${COL} code=${o.status} />
        ${o._pending && html`<span class="chip s-warn pending-chip">${t('field.pending')}</span>`}
      </div>
    </a>
    ${kind === 'queue' && o.status === 'dispatched' && html`<div class="quick-act">
      <button type="button" class="primary" disabled=${busy === o.id} onClick=${() => act(o, { status: 'accepted' }, t('field.act.accepted'))}>${t('field.accept')}</button></div>`}
    ${kind === 'pool' && html`<div class="quick-act">
      <button type="button" class="primary" disabled=${busy === o.id} onClick=${() => act(o, { status: 'accepted', technician: me.id }, t('field.act.claim'), true)}>${t('field.claim')}</button></div>`}
  </li>`;

  const body = (rows, kind, emptyText) => state.loading && !state.list ? html`<${Loading} />`
    : state.error && !state.list ? html`<${ErrorBox} error=${state.error} retry=${load} />`
    : rows.length === 0 ? html`<${Empty} text=${emptyText} />`
    : html`<ul class="list orders">${rows.map((o) => item(o, kind))}</ul>`;

  return html`<div class="field-app">
    <div class="row between field-head">
      <h1>${t('field.title')}</h1>
      <div class="row"><${LiveDot} live=${live} /><${AlertToggle} /></div>
    </div>
    <${OutboxBar} />
    ${actErr && html`<div class="state error refused" role="alert" data-testid="action-error"><span>${actErr}</span>
      <button type="button" class="link" onClick=${() => setActErr(null)}>${t('field.dismiss')}</button></div>`}
    ${state.error && state.list && html`<${ErrorBox} error=${state.error} retry=${load} />`}
    <section class="card" aria-labelledby="field-queue-h">
      <h2 id="field-queue-h">${t('field.queue')} <span class="count">${state.list ? queue.length : ''}</span></h2>
      ${body(queue, 'queue', t('field.emptyQueue'))}
    </section>
    ${me.role === 'technician' && html`<section class="card" aria-labelledby="field-pool-h">
      <h2 id="field-pool-h">${t('field.pool')} <span class="count">${state.list ? pool.length : ''}</span></h2>
      ${skills.length ? html`<p class="small muted">${t('field.poolHint', { trades: skills.map((s) => label('work_category', s)).join('、') })}</p>
        ${body(pool, 'pool', t('field.emptyPool'))}` : html`<${Empty} text=${t('field.noSkills')} />`}
    </section>`}
    ${done.length > 0 && html`<details class="card done">
      <summary>${t('field.done')} (${done.length})</summary>
      <ul class="list orders">${done.map((o) => item(o, 'done'))}</ul>
    </details>`}
  </div>`;
}

// --- one order on site ---------------------------------------------------------

export function FieldOrder({ me, params }) {
  const id = params.id;
  const [state, setState] = useState({ data: known.get(id) || null, error: null, loading: true, stale: false });
  const load = async () => {
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const data = await pb.collection(COL).getOne(id, { expand: EXPAND });
      remember(data);
      setState({ data, error: null, loading: false, stale: false });
    } catch (error) {
      // Without a connection the order as last loaded still serves.
      if (lostConnection(error) && known.get(id)) setState({ data: known.get(id), error: null, loading: false, stale: true });
      else setState((s) => ({ ...s, error, loading: false }));
    }
  };
  const setData = (rec) => {
    if (!rec) return;
    setState((s) => {
      if (s.data && ts(rec.updated) < ts(s.data.updated)) return s;
      const data = { ...rec, expand: rec.expand || s.data?.expand };
      remember(data);
      return { ...s, data, stale: false };
    });
  };
  useEffect(() => { load(); flushOutbox(); }, [id]);
  // The order's own changes come on its record topic; after a dropped
  // connection it is fetched again (useReconnect, see there, rather than
  // useRealtime's onReconnect, which misses the first reconnect when the
  // connection was already open as this screen subscribed).
  useRealtime(COL, id, (e) => setData(e.record), { expand: EXPAND }, [id]);
  useReconnect(() => { load(); flushOutbox(); });
  useEffect(() => {
    const up = () => load();
    addEventListener('online', up);
    return () => removeEventListener('online', up);
  }, [id]);
  useOutboxResults((rec, rid) => {
    if (rid !== id) return;
    if (rec) setData(rec);
    else load();
  });
  useOutbox();

  const back = html`<p class="back"><a href="#/field">← ${t('field.back')}</a></p>`;
  if (state.loading && !state.data) return html`${back}<${Loading} />`;
  if (state.error && !state.data) return html`${back}<${ErrorBox} error=${state.error} retry=${load} />`;
  const o = withPending(state.data);
  const actors = actorsFor(me, o);
  const steps = stepsFrom(COL, o.status, actors);
  const step = (to) => steps.find((s) => s.to === to);
  const u = o.expand?.unit;
  const item = o.expand?.service_item;
  const community = o.expand?.community;

  return html`<div class="field-order">
    ${back}
    <${OutboxBar} />
    ${state.stale && html`<div class="banner" role="status">${t('field.stale')}</div>`}
    ${state.error && html`<${ErrorBox} error=${state.error} retry=${load} />`}
    <section class="card order-head">
      <div class="row between">
        <h1>${label('work_category', o.category)} · ${label('work_kind', o.kind)}</h1>
        <span data-testid="field-status"><${Status} col=${COL} code=${o.status} />${o._pending ? html` <span class="chip s-warn">${t('field.pending')}</span>` : ''}</span>
      </div>
      <p class="desc">${o.description}</p>
      <dl class="kv">
        <dt>${t('serial')}</dt><dd>${o.serial}</dd>
        <dt>${t('field.address')}</dt><dd data-testid="field-address">${[community?.name, u ? unitName(u) : null, !u ? place(o) : null].filter(Boolean).join(' ') || '—'}
          ${community?.address && html`<div class="small muted">${community.address}</div>`}</dd>
        <dt>${t('field.appointment')}</dt><dd>${o.appointment_at ? html`${dateTime(o.appointment_at)} <span class="until">${until(o.appointment_at)}</span>` : '—'}</dd>
        <dt>${t('field.contact')}</dt><dd>${o.contact_name}
          ${o.contact_phone && html` <a class="tel" href=${'tel:' + o.contact_phone}>${t('field.call')} ${o.contact_phone}</a>`}</dd>
        ${item && html`<dt>${t('field.item')}</dt><dd>${item.name}${item.needs_estimate ? '' : ` · ${yuan(item.price_fen)}/${item.unit || ''}`}</dd>`}
        ${o.arrived_at && html`<dt>${t('field.arrival')}</dt><dd>${dateTime(o.arrived_at)}
          ${o.arrival && html` <span class=${'chip arrival-' + o.arrival} data-testid="arrival">${label('arrival', o.arrival)}</span>`}</dd>`}
        ${o.amount_fen > 0 && html`<dt>${t('field.amount')}</dt><dd class="money">${yuan(o.amount_fen)}</dd>`}
        ${['completed', 'signed_off', 'revisited', 'closed'].includes(o.status) && o.payment && html`<dt>${t('field.payment')}</dt><dd>${label('work_payment', o.payment)}</dd>`}
      </dl>
      ${(o.photos || []).length > 0 && html`<h3>${t('field.residentPhotos')}</h3><${Attachments} record=${o} field="photos" />`}
    </section>
    <${Steps} me=${me} order=${o} step=${step} onSaved=${setData} />
    ${(o.materials || []).length > 0 && o.status !== 'in_progress' && html`<section class="card">
      <h2>${t('field.materials')}</h2><${MaterialTable} lines=${o.materials} /></section>`}
    ${o.signature && html`<section class="card"><h2>${t('field.signature')}</h2>
      <p>${label('signoff', o.signoff)}${o.satisfaction ? ' · ' + label('satisfaction', o.satisfaction) : ''}</p>
      <${SignatureView} order=${o} /></section>`}
  </div>`;
}

/** SignatureView shows the stored signature full width (a protected file, with a token). */
function SignatureView({ order }) {
  const [url, setUrl] = useState('');
  useEffect(() => {
    let alive = true;
    fileUrls(order, 'signature').then((l) => alive && setUrl(l[0]?.url || '')).catch(() => {});
    return () => { alive = false; };
  }, [order.id, order.signature]);
  return url ? html`<img class="sig-img" src=${url} alt=${t('field.signature')} />` : null;
}

/** useStep runs one action on the order: saved, queued or refused. */
function useStep(order, onSaved) {
  const a = useAction();
  const run = async (patch, what, files = {}) => {
    let res;
    await a.run(async () => { res = await perform(order, patch, files, what); });
    if (!res) return undefined;
    if (res.queued) toast(t('field.queued'));
    if (res.record) onSaved(res.record);
    return res;
  };
  return { ...a, run };
}

function Steps({ me, order: o, step, onSaved }) {
  const s = useStep(o, onSaved);
  const errs = fieldErrors(s.error);
  const paid = o.kind !== 'routine';
  const agreed = !paid || !!o.quote_confirmed_at;

  const arrive = async () => {
    const res = await s.run({ status: 'on_site' }, t('field.act.on_site'));
    if (res?.record) toast(res.record.arrival ? t('field.arrivedToast', { verdict: label('arrival', res.record.arrival) }) : t('field.arrivedNoAppt'));
  };

  let panel = null;
  if (o.status === 'dispatched' && step('accepted')) {
    const claim = !o.technician;
    panel = html`<button type="button" class="primary block big" disabled=${s.busy}
      onClick=${() => s.run(claim ? { status: 'accepted', technician: me.id } : { status: 'accepted' }, t(claim ? 'field.act.claim' : 'field.act.accepted'))}>
      ${claim ? t('field.claim') : t('field.accept')}</button>`;
  } else if (o.status === 'accepted' && step('on_site')) {
    panel = html`<button type="button" class="primary block big" disabled=${s.busy} onClick=${arrive}>${t('field.arrive')}</button>`;
  } else if (o.status === 'on_site') {
    panel = html`
      ${paid && agreed && html`<p class="agreed">${t('field.priceAgreed', { amount: yuan(o.quote_fen) })}</p>`}
      ${paid && !agreed && step('quoted') && html`<${QuoteForm} order=${o} s=${s} />`}
      ${agreed && step('in_progress') && html`<button type="button" class="primary block big" disabled=${s.busy}
        onClick=${() => s.run({ status: 'in_progress' }, t('field.act.in_progress'))}>${t('field.start')}</button>`}
      ${!paid && html`<p class="small muted">${t('field.routineFree')}</p>`}`;
  } else if (o.status === 'quoted') {
    panel = html`<p class="waiting" role="status">${t('field.waitQuote', { amount: yuan(o.quote_fen) })}</p>`;
  } else if (o.status === 'in_progress' && step('completed')) {
    panel = html`<${WorkForm} order=${o} s=${s} completeStep=${step('completed')} />`;
  } else if (o.status === 'completed' && step('signed_off')) {
    panel = html`<${SignOff} order=${o} s=${s} />`;
  } else if (['signed_off', 'revisited', 'closed'].includes(o.status)) {
    panel = html`<p class="ok-note">${t('field.finished')}</p>`;
  } else if (o.status === 'cancelled') {
    panel = html`<p class="state error">${t('field.cancelled', { reason: o.cancel_reason || '' })}</p>`;
  }
  if (!panel) return null;
  return html`<section class="card step-panel" aria-live="polite">
    ${panel}
    ${s.error && !Object.keys(errs).some((k) => ['quote_fen', 'materials'].includes(k)) && html`<${ErrorBox} error=${s.error} />`}
  </section>`;
}

function QuoteForm({ order, s }) {
  const [text, setText] = useState(order.quote_fen ? String(order.quote_fen / 100) : '');
  const [err, setErr] = useState('');
  const errs = fieldErrors(s.error);
  const submit = (e) => {
    e.preventDefault();
    const fen = parseYuan(text);
    if (!Number.isInteger(fen) || fen <= 0) return setErr(t('field.badYuan'));
    setErr('');
    s.run({ status: 'quoted', quote_fen: fen }, t('field.act.quoted'));
  };
  return html`<form class="stack" onSubmit=${submit} novalidate>
    <h2>${t('field.quote')}</h2>
    <${Field} label=${t('field.quoteYuan')} required hint=${t('field.quoteHint')} error=${err || errs.quote_fen}>
      <input type="text" inputmode="decimal" name="quote" value=${text} onInput=${(e) => setText(e.target.value)} placeholder="0.00" /><//>
    <button class="primary block big" disabled=${s.busy}>${t('field.sendQuote')}</button>
  </form>`;
}

const MaterialTable = ({ lines, onRemove }) => html`<table class="t materials">
  <thead><tr><th>${t('field.matName')}</th><th class="num">${t('field.matQty')}</th><th class="num">${t('field.matPrice')}</th><th class="num">${t('field.sub')}</th>${onRemove && html`<th><span class="sr-only">${t('remove')}</span></th>`}</tr></thead>
  <tbody>${lines.map((m, i) => html`<tr key=${i}>
    <td>${m.name}</td><td class="num">${m.qty}</td><td class="num">${yuan(m.price_fen)}</td><td class="num">${yuan(lineFen(m))}</td>
    ${onRemove && html`<td><button type="button" class="link" aria-label=${t('remove') + ' ' + m.name} onClick=${() => onRemove(i)}>×</button></td>`}
  </tr>`)}</tbody>
  <tfoot><tr><th colspan="3">${t('field.matTotal')}</th><td class="num">${yuan(materialsFen(lines))}</td>${onRemove && html`<td></td>`}</tr></tfoot>
</table>`;

/** WorkForm is the order in progress: materials drawn, photos, and completion with the payment. */
function WorkForm({ order: o, s, completeStep }) {
  const lines = o.materials || [];
  const [m, setM] = useState({ name: '', qty: '1', price: '' });
  const [mErr, setMErr] = useState({});
  const [photos, setPhotos] = useState([]);
  const extras = completeStep?.extras || [];
  const photosAllowed = extras.includes('photos');
  const paid = o.kind !== 'routine';
  const prepaid = o.payment === 'paid';
  const amount = paid ? (o.quote_fen || 0) + materialsFen(lines) : 0;
  const [payment, setPayment] = useState('');
  const errs = fieldErrors(s.error);

  const add = async (e) => {
    e.preventDefault();
    const fen = parseYuan(m.price);
    const qty = Number(m.qty);
    const bad = {};
    if (!m.name.trim()) bad.name = t('required');
    // As the server checks (hooks/money_bounds.go): 0 < qty ≤ 10000, two decimals.
    if (!(qty > 0 && qty <= 10000) || Math.abs(qty * 100 - Math.round(qty * 100)) > 1e-6) bad.qty = t('field.badQty');
    if (!Number.isInteger(fen)) bad.price = t('field.badYuan');
    setMErr(bad);
    if (Object.keys(bad).length) return;
    const res = await s.run({ materials: [...lines, { name: m.name.trim(), qty, price_fen: fen }] }, t('field.act.materials'));
    if (res) setM({ name: '', qty: '1', price: '' });
  };
  const remove = (i) => s.run({ materials: lines.filter((_, j) => j !== i) }, t('field.act.materials'));

  const complete = async () => {
    if (paid && amount > 0 && !prepaid && !payment) return;
    if (!(await confirmBox({ title: t('field.completeTitle'), body: t('field.completeBody', { amount: yuan(amount) }), ok: t('field.complete') }))) return;
    const patch = { status: 'completed' };
    if (paid && amount > 0 && !prepaid) patch.payment = payment;
    const files = photosAllowed && photos.length ? { 'photos+': photos } : {};
    const res = await s.run(patch, t('field.act.completed'), files);
    if (res) setPhotos([]);
  };
  const setF = (k) => (e) => setM({ ...m, [k]: e.target.value });

  return html`<div class="stack">
    <h2>${t('field.materials')}</h2>
    ${lines.length ? html`<${MaterialTable} lines=${lines} onRemove=${extras.includes('materials') ? remove : null} />` : html`<p class="small muted">${t('field.matNone')}</p>`}
    <form class="stack mat-form" onSubmit=${add} novalidate>
      <${Field} label=${t('field.matName')} required error=${mErr.name}><input type="text" name="mat-name" maxlength="100" value=${m.name} onInput=${setF('name')} /><//>
      <div class="row mat-nums">
        <${Field} label=${t('field.matQty')} required error=${mErr.qty}><input type="number" name="mat-qty" inputmode="decimal" min="0.01" max="10000" step="0.01" value=${m.qty} onInput=${setF('qty')} /><//>
        <${Field} label=${t('field.matPrice')} required error=${mErr.price}><input type="text" name="mat-price" inputmode="decimal" placeholder="0.00" value=${m.price} onInput=${setF('price')} /><//>
      </div>
      ${errs.materials && html`<small class="field-error" role="alert">${errs.materials}</small>`}
      <button class="block" disabled=${s.busy}>＋ ${t('field.matAdd')}</button>
    </form>
    ${photosAllowed && html`<${Field} label=${t('field.addPhotos')} error=${errs.photos}>
      <${FilePicker} files=${photos} onChange=${setPhotos} accept="image/*" types=${/^image\/(jpeg|png|webp|heic)$/} /><//>`}
    <div class="pay">
      <p><strong>${t('field.amount')}</strong> <span class="money big-amount">${yuan(amount)}</span></p>
      ${!paid ? html`<p class="small muted">${t('field.routineFree')}</p>`
        : prepaid ? html`<p class="small muted">${t('field.prepaid')}</p>`
        : amount > 0 && html`<fieldset><legend>${t('field.payment')} <b class="req">*</b></legend>
          <div class="choices" role="radiogroup">${['paid_on_site', 'unpaid'].map((c) => html`
            <label><input type="radio" name="payment" value=${c} checked=${payment === c} onChange=${() => setPayment(c)} />${label('work_payment', c)}</label>`)}</div>
          ${errs.payment && html`<small class="field-error">${errs.payment}</small>`}
        </fieldset>`}
    </div>
    <button type="button" class="primary block big" disabled=${s.busy || (paid && amount > 0 && !prepaid && !payment)} onClick=${complete}>${t('field.complete')}</button>
  </div>`;
}

/** SignOff: the resident confirms (or asks for rework), rates, and signs on the screen. */
function SignOff({ order: o, s }) {
  const [signoff, setSignoff] = useState('');
  const [satisfaction, setSatisfaction] = useState('');
  const [signed, setSigned] = useState(false);
  const pad = useRef(null);
  const errs = fieldErrors(s.error);
  const submit = async (e) => {
    e.preventDefault();
    if (!signed || !signoff) return;
    const result = label('signoff', signoff) + (satisfaction ? ' · ' + label('satisfaction', satisfaction) : '');
    if (!(await confirmBox({ title: t('field.signTitle'), body: t('field.signBody', { result }), ok: t('field.sendSign') }))) return;
    const file = dataUrlToFile({ name: 'signature.png', type: 'image/png', data: pad.current.toDataURL('image/png') });
    const patch = { status: 'signed_off', signoff };
    if (satisfaction) patch.satisfaction = satisfaction;
    await s.run(patch, t('field.act.signed_off'), { signature: [file] });
  };
  return html`<form class="stack signoff" onSubmit=${submit} novalidate>
    <h2>${t('field.signoff')}</h2>
    <p class="small muted">${t('field.signoffHint')}</p>
    <fieldset><legend>${t('field.signoff')} <b class="req">*</b></legend>
      <div class="choices" role="radiogroup">${choices('signoff').map((c) => html`
        <label><input type="radio" name="signoff" value=${c.code} checked=${signoff === c.code} onChange=${() => setSignoff(c.code)} />${c.text}</label>`)}</div>
      ${signoff === 'rework' && html`<small class="hint">${t('field.reworkNote')}</small>`}
      ${errs.signoff && html`<small class="field-error">${errs.signoff}</small>`}
    </fieldset>
    <fieldset><legend>${t('field.satisfaction')}</legend>
      <div class="choices" role="radiogroup">${choices('satisfaction').map((c) => html`
        <label><input type="radio" name="satisfaction" value=${c.code} checked=${satisfaction === c.code} onChange=${() => setSatisfaction(c.code)} />${c.text}</label>`)}</div>
    </fieldset>
    <${SignaturePad} padRef=${pad} onChange=${setSigned} />
    ${errs.signature && html`<small class="field-error" role="alert">${errs.signature}</small>`}
    ${!signed && html`<small class="hint">${t('field.needSign')}</small>`}
    <button class="primary block big" disabled=${s.busy || !signed || !signoff}>${t('field.sendSign')}</button>
  </form>`;
}

/** SignaturePad draws with a finger, a stylus or a mouse (pointer events) on a white canvas. */
function SignaturePad({ padRef, onChange }) {
  const ref = useRef(null);
  const st = useRef({ drawing: false, moved: false, strokes: 0, last: null });
  const paint = () => {
    const c = ref.current;
    const ctx = c.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    const dpr = c.width / (c.getBoundingClientRect().width || c.width);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.lineWidth = 2.6;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#111827';
  };
  useEffect(() => {
    const c = ref.current;
    const r = c.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(r.width * dpr);
    c.height = Math.round(r.height * dpr);
    paint();
    padRef.current = c;
  }, []);
  const pos = (e) => {
    const r = ref.current.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  const down = (e) => {
    e.preventDefault();
    ref.current.setPointerCapture?.(e.pointerId);
    st.current.drawing = true;
    st.current.moved = false;
    st.current.last = pos(e);
    const ctx = ref.current.getContext('2d');
    ctx.beginPath();
    ctx.arc(st.current.last[0], st.current.last[1], 0.8, 0, Math.PI * 2);
    ctx.stroke();
  };
  const move = (e) => {
    if (!st.current.drawing) return;
    e.preventDefault();
    const ctx = ref.current.getContext('2d');
    const evs = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
    for (const ev of evs.length ? evs : [e]) {
      const p = pos(ev);
      ctx.beginPath();
      ctx.moveTo(st.current.last[0], st.current.last[1]);
      ctx.lineTo(p[0], p[1]);
      ctx.stroke();
      st.current.last = p;
    }
    st.current.moved = true;
  };
  const up = () => {
    if (!st.current.drawing) return;
    st.current.drawing = false;
    if (st.current.moved) {
      st.current.strokes++;
      onChange(true);
    }
  };
  const clear = () => {
    paint();
    st.current.strokes = 0;
    onChange(false);
  };
  return html`<div class="sigpad">
    <canvas ref=${ref} role="img" aria-label=${t('field.signPad')} data-testid="signature-pad"
      onPointerDown=${down} onPointerMove=${move} onPointerUp=${up} onPointerCancel=${up} onPointerLeave=${up}></canvas>
    <span class="sig-hint" aria-hidden="true">${t('field.signHere')}</span>
    <button type="button" class="ghost small" onClick=${clear}>${t('field.clear')}</button>
  </div>`;
}

