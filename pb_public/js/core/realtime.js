// Realtime for every screen: subscriptions to a collection or to one of the
// server's narrow topics (re-fetching after a reconnect, since messages are
// not replayed), gathering a burst of messages into one re-read, re-reading
// just the changed records (with the page's cache of buildings and service
// items) and putting them in place in a list.
import { useEffect, useRef, useCallback } from './html.js';
import { pb } from './api.js';

/**
 * listenReconnect calls fn each time the realtime connection comes back
 * after a drop: the first PB_CONNECT is the connection a new subscription
 * opened, unless one was open already, and then every PB_CONNECT is a
 * reconnect. It resolves to the unsubscribe function.
 */
export function listenReconnect(fn) {
  let first = !pb.realtime.isConnected;
  return pb.realtime.subscribe('PB_CONNECT', () => {
    if (!first) fn();
    first = false;
  });
}

/**
 * useRealtime subscribes to collection col (topic "*" or a record id, with an
 * optional filter) while the component is mounted, calling onEvent for each
 * change. Realtime events are not replayed after a dropped connection, so
 * onReconnect (usually a re-fetch) runs whenever the connection comes back.
 */
export function useRealtime(col, topic, onEvent, { filter, expand, onReconnect } = {}, deps = []) {
  const cb = useRef(onEvent);
  cb.current = onEvent;
  const rc = useRef(onReconnect);
  rc.current = onReconnect;
  useEffect(() => {
    if (!topic) return undefined;
    let alive = true;
    const unsubs = [];
    const opts = {};
    if (filter) opts.filter = filter;
    if (expand) opts.expand = expand;
    // PocketBase sends every message from a goroutine of its own, so two
    // saves of a record close together can arrive in either order: a message
    // older than one already seen (by the record's "updated") is dropped.
    const seen = new Map();
    const fresh = (e) => {
      const at = e.record?.updated || '';
      const last = seen.get(e.record?.id);
      if (e.action !== 'delete' && last && at < last) return false;
      if (at) seen.set(e.record.id, at);
      return true;
    };
    pb.collection(col).subscribe(topic, (e) => alive && fresh(e) && cb.current(e), opts).then((u) => (alive ? unsubs.push(u) : u())).catch(() => {});
    listenReconnect(() => alive && rc.current && rc.current()).then((u) => (alive ? unsubs.push(u) : u())).catch(() => {});
    return () => { alive = false; unsubs.forEach((u) => Promise.resolve(u()).catch(() => {})); };
  }, [col, topic, filter, expand, ...deps]);
}

/**
 * useTopic subscribes to one of the server's narrow realtime topics (see
 * hooks/base_realtime.go) while the component is mounted. Each message is
 * { collection, id, action } and nothing of the record: onEvent re-fetches
 * what it needs with the page's own token. collections, if given, keeps only
 * messages about those collections; onReconnect runs when the connection
 * comes back (messages are not replayed).
 */
// Every screen that follows a topic shares one SDK listener of it. Several
// screens follow the same topic (the bell and the page both follow the
// person's own), and the JS SDK (0.28) never attaches to the connection a
// second listener of a topic added while the connection is being set up:
// that screen would hear nothing.
const topicListeners = new Map(); // topic → { callbacks, unsubscribe }

function listenTopic(topic, callback) {
  let entry = topicListeners.get(topic);
  if (!entry) {
    const callbacks = new Set();
    entry = {
      callbacks,
      unsubscribe: pb.realtime.subscribe(topic, (e) => { for (const f of [...callbacks]) f(e); }).catch(() => null),
    };
    topicListeners.set(topic, entry);
  }
  entry.callbacks.add(callback);
  const mine = entry;
  return () => {
    mine.callbacks.delete(callback);
    if (mine.callbacks.size === 0 && topicListeners.get(topic) === mine) {
      topicListeners.delete(topic);
      mine.unsubscribe.then((u) => u && u()).catch(() => {});
    }
  };
}

