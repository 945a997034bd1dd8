// Small building blocks every screen uses: loading, error and empty states,
// status chips, confirm dialogs, toasts, form fields, file pickers and the
// hash router. Realtime (subscriptions, re-reads after a message or a
// reconnect) is in realtime.js.
import { html, useState, useEffect, useRef, useCallback } from './html.js';
import { pb, errorText } from './api.js';
import { t } from './i18n.js';
import { statusLabel } from './flows.js';
import { date, dateTime } from './format.js';

export const Loading = ({ text }) => html`<div class="state loading" role="status" aria-live="polite"><span class="spinner" aria-hidden="true"></span>${text || t('loading')}</div>`;

export const ErrorBox = ({ error, retry }) => error ? html`
  <div class="state error" role="alert">
    <span>${typeof error === 'string' ? error : errorText(error)}</span>
    ${retry && ![403, 404].includes(error.status) && html`<button type="button" class="link" onClick=${retry}>${t('retry')}</button>`}
  </div>` : null;

export const Empty = ({ text, children }) => html`<div class="state empty">${text || t('empty')}${children}</div>`;

/** When shows a time (or, with day, a date) that never breaks across lines. */
export const When = ({ v, day }) => (v ? html`<time class="nowrap" datetime=${String(v).replace(' ', 'T')}>${day ? date(v) : dateTime(v)}</time>` : '');

export const Status = ({ col, code }) => html`<span class=${`chip s-${code}`}>${statusLabel(col, code)}</span>`;

/** useAsync runs fn now and whenever deps change; reload() runs it again. */
export function useAsync(fn, deps = []) {
  const [state, set] = useState({ data: undefined, error: null, loading: true });
  const seq = useRef(0);
  const run = useCallback(async () => {
    const n = ++seq.current;
    set((s) => ({ ...s, loading: true, error: null }));
    try {
      const data = await fn();
      if (n === seq.current) set({ data, error: null, loading: false });
    } catch (error) {
      if (n === seq.current) set((s) => ({ ...s, error, loading: false }));
    }
  }, deps);
  useEffect(() => { run(); }, [run]);
  return { ...state, reload: run, setData: (d) => set((s) => ({ ...s, data: typeof d === 'function' ? d(s.data) : d })) };
}

/** useAction wraps a submit: busy flag, error kept for display, no double submit. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (fn) => {
    if (busy) return undefined;
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, setError };
}

/** useNow re-renders every ms milliseconds and returns the time. */
export function useNow(ms) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => { const id = setInterval(() => setNow(Date.now()), ms); return () => clearInterval(id); }, [ms]);
  return now;
}

/** useSoon debounces a reload: a burst of realtime events fetches once. */
export function useSoon(fn) {
  const timer = useRef();
  const cb = useRef(fn);
  cb.current = fn;
  useEffect(() => () => clearTimeout(timer.current), []);
  return () => { clearTimeout(timer.current); timer.current = setTimeout(() => cb.current(), 200); };
}

/** useOnline tracks the browser's connection for the offline banner. */
export function useOnline() {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true), down = () => setOnline(false);
    addEventListener('online', up);
    addEventListener('offline', down);
    return () => { removeEventListener('online', up); removeEventListener('offline', down); };
  }, []);
  return online;
}

// --- routing: #/path/with/parts?query -------------------------------------

export function currentRoute() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?');
  return { path, parts: path.split('/').filter(Boolean), query: new URLSearchParams(query) };
}

export function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const on = () => { setRoute(currentRoute()); window.scrollTo(0, 0); };
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const navigate = (path) => { location.hash = '#' + path; };

// --- dialogs and toasts -----------------------------------------------------

// The page's mounted Overlays, kept on window: the page runs this module
// inside its shell's bundle (hooks/ops_pages_bundle.go), and a copy loaded
// by its own URL (/js/core/ui.js: a test, the console) opens the same
// dialog rather than none.
const overlays = window.wuyeOverlays || (window.wuyeOverlays = { dialog: null, toast: null });

/** confirmBox asks before an irreversible action; resolves true on OK. */
export function confirmBox({ title, body, ok, danger } = {}) {
  return new Promise((resolve) => overlays.dialog ? overlays.dialog({ title, body, ok, danger, resolve }) : resolve(window.confirm(title)));
}

export function toast(text) {
  if (overlays.toast) overlays.toast(text);
}

/**
 * trapTab keeps Tab and Shift+Tab inside a modal dialog (its onKeyDown):
 * from the last control Tab goes to the first, from the first Shift+Tab to
 * the last, so the keyboard never wanders to the page behind or the
 * browser's own bar.
 */
