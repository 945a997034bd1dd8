// 档案 · 住户 (#/registry/residents): the residents who live in the
// community now, found by name or phone, 30 a page, each with the units they
// are linked to. The phone shows as the reader's role may read it (hidden
// from the field roles, docs/DESIGN.md § Accounts and access); a password
// reset is started from here for the desk's roles.
import { html, useState, useEffect } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { Loading, ErrorBox, Empty, Field, useAsync, toast, confirmBox } from '../../core/ui.js';
import { RegistryNav, Pager } from './common.js';

addMessages({
  'rg.findResident': ['姓名或手机号', 'Name or phone'],
  'rg.homes': ['房屋', 'Units'],
  'rg.reset': ['发起密码设置', 'Start a password reset'],
  'rg.resetConfirm': ['为 {name} 发起密码设置？', 'Start a password reset for {name}?'],
  'rg.resetBody': ['重设链接发到住户邮箱；住户会在住户服务中收到通知。', "The reset link goes to the resident's e-mail; the resident is told in the portal."],
  'rg.resetSent': ['已发送到住户邮箱', "Sent to the resident's e-mail"],
});

const RESETTERS = ['front_desk', 'supervisor', 'director'];

export function RegistryResidents({ me, community }) {
  const [q, setQ] = useState('');
  const [term, setTerm] = useState('');
  const [page, setPage] = useState(1);
  useEffect(() => { const id = setTimeout(() => { setTerm(q.trim()); setPage(1); }, 300); return () => clearTimeout(id); }, [q]);
  const list = useAsync(async () => {
    // The read rule gives the residents who live in the caller's
    // communities now. A digit string searches the phone (the roles of this
    // menu read it), anything else the name.
    const filter = term ? pb.filter(/^\d{3,}$/.test(term) ? 'phone ~ {:q}' : 'name ~ {:q}', { q: term }) : '';
    const res = await pb.collection('residents').getList(page, 30, { filter, sort: 'name' });
    if (!res.items.length) return { res, links: [] };
    const links = await pb.collection('unit_residents').getFullList({
      filter: '(' + res.items.map((r) => pb.filter('resident = {:r}', { r: r.id })).join(' || ') + ') && active = true',
      expand: 'unit.building', fields: 'id,resident,relation,unit,expand.unit.number,expand.unit.id,expand.unit.expand.building.name,expand.unit.expand.building.code',
    });
    return { res, links };
  }, [community.id, term, page]);
  const reset = async (r) => {
    if (!(await confirmBox({ title: t('rg.resetConfirm', { name: r.name }), body: t('rg.resetBody'), ok: t('rg.reset') }))) return;
    try {
      await pb.send(`/api/wuye/residents/${r.id}/password-reset`, { method: 'POST', body: { via: 'email' } });
      toast(t('rg.resetSent'));
    } catch (e) { toast(e.message); }
  };
  const homes = (r) => (list.data?.links || []).filter((l) => l.resident === r.id);
  return html`<div class="registry">
    <h1>${t('rg.title')} · ${t('rg.residents')}</h1>
    <${RegistryNav} me=${me} here="/registry/residents" />
    <section class="card stack">
      <${Field} label=${t('rg.findResident')}><input type="search" value=${q} onInput=${(e) => setQ(e.target.value)} data-testid="resident-q" /><//>
      ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
        : !list.data.res.items.length ? html`<${Empty} />` : html`
        <table class="t" data-testid="residents"><thead><tr><th>${t('rg.residentName')}</th><th>${t('rg.phone')}</th><th>${t('rg.homes')}</th><th></th></tr></thead><tbody>
          ${list.data.res.items.map((r) => html`<tr key=${r.id}>
            <td>${r.name}</td><td>${r.phone || ''}</td>
            <td>${homes(r).map((l) => html`<a href=${'#/registry/units/' + l.unit}>${l.expand?.unit?.expand?.building?.name || ''} ${l.expand?.unit?.number}</a> (${label('relation', l.relation)}) `)}</td>
            <td>${RESETTERS.includes(me.role) && html`<button type="button" onClick=${() => reset(r)}>${t('rg.reset')}</button>`}</td>
          </tr>`)}
        </tbody></table>`}
      <${Pager} list=${list.data?.res} page=${page} setPage=${setPage} />
    </section>
  </div>`;
}
