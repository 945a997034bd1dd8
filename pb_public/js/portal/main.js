// The residents' portal: sign-in, the unit switcher and the screens, routed
// by the URL hash. Each screen receives ctx = { me, units, unit, params, query }
// where unit is the chosen unit with its building and community expanded.
import { html, render, useState, useEffect, useRef } from '../core/html.js';
import { pb, earlyRead } from '../core/api.js';
import { t, lang, onLang, addMessages } from '../core/i18n.js';
import { loadFlows } from '../core/flows.js';
import { unitName } from '../core/format.js';
import { Loading, ErrorBox, Overlays, useRoute, useAsync, useOnline, signOut } from '../core/ui.js';
import { matchRoute, LangButton, lazy } from '../core/shell.js';
import { Icon } from '../core/icons.js';
import { NotificationBell } from '../core/bell.js';
import './messages.js';
import { SignIn, ResetRequest, ResetConfirm } from './account.js';
import { PendingLinks } from './links.js';

// Each screen's module is fetched when the screen is first shown (lazy,
// core/shell.js); the sign-in and password pages come with the shell.
const Home = lazy(() => import('./home.js').then((m) => m.Home));
const ComplaintList = lazy(() => import('./complaints.js').then((m) => m.ComplaintList));
const ComplaintNew = lazy(() => import('./complaints.js').then((m) => m.ComplaintNew));
const ComplaintDetail = lazy(() => import('./complaints.js').then((m) => m.ComplaintDetail));
const RepairList = lazy(() => import('./repairs/list.js').then((m) => m.RepairList));
const RepairNew = lazy(() => import('./repairs/new.js').then((m) => m.RepairNew));
const RepairDetail = lazy(() => import('./repairs/detail.js').then((m) => m.RepairDetail));
const RenovationList = lazy(() => import('./renovation.js').then((m) => m.RenovationList));
const RenovationNew = lazy(() => import('./renovation.js').then((m) => m.RenovationNew));
const RenovationDetail = lazy(() => import('./renovation.js').then((m) => m.RenovationDetail));
const Bills = lazy(() => import('./bills.js').then((m) => m.Bills));
const Receipt = lazy(() => import('./bills.js').then((m) => m.Receipt));
const NoticeList = lazy(() => import('./notices.js').then((m) => m.NoticeList));
const NoticeDetail = lazy(() => import('./notices.js').then((m) => m.NoticeDetail));
const SurveyList = lazy(() => import('./surveys.js').then((m) => m.SurveyList));
const SurveyForm = lazy(() => import('./surveys.js').then((m) => m.SurveyForm));
const ActivityList = lazy(() => import('./surveys.js').then((m) => m.ActivityList));
const DeskPage = lazy(() => import('./desk.js').then((m) => m.DeskPage));
const MoveIns = lazy(() => import('./movein.js').then((m) => m.MoveIns));
const Inbox = lazy(() => import('./inbox.js').then((m) => m.Inbox));
const HouseholdPage = lazy(() => import('./household.js').then((m) => m.HouseholdPage));

const routes = [
  ['/', Home],
  ['/complaints', ComplaintList], ['/complaints/new', ComplaintNew], ['/complaints/:id', ComplaintDetail],
  ['/repairs', RepairList], ['/repairs/new', RepairNew], ['/repairs/:id', RepairDetail],
  ['/renovation', RenovationList], ['/renovation/new', RenovationNew], ['/renovation/:id', RenovationDetail],
  ['/bills', Bills], ['/receipts/:id', Receipt],
  ['/notices', NoticeList], ['/notices/:id', NoticeDetail],
  ['/surveys', SurveyList], ['/surveys/:id', SurveyForm], ['/activities', ActivityList],
  ['/desk', DeskPage],
  ['/move-in', MoveIns],
  ['/messages', MessagesPage],
  ['/household', HouseholdPage],
];

const tabs = [
  ['/', 'nav.home', 'home'], ['/complaints', 'nav.complaints', 'message'], ['/repairs', 'nav.repairs', 'wrench'],
  ['/renovation', 'nav.renovation', 'brush'], ['/bills', 'nav.bills', 'yen'], ['/notices', 'nav.notices', 'notice'],
];

const UNIT_KEY = 'wuye.unit';

addMessages({
  'account.menu': ['我的账户', 'My account'],
  'account.messages': ['消息与提醒方式', 'Messages and how you are told'],
  'account.household': ['我的家庭', 'My household'],
});

/**
 * AccountMenu holds what the phone's top bar has no room for: who is signed
 * in, the language switch and signing out. The bar keeps the community, the
 * unit switcher and the bell.
 */
function AccountMenu({ me }) {
  const [open, setOpen] = useState(false);
  const box = useRef();
  useEffect(() => {
    if (!open) return undefined;
    const close = (e) => { if (!box.current?.contains(e.target)) setOpen(false); };
    const esc = (e) => { if (e.key === 'Escape') setOpen(false); };
    addEventListener('pointerdown', close);
    addEventListener('keydown', esc);
    return () => { removeEventListener('pointerdown', close); removeEventListener('keydown', esc); };
  }, [open]);
  return html`<div class="account" ref=${box}>
    <button type="button" class="account-btn" aria-haspopup="true" aria-expanded=${open} aria-label=${t('account.menu')} onClick=${() => setOpen(!open)}>
      <${Icon} name="user" /></button>
    ${open && html`<div class="account-menu" role="group" aria-label=${t('account.menu')} data-testid="account-menu">
      <p class="who small">${me.name || me.email || me.phone}</p>
      <a href="#/messages" onClick=${() => setOpen(false)} data-testid="account-messages">${t('account.messages')}</a>
      <a href="#/household" onClick=${() => setOpen(false)} data-testid="household-link">${t('account.household')}</a>
      <${LangButton} />
      <button type="button" onClick=${signOut}>${t('signOut')}</button>
    </div>`}
  </div>`;
}

