// The staff workspace: sign-in, each role's home and menu, the community
// switcher, and the screens routed by the URL hash. Each screen receives
// ctx = { me, community, communities, params, query } where community is the
// chosen community record. Print views (#/print/…) render without the chrome.
import { html, render, useState, useEffect } from '../core/html.js';
import { pb, earlyRead } from '../core/api.js';
import { t, lang, onLang, addMessages, label } from '../core/i18n.js';
import { loadFlows } from '../core/flows.js';
import { NotificationBell } from '../core/bell.js';
import { Loading, ErrorBox, Overlays, useRoute, useAsync, useOnline, signOut } from '../core/ui.js';
import { matchRoute, LangButton, SignInPage, lazy } from '../core/shell.js';
import { DESK, CASH, COMPLAINT_DESK, REGISTRY_READERS as REGISTRY } from './roles.js';

// Each screen's module is fetched when the screen is first shown (lazy,
// core/shell.js): a technician's phone downloads the shell and the field
// app, not the dashboard, the registers and the print forms.
const Intake = lazy(() => import('./desk/intake.js').then((m) => m.Intake));
const DispatchBoard = lazy(() => import('./desk/dispatch.js').then((m) => m.DispatchBoard));
const Revisits = lazy(() => import('./desk/revisits.js').then((m) => m.Revisits));
const Keys = lazy(() => import('./keys.js').then((m) => m.Keys));
const Handover = lazy(() => import('./desk/shift.js').then((m) => m.Handover));
const Incidents = lazy(() => import('./desk/incidents.js').then((m) => m.Incidents));
const Visits = lazy(() => import('./field/visits.js').then((m) => m.Visits));
const ComplaintBoard = lazy(() => import('./complaints/board.js').then((m) => m.ComplaintBoard));
const ComplaintCase = lazy(() => import('./complaints/case.js').then((m) => m.ComplaintCase));
const OrderDetail = lazy(() => import('./orders.js').then((m) => m.OrderDetail));
const FieldApp = lazy(() => import('./field/queue.js').then((m) => m.FieldApp));
const FieldOrder = lazy(() => import('./field/order.js').then((m) => m.FieldOrder));
const Rounds = lazy(() => import('./rounds.js').then((m) => m.Rounds));
const RenovationDesk = lazy(() => import('./renovations/desk.js').then((m) => m.RenovationDesk));
const RenovationReview = lazy(() => import('./renovations/review.js').then((m) => m.RenovationReview));
const Cashier = lazy(() => import('./cashier/desk.js').then((m) => m.Cashier));
const Billing = lazy(() => import('./cashier/billing.js').then((m) => m.Billing));
const CashClose = lazy(() => import('./cashier/close.js').then((m) => m.CashClose));
const Dashboard = lazy(() => import('./dashboard/board.js').then((m) => m.Dashboard));
const MonthlyReport = lazy(() => import('./dashboard/report.js').then((m) => m.MonthlyReport));
const Settings = lazy(() => import('./settings.js').then((m) => m.Settings));
const DeliveryLog = lazy(() => import('./deliveries.js').then((m) => m.DeliveryLog));
const MyNotifications = lazy(() => import('./deliveries.js').then((m) => m.MyNotifications));
const ServiceLevels = lazy(() => import('./service_levels.js').then((m) => m.ServiceLevels));
const PrintReminders = lazy(() => import('./print.js').then((m) => m.PrintReminders));
const PrintReceipt = lazy(() => import('./print.js').then((m) => m.PrintReceipt));
const PrintRefund = lazy(() => import('./print.js').then((m) => m.PrintRefund));
const PrintDepositReceipt = lazy(() => import('./print.js').then((m) => m.PrintDepositReceipt));
const ServiceStatements = lazy(() => import('./cashier/statements.js').then((m) => m.ServiceStatements));
const OnlineChecks = lazy(() => import('./cashier/reconcile.js').then((m) => m.OnlineChecks));
const PrintWorkOrder = lazy(() => import('./print_orders.js').then((m) => m.PrintWorkOrder));
const PrintRectification = lazy(() => import('./print_forms.js').then((m) => m.PrintRectification));
const CalendarScreen = lazy(() => import('./calendar.js').then((m) => m.CalendarScreen));
const CalendarBanner = lazy(() => import('./calendar.js').then((m) => m.CalendarBanner), { quiet: true });
const Registers = lazy(() => import('./desk/registers.js').then((m) => m.Registers));
const PrintGoodsPass = lazy(() => import('./desk/print_pass.js').then((m) => m.PrintGoodsPass));
const RegistryPlaces = lazy(() => import('./registry/places.js').then((m) => m.RegistryPlaces));
const RegistryUnits = lazy(() => import('./registry/units.js').then((m) => m.RegistryUnits));
const RegistryUnit = lazy(() => import('./registry/unit.js').then((m) => m.RegistryUnit));
const RegistryParking = lazy(() => import('./registry/parking.js').then((m) => m.RegistryParking));
const RegistryResidents = lazy(() => import('./registry/residents.js').then((m) => m.RegistryResidents));
const RegistryStaff = lazy(() => import('./registry/staff.js').then((m) => m.RegistryStaff));
const MoveInBoard = lazy(() => import('./movein/board.js').then((m) => m.MoveInBoard));
const MoveInDetail = lazy(() => import('./movein/detail.js').then((m) => m.MoveInDetail));
const PrintMoveInNotices = lazy(() => import('./movein/print_notices.js').then((m) => m.PrintMoveInNotices));
const HouseholdFiles = lazy(() => import('./households/file.js').then((m) => m.HouseholdFiles));
const Meters = lazy(() => import('./meters.js').then((m) => m.Meters));
const MoveOuts = lazy(() => import('./moveouts/moveouts.js').then((m) => m.MoveOuts));
const MoveOutDetail = lazy(() => import('./moveouts/moveouts.js').then((m) => m.MoveOutDetail));
const PrintMoveOut = lazy(() => import('./moveouts/moveouts.js').then((m) => m.PrintMoveOut));
const Imports = lazy(() => import('./imports.js').then((m) => m.Imports));
const Notices = lazy(() => import('./notices.js').then((m) => m.Notices));
const PrintNotice = lazy(() => import('./notices.js').then((m) => m.PrintNotice));
const Surveys = lazy(() => import('./surveys.js').then((m) => m.Surveys));
const Activities = lazy(() => import('./activities.js').then((m) => m.Activities));

