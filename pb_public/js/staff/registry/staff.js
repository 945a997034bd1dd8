// 档案 · 员工账号 (#/registry/staff): the community's staff. The director
// creates an account — name, phone, e-mail, role, communities (their own
// only), trades and an initial password to hand over in person — changes it
// and deactivates it (the person's sign-ins end at once; an account is
// never deleted). A supervisor reads the list and sets trades only
// (docs/DESIGN.md § Accounts and access; [000] 助理 3.9). The server
// enforces all of it; the page offers only what it would accept.
import { html, useState } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages, label, choices } from '../../core/i18n.js';
import { Loading, ErrorBox, Empty, useAsync, toast, confirmBox } from '../../core/ui.js';
import { RegistryNav, RecordForm } from './common.js';
import { randomPassword } from './unit.js';

addMessages({
  'rg.addStaff': ['新建员工账号', 'New staff account'],
  'rg.staffAdded': ['账号已建立，请把初始密码当面交给本人：{pw}', 'Account created; hand the initial password over in person: {pw}'],
  'rg.role': ['岗位', 'Role'],
  'rg.communities': ['所属小区', 'Communities'],
  'rg.skills': ['工种', 'Trades'],
  'rg.initialPassword': ['初始密码（至少 8 位）', 'Initial password (8 characters or more)'],
  'rg.initialHint': ['当面交给本人，登录后请其修改', 'Hand it over in person; they change it after signing in'],
  'rg.active': ['在岗', 'Active'],
  'rg.inactive': ['已停用', 'Deactivated'],
  'rg.deactivate': ['停用', 'Deactivate'],
  'rg.activate': ['启用', 'Reactivate'],
  'rg.deactivateConfirm': ['停用 {name} 的账号？', "Deactivate {name}'s account?"],
  'rg.deactivateBody': ['停用后该员工立即退出所有设备、不能再登录；历史记录保留，账号可以重新启用。', 'They are signed out everywhere at once and cannot sign in; their history stays and the account can be reactivated.'],
  'rg.deactivated': ['账号已停用', 'Account deactivated'],
  'rg.activated': ['账号已启用', 'Account reactivated'],
  'rg.skillsOnly': ['客服主管可以修改员工的工种；新建账号、岗位和停用由管理处主任办理', 'A supervisor sets trades; the director creates accounts, sets roles and deactivates'],
});

export function RegistryStaff({ me, community, communities }) {
  const director = me.role === 'director';
  const staff = useAsync(() => pb.collection('staff').getFullList({ filter: pb.filter('communities.id ?= {:c}', { c: community.id }), sort: '-active,role,name' }), [community.id]);
  const [editing, setEditing] = useState('');
  const mine = (communities || []).filter((c) => (me.communities || []).includes(c.id)).map((c) => ({ code: c.id, text: c.name }));
  const skills = { name: 'skills', label: t('rg.skills'), type: 'multi', options: choices('work_category') };
  const fields = director ? [
    { name: 'name', label: t('rg.residentName'), required: true },
    { name: 'role', label: t('rg.role'), type: 'select', required: true, options: choices('role'), default: 'front_desk' },
    { name: 'communities', label: t('rg.communities'), type: 'multi', options: mine },
    skills,
  ] : [skills];
  const toggle = async (s) => {
    if (s.active && !(await confirmBox({ title: t('rg.deactivateConfirm', { name: s.name }), body: t('rg.deactivateBody'), ok: t('rg.deactivate'), danger: true }))) return;
    try {
      await pb.collection('staff').update(s.id, { active: !s.active });
      toast(t(s.active ? 'rg.deactivated' : 'rg.activated'));
      staff.reload();
    } catch (e) { toast(e.message); }
  };
  return html`<div class="registry">
    <h1>${t('rg.title')} · ${t('rg.staff')}</h1>
    <${RegistryNav} me=${me} here="/registry/staff" />
    ${!director && html`<p class="small muted" data-testid="skills-only">${t('rg.skillsOnly')}</p>`}
    <section class="card stack">
      ${staff.loading && !staff.data ? html`<${Loading} />` : staff.error ? html`<${ErrorBox} error=${staff.error} retry=${staff.reload} />`
        : !staff.data.length ? html`<${Empty} />` : html`
        <table class="t" data-testid="staff"><thead><tr><th>${t('rg.residentName')}</th><th>${t('rg.role')}</th><th>${t('rg.phone')}</th><th>${t('rg.skills')}</th><th>${t('rg.status')}</th><th></th></tr></thead><tbody>
          ${staff.data.map((s) => html`<tr key=${s.id} data-email=${s.email || undefined}>
            <td>${s.name}</td><td>${label('role', s.role)}</td><td>${s.phone}</td>
            <td>${(s.skills || []).map((k) => label('work_category', k)).join('、')}</td>
            <td><span class=${'chip' + (s.active ? '' : ' s-bad')}>${t(s.active ? 'rg.active' : 'rg.inactive')}</span></td>
            <td><div class="row">
              ${s.id !== me.id && html`<button type="button" onClick=${() => setEditing(editing === s.id ? '' : s.id)}>${t(editing === s.id ? 'rg.close' : 'rg.edit')}</button>`}
              ${director && s.id !== me.id && html`<button type="button" class=${s.active ? 'danger' : ''} onClick=${() => toggle(s)}>${t(s.active ? 'rg.deactivate' : 'rg.activate')}</button>`}
            </div></td>
          </tr>
          ${editing === s.id && html`<tr><td colspan="6"><${RecordForm} testid="staff-edit" record=${s} fields=${fields}
            onSubmit=${(p) => pb.collection('staff').update(s.id, p)} onDone=${() => { setEditing(''); staff.reload(); toast(t('rg.saved')); }} /></td></tr>`}`)}
        </tbody></table>`}
    </section>
    ${director && html`<${AddStaff} fields=${fields} community=${community} onDone=${staff.reload} />`}
  </div>`;
}

function AddStaff({ fields, community, onDone }) {
  const [pw] = useState(() => randomPassword().slice(0, 10));
  const [shown, setShown] = useState('');
  const all = [
    ...fields.map((f) => (f.name === 'communities' ? { ...f, default: [community.id] } : f)),
    { name: 'phone', label: t('rg.phone'), required: true },
    { name: 'email', label: t('rg.email'), required: true },
    { name: 'password', label: t('rg.initialPassword'), type: 'password', required: true, hint: t('rg.initialHint'), default: pw },
  ];
  return html`<section class="card stack" data-testid="staff-add-box">
    <h2>${t('rg.addStaff')}</h2>
    ${shown && html`<p class="banner" role="status" data-testid="staff-added">${t('rg.staffAdded', { pw: shown })}</p>`}
    <${RecordForm} testid="staff-add" fields=${all} submit=${t('rg.addStaff')} resetAfter
      onSubmit=${async (p) => {
        const r = await pb.collection('staff').create({ ...p, passwordConfirm: p.password });
        setShown(p.password);
        return r;
      }}
      onDone=${onDone} />
  </section>`;
}