// Where a resident's notification leads.
/** MessagesPage is the resident's messages, leading where the bell leads. */
function MessagesPage(props) { return html`<${Inbox} ...${props} linkFor=${portalLink} />`; }

const PORTAL_LINKS = { complaints: '/complaints/', work_orders: '/repairs/', renovations: '/renovation/', notices: '/notices/', surveys: '/surveys/' };
const portalLink = (col, id) => (PORTAL_LINKS[col] ? PORTAL_LINKS[col] + id : ['bills', 'reminders', 'payments'].includes(col) ? '/bills'
  : ['parcels', 'goods_passes'].includes(col) ? '/desk' : ['activities', 'activity_signups'].includes(col) ? '/activities' : '');

/** myUnits lists the resident's current links, with unit, building and community. */
async function myUnits(me) {
  const early = await earlyRead('units', me.id); // the same read, started by index.html
  const links = early && early.items.length < 1000 ? early.items : await pb.collection('unit_residents').getFullList({
    filter: pb.filter('resident = {:me} && active = true', { me: me.id }),
    expand: 'unit.building,unit.community', sort: 'created',
  });
  return links.filter((l) => l.expand?.unit).map((l) => ({ ...l.expand.unit, relation: l.relation }));
}

// A remembered session's units are asked for as the page's modules run,
// with the flow table (not once it has come): the first screen needs both.
let earlyUnits = pb.authStore.isValid && pb.authStore.record?.collectionName === 'residents'
  ? { id: pb.authStore.record.id, units: myUnits(pb.authStore.record) } : null;
earlyUnits?.units.catch(() => {}); // its reader reports a failure

function Shell({ me }) {
  const route = useRoute();
  const online = useOnline();
  const units = useAsync(() => {
    const early = earlyUnits?.id === me.id ? earlyUnits.units : null;
    earlyUnits = null;
    return early || myUnits(me);
  }, [me.id]);
  const [unitId, setUnitId] = useState(localStorage.getItem(UNIT_KEY) || '');
  const list = units.data || [];
  const unit = list.find((u) => u.id === unitId) || list[0];
  useEffect(() => { if (unit) localStorage.setItem(UNIT_KEY, unit.id); }, [unit?.id]);

  const m = matchRoute(routes, route.path);
  const found = m && { screen: m.route[1], params: m.params };
  const tab = '/' + (route.parts[0] || '');
  let body;
  if (units.loading && !units.data) body = html`<${Loading} />`;
  else if (units.error) body = html`<${ErrorBox} error=${units.error} retry=${units.reload} />`;
  else if (!unit) body = html`<div class="card"><h1>${t('units.none')}</h1><p class="muted">${t('units.noneHint')}</p></div>`;
  else if (!found) body = html`<div class="card"><h1>${t('err.notFound')}</h1><a href="#/">${t('nav.home')}</a></div>`;
  else body = html`<${found.screen} key=${unit.id + route.path} me=${me} units=${list} unit=${unit} params=${found.params} query=${route.query} />`;

  return html`
    <header class="topbar">
      <span class="title">${unit?.expand?.community?.name || t('app.name')}</span>
      ${list.length > 1 ? html`
        <label class="sr-only" for="unit-switch">${t('units.switch')}</label>
        <select id="unit-switch" value=${unit?.id} onChange=${(e) => setUnitId(e.target.value)}>
          ${list.map((u) => html`<option value=${u.id}>${unitName(u)}</option>`)}
        </select>` : unit && html`<span class="small unit-name">${unitName(unit)}</span>`}
      <${NotificationBell} me=${me} linkFor=${portalLink} allHref="#/messages" />
      <${AccountMenu} me=${me} />
    </header>
    ${!online && html`<div class="banner" role="status">${t('offline')}</div>`}
    <nav class="tabs" aria-label=${t('nav.label')}>
      ${tabs.map(([href, key, ico]) => html`<a href=${'#' + href} aria-current=${tab === href ? 'page' : undefined}><span class="ico"><${Icon} name=${ico} /></span>${t(key)}</a>`)}
    </nav>
    <main id="main"><${PendingLinks} me=${me} onAnswered=${units.reload} />${body}</main>`;
}

function App() {
  const [, setLangState] = useState(lang());
  const [auth, setAuth] = useState(pb.authStore.record);
  const route = useRoute();
  useEffect(() => onLang(setLangState), []);
  useEffect(() => pb.authStore.onChange((_, record) => setAuth(record)), []);
  useEffect(() => {
    // Refresh a remembered session; an expired or revoked one signs out.
    if (pb.authStore.isValid && pb.authStore.record?.collectionName === 'residents') {
      pb.collection('residents').authRefresh().catch((e) => { if (e.status === 401 || e.status === 404) pb.authStore.clear(); });
    }
  }, []);
  const flows = useAsync(loadFlows, []);
  document.title = `${t('app.name')} · ${t('portal.title')}`;

  let body;
  if (flows.loading && !flows.data) body = html`<${Loading} />`;
  else if (flows.error) body = html`<main><${ErrorBox} error=${flows.error} retry=${flows.reload} /></main>`;
  else if (route.parts[0] === 'reset' && route.parts[1]) body = html`<${ResetConfirm} token=${route.parts[1]} />`;
  else if (route.parts[0] === 'forgot') body = html`<${ResetRequest} />`;
  else if (!auth || auth.collectionName !== 'residents' || !pb.authStore.isValid) body = html`<${SignIn} />`;
  else body = html`<${Shell} me=${auth} />`;
  return html`${body}<${Overlays} />`;
}

render(html`<${App} />`, document.getElementById('app'));