addMessages({
  'staff.title': ['员工工作台', 'Staff workspace'],
  'staff.signin': ['员工登录', 'Staff sign-in'],
  'staff.signinHint': ['用工作邮箱或手机号登录', 'Sign in with your work email or phone'],
  'staff.residents': ['住户请从住户服务登录', 'Residents sign in at the residents\' portal'],
  'staff.inactive': ['账号或密码不正确，或账号已停用', 'Wrong account or password, or the account is disabled.'],
  'staff.community': ['小区', 'Community'],
  'staff.noCommunity': ['您的账号还没有分配小区，请联系管理处主任', 'Your account has no community yet; ask the director.'],
  'staff.notForRole': ['这个页面不属于您的岗位', 'This page is not part of your role.'],
  'menu.label': ['工作菜单', 'Work menu'],
  'menu.desk': ['前台受理', 'Intake'],
  'menu.complaints': ['投诉处理', 'Complaints'],
  'menu.dispatch': ['派工看板', 'Dispatch'],
  'menu.revisits': ['回访', 'Revisits'],
  'menu.keys': ['钥匙与出入证', 'Keys & passes'],
  'menu.handover': ['交接班', 'Handover'],
  'menu.incidents': ['紧急事件', 'Emergencies'],
  'menu.visits': ['走访', 'Visits'],
  'menu.registers': ['登记簿', 'Registers'],
  'menu.moveIns': ['入伙', 'Move-in'],
  'menu.households': ['业主档案', 'Household files'],
  'menu.field': ['我的工单', 'My orders'],
  'menu.rounds': ['今日巡查', "Today's rounds"],
  'menu.renovations': ['装修', 'Renovation'],
  'menu.cashier': ['收款', 'Payments'],
  'menu.billing': ['计费', 'Billing'],
  'menu.cashClose': ['日结', 'Cash close'],
  'menu.statements': ['特约服务对账', 'Paid-service statement'],
  'menu.onlineChecks': ['线上对账', 'Online check'],
  'menu.dashboard': ['看板', 'Dashboard'],
  'menu.report': ['月报', 'Monthly report'],
  'menu.settings': ['小区设置', 'Settings'],
  'menu.calendar': ['工作日历', 'Calendar'],
  'menu.serviceLevels': ['承诺时限', 'Service levels'],
  'menu.registry': ['档案', 'Registry'],
  'menu.deliveries': ['消息发送记录', 'Delivery log'],
  'menu.myNotifications': ['我的通知设置', 'My notifications'],
  'menu.meters': ['抄表', 'Meter walk'],
  'menu.moveOuts': ['迁出', 'Move-outs'],
  'menu.imports': ['导入', 'Import'],
  'menu.notices': ['公告', 'Notices'],
  'menu.surveys': ['调查问卷', 'Surveys'],
  'menu.activities': ['社区活动', 'Activities'],
});