export function useTopic(topic, onEvent, { collections, onReconnect } = {}, deps = []) {
  const cb = useRef(onEvent);
  cb.current = onEvent;
  const rc = useRef(onReconnect);
  rc.current = onReconnect;
  const only = collections ? collections.join(',') : '';
  useEffect(() => {
    if (!topic) return undefined;
    let alive = true;
    const unsubs = [];
    const keep = only ? only.split(',') : null;
    unsubs.push(listenTopic(topic, (e) => {
      if (alive && (!keep || keep.includes(e.collection))) cb.current(e);
    }));
    listenReconnect(() => alive && rc.current && rc.current()).then((u) => (alive ? unsubs.push(u) : u())).catch(() => {});
    return () => { alive = false; unsubs.forEach((u) => Promise.resolve(u()).catch(() => {})); };
  }, [topic, only, ...deps]);
}

/** myTopic is the signed-in person's own topic: resident/<id> or employee/<id>. */
export function myTopic() {
  const me = pb.authStore.record;
  if (!me?.id) return '';
  return (me.collectionName === 'staff' ? 'employee/' : 'resident/') + me.id;
}

/**
 * useMyTopic follows what concerns the signed-in person: for a resident
 * their complaints, work orders, renovations, their units' bills and
 * payments and their notifications; for staff their notifications. One
 * server subscription however many screens listen.
 */
export function useMyTopic(onEvent, opts = {}, deps = []) {
  useTopic(myTopic(), onEvent, opts, deps);
}

/**
 * useCommunityTopic follows a community's complaints or work_orders, each
 * change sent only to the staff who may read that record.
 */
export function useCommunityTopic(community, col, onEvent, opts = {}, deps = []) {
  useTopic(community ? `community/${community}/${col}` : '', onEvent, opts, deps);
}

/**
 * useCoalesce gathers a screen's topic messages and re-reads at most once
 * per ms: after a quiet spell the first message re-reads almost at once
 * (GATHER, enough for the few messages one change makes), and while
 * messages keep coming the ones arriving meanwhile wait for the end of the
 * window; then fn(events) gets them all (deduplicated by collection and id,
 * in order of arrival). A message always arms a re-read after it, so the
 * last of a burst is followed by one (the final state is shown), and a
 * steady stream still refreshes the screen every ms (where a debounce pushed
 * back by each message would never fire). Why: a busy community sends each
 * open board a message per change — several a second — and a re-read per
 * message was most of the server's work (cmd/bench, realtime). push() with
 * no event just asks for a re-read. Pending events are dropped on unmount.
 */
export function useCoalesce(fn, ms) {
  const cb = useRef(fn);
  cb.current = fn;
  const state = useRef(null);
  if (!state.current) state.current = { timer: 0, last: -Infinity, events: new Map(), alive: true };
  useEffect(() => {
    const s = state.current;
    s.alive = true;
    return () => { s.alive = false; clearTimeout(s.timer); s.timer = 0; s.events.clear(); };
  }, []);
  return useCallback((e) => {
    const s = state.current;
    if (e && e.id) {
      const k = (e.collection || '') + '/' + e.id;
      s.events.delete(k); // keep the latest action, in order of arrival
      s.events.set(k, e);
    }
    if (s.timer) return;
    s.timer = setTimeout(() => {
      const events = [...s.events.values()];
      s.events.clear();
      s.timer = 0;
      s.last = Date.now();
      if (s.alive) cb.current(events);
    }, Math.max(GATHER, s.last + ms - Date.now()));
  }, [ms]);
}

const GATHER = 150; // ms: the messages of one change (the record, its notification) arrive together

/**
 * Re-read windows (see useCoalesce), when messages keep coming: a resident's
 * lists and the bell, which hear of their own records only, once a second;
 * the staff boards, which hear of every change in the community, every 2 s;
 * figures (dashboards, statistics: a handful of aggregate queries over the
 * whole history) every 5 s.
 */
export const LIST_WINDOW = 1000;
export const BOARD_WINDOW = 2000;
export const FIGURES_WINDOW = 5000;