export function trapTab(e) {
  if (e.key !== 'Tab') return;
  const box = e.currentTarget;
  const all = [...box.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
    .filter((el) => !el.disabled && el.getClientRects().length > 0);
  if (!all.length) { e.preventDefault(); return; }
  const first = all[0], last = all[all.length - 1];
  const at = document.activeElement;
  if (e.shiftKey ? (at === first || !box.contains(at)) : (at === last || !box.contains(at))) {
    e.preventDefault();
    (e.shiftKey ? last : first).focus();
  }
}

/** Overlays hosts the confirm dialog and toasts; mount once per page. */
export function Overlays() {
  const [dialog, setDialog] = useState(null);
  const [toasts, setToasts] = useState([]);
  const ref = useRef();
  overlays.dialog = setDialog;
  overlays.toast = (text) => {
    const id = Math.random();
    setToasts((ts) => [...ts, { id, text }]);
    setTimeout(() => setToasts((ts) => ts.filter((x) => x.id !== id)), 3500);
  };
  useEffect(() => {
    const d = ref.current;
    if (dialog && d && !d.open) d.showModal();
  }, [dialog]);
  const answer = (v) => { ref.current?.close(); dialog?.resolve(v); setDialog(null); };
  return html`
    ${dialog && html`<dialog ref=${ref} class="confirm" aria-labelledby="confirm-title" onKeyDown=${trapTab} onCancel=${(e) => { e.preventDefault(); answer(false); }}>
      <h2 id="confirm-title">${dialog.title}</h2>
      ${dialog.body && html`<p>${dialog.body}</p>`}
      <div class="row end">
        <button type="button" class="ghost" onClick=${() => answer(false)}>${t('cancel')}</button>
        <button type="button" class=${dialog.danger ? 'danger' : 'primary'} onClick=${() => answer(true)} autofocus>${dialog.ok || t('confirm')}</button>
      </div>
    </dialog>`}
    <div class="toasts" role="status" aria-live="polite">${toasts.map((x) => html`<div class="toast" key=${x.id}>${x.text}</div>`)}</div>`;
}

// --- form pieces ------------------------------------------------------------

/** Field labels one input and shows its error from the server underneath. */
export const Field = ({ label, error, hint, children, required }) => html`
  <label class=${'field' + (error ? ' invalid' : '')}>
    <span class="label">${label}${required ? html`<b class="req" aria-hidden="true"> *</b>` : ''}</span>
    ${children}
    ${hint && !error && html`<small class="hint">${hint}</small>`}
    ${error && html`<small class="field-error" role="alert">${error}</small>`}
  </label>`;

const IMAGE_OR_PDF = /^(image\/(jpeg|png|webp|heic)|application\/pdf)$/;

/**
 * FilePicker keeps chosen files (with image previews) and checks type, size
 * and count before the server does, so a resident hears at once.
 */
export function FilePicker({ files, onChange, max = 6, maxMB = 10, accept = 'image/*,application/pdf', types = IMAGE_OR_PDF, label }) {
  const [err, setErr] = useState('');
  const add = (e) => {
    const picked = [...e.target.files];
    e.target.value = '';
    for (const f of picked) {
      if (!types.test(f.type)) return setErr(t(accept.includes('pdf') ? 'err.fileType' : 'err.imageType', { name: f.name }));
      if (f.size > maxMB * 1024 * 1024) return setErr(t('err.fileSize', { name: f.name, mb: maxMB }));
    }
    if (files.length + picked.length > max) return setErr(t('err.fileCount', { n: max }));
    setErr('');
    onChange([...files, ...picked]);
  };
  return html`
    <div class="files">
      ${files.map((f, i) => html`<figure class="thumb" key=${f.name + i}>
        ${f.type.startsWith('image/') ? html`<img src=${URL.createObjectURL(f)} alt=${f.name} />` : html`<span class="doc">${f.name}</span>`}
        <button type="button" class="x" aria-label=${t('remove') + ' ' + f.name} onClick=${() => onChange(files.filter((_, j) => j !== i))}>×</button>
      </figure>`)}
      ${files.length < max && html`<label class="add-file"><input type="file" multiple accept=${accept} onChange=${add} />${label || t('addFiles')}</label>`}
      ${err && html`<small class="field-error" role="alert">${err}</small>`}
    </div>`;
}

/** Attachments shows a record's protected files (with a file token). */
export function Attachments({ record, field }) {
  const [urls, setUrls] = useState([]);
  useEffect(() => {
    let alive = true;
    if ((record?.[field] || []).length === 0) { setUrls([]); return undefined; }
    pb.files.getToken().then((token) => {
      if (alive) setUrls([].concat(record[field]).map((n) => ({ n, url: pb.files.getURL(record, n, { token }) })));
    }).catch(() => {});
    return () => { alive = false; };
  }, [record?.id, String(record?.[field])]);
  if (!urls.length) return null;
  return html`<div class="files">${urls.map(({ n, url }) => /\.pdf$/i.test(n)
    ? html`<a class="thumb doc" href=${url} target="_blank" rel="noopener">${n}</a>`
    : html`<a class="thumb" href=${url} target="_blank" rel="noopener"><img src=${url} alt=${n} loading="lazy" /></a>`)}</div>`;
}

/** formData builds multipart data for a record with files. */
export function formData(fields, files = {}) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) v.forEach((x) => fd.append(k, x));
    else fd.append(k, v);
  }
  for (const [k, list] of Object.entries(files)) for (const f of list) fd.append(k, f);
  return fd;
}

/**
 * signOut drops the realtime subscriptions while still signed in (changing
 * them afterwards would be refused: the server ties a connection to its
 * auth), then forgets the session.
 */
export async function signOut() {
  try { await pb.realtime.unsubscribe(); } catch { /* the connection is going anyway */ }
  pb.authStore.clear();
  location.hash = '#/';
}
