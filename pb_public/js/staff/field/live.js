// The field app on the narrow realtime topics queue/<staff id> and
// pool/<community id>/<category> (hooks/dispatch_realtime.go): subscribing,
// hearing of a reconnect, and the live dot.
import { html, useState, useEffect, useRef } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages } from '../../core/i18n.js';
import { useOnline } from '../../core/ui.js';
import { listenReconnect } from '../../core/realtime.js';

addMessages({
  'field.live': ['实时', 'Live'],
  'field.connecting': ['连接中…', 'Connecting…'],
  'field.offlineShort': ['离线', 'Offline'],
});

/**
 * useTopics subscribes to custom realtime topics while mounted and calls
 * onMessage(topic, data) for each message. Realtime messages are not
 * replayed after a dropped connection, so onReconnect runs (to re-fetch)
 * whenever the connection comes back. Returns whether the subscriptions
 * are in place.
 */
export function useTopics(topics, onMessage, onReconnect) {
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
export function useReconnect(fn) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    let alive = true;
    let unsub = null;
    listenReconnect(() => alive && ref.current()).then((u) => (alive ? (unsub = u) : u())).catch(() => {});
    return () => { alive = false; unsub?.(); };
  }, []);
}

export const LiveDot = ({ live }) => {
  const online = useOnline();
  const state = !online ? 'offline' : live ? 'live' : 'connecting';
  return html`<span class=${'field-live ' + state} data-live=${state} role="status">${state === 'offline' ? t('field.offlineShort') : state === 'live' ? t('field.live') : t('field.connecting')}</span>`;
};