// Screens by route, with the roles that use them (the API rules decide what
// each role may actually read and change; this only shapes the menu).
const ALL = ['front_desk', 'area_manager', 'technician', 'engineer', 'security', 'cashier', 'supervisor', 'director', 'admin_office'];
// Anyone may be a complaint's handler; technicians reach theirs from a link
// rather than a second menu entry beside their one-screen field app.
const ALL_BUT_FIELD = ALL.filter((r) => r !== 'technician');
const routes = [
  ['/desk', Intake, DESK, 'menu.desk'],
  ['/complaints', ComplaintBoard, ALL_BUT_FIELD, 'menu.complaints'],
  ['/complaints/:id', ComplaintCase, ALL, null],
  ['/dispatch', DispatchBoard, DESK, 'menu.dispatch'],
  ['/orders/:id', OrderDetail, [...DESK, 'cashier', 'area_manager'], null],
  ['/revisits', Revisits, COMPLAINT_DESK, 'menu.revisits'],
  ['/keys', Keys, [...DESK, 'security', 'area_manager'], 'menu.keys'],
  ['/handover', Handover, [...DESK, 'cashier'], 'menu.handover'],
  ['/incidents', Incidents, ALL, 'menu.incidents'],
  ['/visits', Visits, ['area_manager', 'supervisor', 'director'], 'menu.visits'],
  ['/registers', Registers, [...DESK, 'security', 'area_manager'], 'menu.registers'],
  ['/move-ins', MoveInBoard, [...DESK, 'engineer', 'area_manager', 'cashier'], 'menu.moveIns'],
  ['/move-ins/:id', MoveInDetail, [...DESK, 'engineer', 'area_manager', 'cashier'], null],
  ['/households', HouseholdFiles, [...DESK, 'area_manager'], 'menu.households'],
  ['/field', FieldApp, ['technician'], 'menu.field'],
  ['/field/:id', FieldOrder, ['technician'], null],
  ['/rounds', Rounds, ['area_manager', 'supervisor', 'director'], 'menu.rounds'],
  ['/meters', Meters, ['area_manager', 'cashier', 'supervisor', 'director'], 'menu.meters'],
  ['/move-outs', MoveOuts, [...DESK, 'cashier', 'area_manager'], 'menu.moveOuts'],
  ['/move-outs/:id', MoveOutDetail, [...DESK, 'cashier', 'area_manager'], null],
  ['/renovations', RenovationDesk, [...DESK, 'engineer', 'security', 'area_manager', 'cashier'], 'menu.renovations'],
  ['/renovations/:id', RenovationReview, [...DESK, 'engineer', 'security', 'area_manager', 'cashier'], null],
  ['/cashier', Cashier, CASH, 'menu.cashier'],
  ['/billing', Billing, CASH, 'menu.billing'],
  ['/cash-close', CashClose, CASH, 'menu.cashClose'],
  ['/service-statements', ServiceStatements, [...CASH, 'front_desk'], 'menu.statements'],
  ['/online-checks', OnlineChecks, CASH, 'menu.onlineChecks'],
  ['/dashboard', Dashboard, ['supervisor', 'director'], 'menu.dashboard'],
  ['/report', MonthlyReport, ['supervisor', 'director'], 'menu.report'],
  ['/settings', Settings, ['supervisor', 'director'], 'menu.settings'],
  ['/calendar', CalendarScreen, ['supervisor', 'director'], 'menu.calendar'],
  ['/service-levels', ServiceLevels, ['supervisor', 'director'], 'menu.serviceLevels'],
  ['/registry', RegistryPlaces, REGISTRY, 'menu.registry'],
  ['/registry/units', RegistryUnits, REGISTRY, null],
  ['/registry/units/:id', RegistryUnit, REGISTRY, null],
  ['/registry/parking', RegistryParking, REGISTRY, null],
  ['/registry/residents', RegistryResidents, REGISTRY, null],
  ['/registry/staff', RegistryStaff, ['supervisor', 'director'], null],
  ['/deliveries', DeliveryLog, ['supervisor', 'director'], 'menu.deliveries'],
  ['/my-notifications', MyNotifications, ALL, 'menu.myNotifications'],
  // Who may import which kind is the server's (hooks/imports.go): the registry's
  // writers everything, the cashier arrears and readings, the area manager readings.
  ['/imports', Imports, ['supervisor', 'director', 'cashier', 'area_manager'], 'menu.imports'],
  ['/notices', Notices, [...DESK, 'area_manager'], 'menu.notices'],
  ['/surveys', Surveys, [...DESK, 'area_manager'], 'menu.surveys'],
  ['/activities', Activities, [...DESK, 'area_manager'], 'menu.activities'],
  ['/print/work-order/:id', PrintWorkOrder, null, null],
  ['/print/notice/:id', PrintNotice, null, null],
  ['/print/reminders', PrintReminders, null, null],
  ['/print/rectification/:id', PrintRectification, null, null],
  ['/print/receipt/:id', PrintReceipt, null, null],
  ['/print/refund/:id', PrintRefund, null, null],
  ['/print/deposit-receipt/:id', PrintDepositReceipt, null, null],
  ['/print/goods-pass/:id', PrintGoodsPass, null, null],
  ['/print/move-in-notices/:building', PrintMoveInNotices, null, null],
  ['/print/move-out/:id', PrintMoveOut, null, null],
];

