// The PocketBase client every page talks through, and the turning of its
// errors into sentences a front-desk clerk or a resident understands.
import PocketBase, { serializeQueryParams } from 'pocketbase';
import { lang, t } from './i18n.js';

export const pb = new PocketBase('/');
// Screens load several lists at once; PocketBase's default would cancel all
// but the last request to the same collection.
pb.autoCancellation(false);
// The server answers errors in the reader's language (hooks/base_localize.go).
pb.beforeSend = (url, options) => {
  options.headers = Object.assign({}, options.headers, { 'Accept-Language': lang() });
  const early = earlyRequest(url, options);
  if (early) options.fetch = early;
  return { url, options };
};

/**
 * earlyRequest hands a GET the page started as it was parsed for the
 * screen its URL opens (the inline script of index.html: window.wuyeEarly
 * .reads, by path and query as the SDK writes them) to the SDK, once: a
 * fetch function answering with that response, or asking itself when the
 * early one failed. Null when there is none for this request and account.
 */
function earlyRequest(url, options) {
  const reads = window.wuyeEarly?.reads;
  if (!reads || (options.method || 'GET') !== 'GET') return null;
  const query = serializeQueryParams(options.query || {});
  const key = new URL(url, location.href).pathname + (query ? '?' + query : '');
  const read = reads[key];
  // The same account's (a refreshed session has a new token, not new rights).
  if (!read || read.id !== pb.authStore.record?.id) return null;
  delete reads[key];
  return (u, o) => read.response.then((r) => (r && r.ok ? r : fetch(u, o)));
}

/**
 * earlyRead hands over, once, a read the page started as it was parsed
 * (the inline script of index.html: window.wuyeEarly) for the signed-in
 * record id: a promise of the answer's JSON, null when it failed (the
 * caller then asks itself, and reports the error), or null when there is
 * none.
 */
export function earlyRead(name, id) {
  const early = window.wuyeEarly;
  if (!early || early.id !== id || !early[name]) return null;
  const read = early[name];
  delete early[name];
  return read;
}

/** errorText turns any thrown value into one readable sentence. */
export function errorText(err) {
  if (!err) return '';
  if (typeof err === 'string') return err;
  // Our own checks throw plain Errors with a sentence already.
  if (!('status' in err)) return err.message || t('err.unknown');
  if (err.isAbort) return t('err.aborted');
  const status = err.status ?? 0;
  if (status === 0) return t('err.network');
  const data = err.response?.data || {};
  const fields = Object.values(data).map((f) => f?.message).filter(Boolean);
  const message = err.response?.message || err.message || '';
  if (status === 404) return message && !/requested resource/i.test(message) ? message : t('err.notFound');
  if (status === 403) return message && !/not allowed|only superusers/i.test(message) ? message : t('err.forbidden');
  if (status === 401) return t('err.signIn');
  if (status === 429) return t('err.tooMany');
  if (message && !/^Failed to |Something went wrong/i.test(message)) return message;
  return fields[0] || t('err.unknown');
}

/** fieldErrors maps field name → message for inline display under inputs. */
export function fieldErrors(err) {
  const out = {};
  for (const [k, v] of Object.entries(err?.response?.data || {})) out[k] = v?.message || '';
  return out;
}

/** me is the signed-in record (staff or resident), or null. */
export function me() {
  return pb.authStore.isValid ? pb.authStore.record : null;
}

/** fileUrl links a protected file with a short-lived token. */
export async function fileUrls(record, field) {
  const names = [].concat(record?.[field] || []);
  if (!names.length) return [];
  const token = await pb.files.getToken();
  return names.map((n) => ({ name: n, url: pb.files.getURL(record, n, { token }) }));
}

/**
 * capitalsOf asks the server (lib/money, the one writer of 大写金额) for
 * the capitals of several amounts in one request: a Map fen → text.
 */
export async function capitalsOf(fens) {
  const unique = [...new Set(fens.map((f) => String(Math.trunc(Number(f) || 0))))];
  if (!unique.length) return new Map();
  const out = await pb.send('/api/wuye/capitals', { method: 'GET', query: { fen: unique } });
  return new Map(Object.entries(out).map(([k, v]) => [Number(k), v]));
}