const FETCH_CHUNK = 100; // ids per request: 22 filter characters each, PocketBase allows 3,500

/**
 * fetchChanged re-reads the records of collection col with the given ids in
 * one list request (a chunk of 100 at most), with the page's own token and
 * options (expand, fields): a Map id → record, or null for an id the reader
 * may not (or no longer) see. where (a filter) narrows the re-read to what
 * the screen shows: a record that no longer matches comes back null, as
 * gone from the screen, and costs no expansion.
 */
export async function fetchChanged(col, ids, { where, ...opts } = {}) {
  // Buildings and service items come from the page's cache (withCached).
  const { expand, cached } = splitExpand(opts.expand);
  opts.expand = expand;
  const unique = [...new Set(ids)];
  const out = new Map(unique.map((id) => [id, null]));
  for (let i = 0; i < unique.length; i += FETCH_CHUNK) {
    const chunk = unique.slice(i, i + FETCH_CHUNK);
    const params = Object.fromEntries(chunk.map((id, j) => ['i' + j, id]));
    const byId = pb.filter(chunk.map((_, j) => `id = {:i${j}}`).join(' || '), params);
    const filter = where ? `(${byId}) && (${where})` : byId;
    const page = await pb.collection(col).getList(1, chunk.length, { ...opts, filter, skipTotal: true, requestKey: null });
    for (const r of page.items) out.set(r.id, r);
  }
  if (cached.length) await withCached([...out.values()].filter(Boolean), cached);
  return out;
}

/**
 * fetchChangedFrom is fetchChanged for a Wuye route that answers a screen's
 * cards ({ items }) for the ids it is given (&ids=a,b,c, 100 at most), such
 * as GET /api/wuye/work-orders/board: a Map id → card, null for an id that
 * did not come back (no longer on the screen, or not the reader's to see).
 */
export async function fetchChangedFrom(path, ids, query = {}) {
  const unique = [...new Set(ids)];
  const out = new Map(unique.map((id) => [id, null]));
  for (let i = 0; i < unique.length; i += FETCH_CHUNK) {
    const chunk = unique.slice(i, i + FETCH_CHUNK);
    const page = await pb.send(path, { method: 'GET', query: { ...query, ids: chunk.join(',') }, requestKey: null });
    for (const r of page.items || []) out.set(r.id, r);
  }
  return out;
}

// The few, seldom changed records many others point to — a community's
// buildings (about a hundred) and service items (its price list) — read once
// per page by id and kept, where an expansion would read them again with
// every re-read. Why: PocketBase checks their read rules for an expansion
// with a join over every unit (and resident link) of the building or the
// community — 15 ms of server time per service item and some 0.3 ms per
// building on a 10,000-unit estate, on every re-read of every board — where
// reading one by id takes 1 ms. (One renamed meanwhile shows its old name
// until the page is reloaded.)
const CACHED = { building: 'buildings', service_item: 'service_items' }; // relation field → collection
const cache = new Map(); // "collection/id" → Promise of the record, or null

/**
 * splitExpand takes out of an expand option the expansions the page caches:
 * "building", "service_item" and "unit.building" (kept as "unit"); it returns
 * the rest and the paths taken out.
 */
function splitExpand(expand) {
  const rest = [];
  const cached = [];
  for (const part of (expand || '').split(',').filter(Boolean)) {
    const path = part.split('.');
    if (CACHED[path[path.length - 1]] && path.length <= 2) {
      cached.push(path);
      if (path.length === 2 && !rest.includes(path[0])) rest.push(path[0]);
    } else if (!rest.includes(part)) rest.push(part);
  }
  return { expand: rest.join(',') || undefined, cached };
}

function cachedRecord(col, id) {
  const key = col + '/' + id;
  if (!cache.has(key)) {
    cache.set(key, pb.collection(col).getOne(id, { requestKey: null }).catch((err) => {
      cache.delete(key); // not kept: a network error is tried again next time
      if (err?.status === 404 || err?.status === 403) return null;
      throw err;
    }));
  }
  return cache.get(key);
}