/** HOME is where each role lands after signing in. */
export const HOME = {
  front_desk: '/desk', area_manager: '/rounds', technician: '/field', engineer: '/renovations',
  security: '/renovations', cashier: '/cashier', supervisor: '/dashboard', director: '/dashboard',
  // The administration office: the complaints about the service center ([003] 2.2.8).
  admin_office: '/complaints',
};

const COMMUNITY_KEY = 'wuye.staff.community';

/** staffLink: where a staff member's notification about col/id leads. */
function staffLink(me, col, id) {
  switch (col) {
    case 'complaints': return '/complaints/' + id;
    case 'work_orders': return me.role === 'technician' ? '/field/' + id : '/orders/' + id;
    case 'renovations': return '/renovations/' + id;
    case 'patrol_tasks': case 'vacancy_patrols': case 'arrears_visits': return '/rounds';
    case 'key_loans': case 'keys': return '/keys';
    case 'shift_handovers': return '/handover';
    case 'incidents': return '/incidents';
    case 'visits': return '/visits';
    case 'parcels': return '/registers';
    case 'lost_items': return '/registers?tab=lost';
    case 'goods_passes': return '/registers?tab=passes';
    case 'move_outs': return '/move-outs/' + id;
    case 'meter_readings': case 'meter_replacements': return '/meters';
    case 'enquiries': return '/registers?tab=enquiries';
    case 'move_ins': return '/move-ins/' + id;
    case 'household_members': case 'vehicles': case 'household_files': case 'ownership_transfers': return '/households';
    case 'notices': return '/notices';
    case 'surveys': return '/surveys';
    case 'activities': case 'activity_signups': return '/activities';
    case 'sla_policies': return '/service-levels';
    case 'import_batches': return '/imports';
    case 'service_statements': return '/service-statements?id=' + id;
    case 'online_reconciliations': return '/online-checks';
    case 'bills': case 'reminders': return me.role === 'area_manager' ? '/rounds' : '/cashier';
    default: return '';
  }
}

async function myCommunities(me) {
  const early = await earlyRead('communities', me.id); // the same read, started by staff/index.html
  return early && early.items.length < 1000 ? early.items : pb.collection('communities').getFullList({ sort: 'name' });
}

// A remembered session's communities are asked for as the page's modules
// run, with the flow table (not once it has come): the first screen needs both.
let earlyCommunities = pb.authStore.isValid && pb.authStore.record?.collectionName === 'staff'
  ? { id: pb.authStore.record.id, list: myCommunities(pb.authStore.record) } : null;
earlyCommunities?.list.catch(() => {}); // its reader reports a failure

