// The field app's outbox: actions taken without a connection wait in
// localStorage and are sent in order when the connection returns; and the
// orders known to this page, for showing one while offline.
import { html, useState, useEffect, useRef } from '../../core/html.js';
import { pb, errorText } from '../../core/api.js';
import { t, addMessages } from '../../core/i18n.js';
import { useOnline, toast } from '../../core/ui.js';
import { COL, EXPAND, OUTBOX_KEY } from './common.js';

addMessages({
  'field.outbox': ['待发送 {n} 项', '{n} waiting to send'],
  'field.outboxHint': ['联网后自动按顺序发送', 'Sent in order when the connection returns'],
  'field.sendNow': ['立即发送', 'Send now'],
  'field.refused': ['“{what}”未能发送：{msg}', '"{what}" was not sent: {msg}'],
  'field.tooBig': ['离线保存失败：手机存储空间不足（照片太大？）', 'Could not save offline: not enough storage (photos too large?)'],
  'field.sent': ['已发送：{what}', 'Sent: {what}'],
});

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
export function useOutbox() {
  const [, bump] = useState(0);
  useEffect(() => {
    const fn = () => bump((n) => n + 1);
    outbox.listeners.add(fn);
    return () => outbox.listeners.delete(fn);
  }, []);
  return { items: myItems(), refused: outbox.refused.filter((r) => r.staff === myId()) };
}

/** useOutboxResults calls fn(record, id) for each waiting action saved, fn(null, id) for each refused. */
export function useOutboxResults(fn) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const cb = (rec, id) => ref.current(rec, id);
    outbox.results.add(cb);
    return () => outbox.results.delete(cb);
  }, []);
}

/** withPending shows an order as it will be once its waiting actions are sent. */
export function withPending(o) {
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

export function dataUrlToFile({ name, type, data }) {
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

export const lostConnection = (e) => e && e.status === 0 && !e.isAbort;

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

export function OutboxBar() {
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

export const known = new Map();
export const remember = (o) => { if (o?.id) known.set(o.id, { ...o, expand: o.expand || known.get(o.id)?.expand }); };