/**
 * withCached puts into records the expansions named by paths (as
 * splitExpand gives them: ["building"], ["unit", "building"],
 * ["service_item"]) from the page's cache, as expand would: a record's
 * expand.building, its expanded unit's expand.building, and so on.
 */
export async function withCached(records, paths) {
  const jobs = [];
  for (const r of records) {
    for (const path of paths) {
      const owner = path.length === 2 ? r.expand?.[path[0]] : r;
      const field = path[path.length - 1];
      const id = owner?.[field];
      if (!id) continue;
      jobs.push(cachedRecord(CACHED[field], id).then((x) => {
        if (x) owner.expand = { ...(owner.expand || {}), [field]: x };
      }));
    }
  }
  await Promise.all(jobs);
  return records;
}

/** withServiceItems puts each work order's service item in its expand (withCached). */
export const withServiceItems = (orders) => withCached(orders, [['service_item']]);

/** idsOf lists the ids of the events about collection col. */
export const idsOf = (events, col) => events.filter((e) => !col || e.collection === col).map((e) => e.id);

/**
 * placeAll puts every record of fetched (fetchChanged's map) into list as
 * placeFetched does.
 */
export function placeAll(list, fetched, keep = () => true) {
  let out = list || [];
  for (const [id, r] of fetched) out = placeFetched(out, id, r, keep);
  return out;
}

/**
 * usePlaceChanged is the topic callback of a screen that lists collection
 * col: list is its useAsync state, whose data is an array or a page
 * ({ items }). Messages are gathered (useCoalesce: one re-read per window
 * ms at most), the records they were about re-read in one request
 * (fetchChanged, with expand, narrowed by the filter where to what the
 * screen shows) and put in place: kept where keep(record) says they belong,
 * out where not or where the reader may no longer see them; sort, if given,
 * orders the result. onPlaced(events, fetched) runs after (toasts). Before
 * the list's first answer a message reloads it instead. fetch(ids), if
 * given, re-reads in place of fetchChanged (a screen's own route, e.g.
 * fetchChangedFrom), with the same answer: a Map id → record or null.
 */
export function usePlaceChanged(list, col, { expand, where, keep, sort, onPlaced, fetch, window = LIST_WINDOW } = {}) {
  return useCoalesce(async (events) => {
    const ids = idsOf(events, col);
    if (!ids.length) return;
    if (list.data === undefined) { list.reload(); return; }
    let got;
    try { got = await (fetch ? fetch(ids) : fetchChanged(col, ids, { expand, where })); } catch { return; } // offline: the reconnect reloads
    const place = (items) => {
      const out = placeAll(items, got, keep);
      return sort ? [...out].sort(sort) : out;
    };
    list.setData((d) => (d === undefined ? d : Array.isArray(d) ? place(d) : { ...d, items: place(d.items) }));
    if (onPlaced) onPlaced(events, got);
  }, window);
}

/** newestFirst orders records by a date field, latest first (default created). */
export const newestFirst = (field = 'created') => (a, b) => (String(a[field]) < String(b[field]) ? 1 : String(a[field]) > String(b[field]) ? -1 : 0);
/** oldestFirst orders records by a date field, earliest first. */
export const oldestFirst = (field) => (a, b) => (String(a[field]) < String(b[field]) ? -1 : String(a[field]) > String(b[field]) ? 1 : 0);

/**
 * placeFetched puts r, re-read after a message about id, into list: in
 * place of its old copy when keep(r), out of the list when not or when r is
 * null; an older copy (re-reads may finish out of order) changes nothing.
 */
export function placeFetched(list, id, r, keep = () => true) {
  const items = list || [];
  const old = items.find((x) => x.id === id);
  if (r && old && String(old.updated) > String(r.updated)) return items;
  const rest = items.filter((x) => x.id !== id);
  return r && keep(r) ? [...rest, r] : rest;
}