function Shell({ me }) {
  const route = useRoute();
  const online = useOnline();
  const communities = useAsync(() => {
    const early = earlyCommunities?.id === me.id ? earlyCommunities.list : null;
    earlyCommunities = null;
    return early || myCommunities(me);
  }, [me.id]);
  const [communityId, setCommunityId] = useState(localStorage.getItem(COMMUNITY_KEY) || '');
  const list = communities.data || [];
  const community = list.find((c) => c.id === communityId) || list[0];
  useEffect(() => { if (community) localStorage.setItem(COMMUNITY_KEY, community.id); }, [community?.id]);
  useEffect(() => { if (route.path === '/' || route.path === '') location.replace('#' + (HOME[me.role] || '/desk')); }, [route.path]);

  const m = matchRoute(routes, route.path);
  const found = m && { screen: m.route[1], roles: m.route[2], params: m.params };
  const printing = route.parts[0] === 'print';
  const menu = routes.filter(([, , roles, key]) => key && roles.includes(me.role));
  const here = '/' + (route.parts[0] || '');
  let body;
  if (communities.loading && !communities.data) body = html`<${Loading} />`;
  else if (communities.error) body = html`<${ErrorBox} error=${communities.error} retry=${communities.reload} />`;
  else if (!community) body = html`<div class="card">${t('staff.noCommunity')}</div>`;
  else if (!found) body = route.path === '/' ? html`<${Loading} />` : html`<div class="card"><h1>${t('err.notFound')}</h1></div>`;
  else if (found.roles && !found.roles.includes(me.role)) body = html`<div class="card" role="alert">${t('staff.notForRole')}</div>`;
  else body = html`<${found.screen} key=${community.id + route.path} me=${me} community=${community} communities=${list} params=${found.params} query=${route.query} />`;

  if (printing) return html`<main class="print">${body}</main>`;
  return html`
    <header class="topbar">
      <span class="title">${t('staff.title')} <span class="role">· ${me.name} · ${label('role', me.role)}</span></span>
      ${list.length > 1 ? html`
        <label class="sr-only" for="community-switch">${t('staff.community')}</label>
        <select id="community-switch" value=${community?.id} onChange=${(e) => setCommunityId(e.target.value)}>
          ${list.map((c) => html`<option value=${c.id}>${c.name}</option>`)}
        </select>` : community && html`<span class="small">${community.name}</span>`}
      <${NotificationBell} me=${me} linkFor=${(col, id) => staffLink(me, col, id)} />
      <${LangButton} />
      <button type="button" onClick=${signOut}>${t('signOut')}</button>
    </header>
    ${!online && html`<div class="banner" role="status">${t('offline')}</div>`}
    ${(me.role === 'supervisor' || me.role === 'director') && html`<${CalendarBanner} me=${me} />`}
    ${menu.length > 1 && html`<nav class="tabs" aria-label=${t('menu.label')}>
      ${menu.map(([href, , , key]) => html`<a href=${'#' + href} aria-current=${here === href ? 'page' : undefined}>${t(key)}</a>`)}
    </nav>`}
    <main id="main">${body}</main>`;
}

addMessages({
  'staff.isResident': ['这是住户账号，请在住户服务登录。', 'This is a resident\'s account: sign in at the residents\' portal.'],
  'staff.toPortal': ['前往住户服务', 'Go to the residents\' portal'],
});

const toPortal = () => html`<p>${t('staff.isResident')}</p><p><a href="/">${t('staff.toPortal')}</a></p>`;

const SignIn = () => html`<${SignInPage} collection="staff" wrong=${t('staff.inactive')} other=${{ collection: 'residents', hint: toPortal() }}
  head=${html`<h1 id="signin-title">${t('app.name')} · ${t('staff.signin')}</h1><p class="muted small">${t('staff.signinHint')}</p>`}
  foot=${html`<a class="small" href="/">${t('staff.residents')}</a>`} />`;

function App() {
  const [, setLangState] = useState(lang());
  const [auth, setAuth] = useState(pb.authStore.record);
  useEffect(() => onLang(setLangState), []);
  useEffect(() => pb.authStore.onChange((_, record) => setAuth(record)), []);
  useEffect(() => {
    if (pb.authStore.isValid && pb.authStore.record?.collectionName === 'staff') {
      // A deactivated account or changed role takes effect on the next load.
      pb.collection('staff').authRefresh().catch((e) => { if (e.status === 401 || e.status === 404 || e.status === 403) pb.authStore.clear(); });
    }
  }, []);
  const flows = useAsync(loadFlows, []);
  document.title = `${t('app.name')} · ${t('staff.title')}`;
  let body;
  if (flows.loading && !flows.data) body = html`<${Loading} />`;
  else if (flows.error) body = html`<main><${ErrorBox} error=${flows.error} retry=${flows.reload} /></main>`;
  else if (!auth || auth.collectionName !== 'staff' || !pb.authStore.isValid) body = html`<${SignIn} />`;
  else body = html`<${Shell} key=${auth.id} me=${auth} />`;
  return html`${body}<${Overlays} />`;
}

render(html`<${App} />`, document.getElementById('app'));
