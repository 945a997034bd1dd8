// What the two page shells (the residents' portal, js/portal/main.js, and
// the staff workspace, js/staff/main.js) share: matching the URL hash to a
// screen (each screen's module fetched when it is first shown: lazy), the
// language switches, and the sign-in form.
import PocketBase, { BaseAuthStore } from 'pocketbase';
import { html, useState, useEffect } from './html.js';
import { pb } from './api.js';
import { t, lang, setLang } from './i18n.js';
import { Field, ErrorBox, Loading, useAction } from './ui.js';

/**
 * matchRoute finds the route whose pattern ("/complaints/:id") fits path:
 * { route, params } with the route (its pattern first, then whatever the
 * shell keeps with it) and the :name parts of the path, or null.
 */
export function matchRoute(routes, path) {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const p = route[0].split('/').filter(Boolean);
    if (p.length !== parts.length) continue;
    const params = {};
    if (p.every((seg, i) => (seg.startsWith(':') ? ((params[seg.slice(1)] = decodeURIComponent(parts[i])), true) : seg === parts[i]))) {
      return { route, params };
    }
  }
  return null;
}

/**
 * lazy(load) is a screen whose module is fetched when it is first shown:
 * load is `() => import('./file.js').then((m) => m.Screen)`, the import
 * written out so that the file stays findable. A phone then downloads the
 * shell and the screen it opens, not every screen of the workspace (issue
 * #23: the technicians' field app downloaded them all). Until the module
 * has come the screen is a spinner (quiet: nothing, for a banner); a module
 * that fails to load (the network) gives an error with a retry.
 */
export function lazy(load, { quiet = false } = {}) {
  let Screen = null;
  let pending = null;
  const fetchOnce = () => (pending ||= load().then((s) => { Screen = s; }, (e) => { pending = null; throw e; }));
  return function Lazy(props) {
    const [, setLoaded] = useState(false);
    const [error, setError] = useState(null);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      if (Screen) return undefined;
      let live = true;
      fetchOnce().then(() => live && setLoaded(true), (e) => live && setError(e));
      return () => { live = false; };
    }, [attempt]);
    if (Screen) return html`<${Screen} ...${props} />`;
    if (quiet) return null;
    if (error) return html`<${ErrorBox} error=${error} retry=${() => { setError(null); setAttempt((n) => n + 1); }} />`;
    return html`<${Loading} />`;
  };
}

const otherLang = () => setLang(lang() === 'en' ? 'zh' : 'en');

/** LangButton switches the language from the top bar. */
export const LangButton = () => html`<button type="button" onClick=${otherLang} aria-label=${t('lang.switchLabel')}>${t('lang.switch')}</button>`;

/** LangSwitch switches the language above a sign-in or password form. */
export const LangSwitch = () => html`<p class="row end"><button type="button" class="link" onClick=${otherLang}>${t('lang.switch')}</button></p>`;

/**
 * signsInAt reports whether identity and password sign in to collection,
 * on a client of its own (its session is never stored, and is dropped at
 * once): the page asks it only after its own sign-in failed.
 */
async function signsInAt(collection, identity, password) {
  const probe = new PocketBase('/', new BaseAuthStore());
  try {
    await probe.collection(collection).authWithPassword(identity, password);
    return true;
  } catch {
    return false;
  } finally {
    probe.authStore.clear();
  }
}

/**
 * SignInPage signs in to the auth collection (residents or staff) with an
 * email or phone and a password. PocketBase answers a wrong password with a
 * generic 400, shown as wrong (the page's own sentence). above goes over the
 * form, head at its top (with id="signin-title"), foot under the button.
 *
 * other ({collection, hint}) is the other page's accounts: after a failed
 * sign-in the same identity and password are tried there, and if they sign
 * in (only someone who knows the password learns anything), the hint —
 * "this is a staff account, sign in at /staff/" — is shown instead of
 * "wrong", and that session is dropped. A wrong password reads the same
 * whether or not the account exists, here or there.
 */
export function SignInPage({ collection, wrong, above, head, foot, other }) {
  const [identity, setIdentity] = useState('');
  const [password, setPassword] = useState('');
  const [elsewhere, setElsewhere] = useState(false);
  const act = useAction();
  const submit = (e) => {
    e.preventDefault();
    setElsewhere(false);
    act.run(async () => {
      try {
        await pb.collection(collection).authWithPassword(identity.trim(), password);
      } catch (err) {
        if (err.status !== 400) throw err;
        if (other && await signsInAt(other.collection, identity.trim(), password)) {
          setElsewhere(true);
          return;
        }
        throw new Error(wrong);
      }
    });
  };
  return html`<main class="signin">
    <${LangSwitch} />
    ${above}
    <form class="card stack" onSubmit=${submit} aria-labelledby="signin-title">
      ${head}
      <${Field} label=${t('identity')} required><input type="text" name="identity" autocomplete="username" required value=${identity} onInput=${(e) => setIdentity(e.target.value)} /><//>
      <${Field} label=${t('password')} required><input type="password" name="password" autocomplete="current-password" required value=${password} onInput=${(e) => setPassword(e.target.value)} /><//>
      ${elsewhere && html`<div class="hint-box" role="alert" data-testid="signin-elsewhere">${other.hint}</div>`}
      <${ErrorBox} error=${act.error} />
      <button class="primary block" disabled=${act.busy}>${act.busy ? t('signingIn') : t('signIn')}</button>
      ${foot}
    </form>
  </main>`;
}
