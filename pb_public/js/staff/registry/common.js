// What the registry screens (#/registry…, docs/DESIGN.md § Registry) share:
// their words, the sub-navigation, who writes (the supervisor and the
// director of the community — the server's rule, registryWriter in
// migrations/rules.go; the pages only hide what would be refused), and
// RecordForm, the one form every registry record is edited with: it shows
// the server's message under each field it names (Chinese first).
import { html, useState } from '../../core/html.js';
import { fieldErrors } from '../../core/api.js';
import { t, addMessages } from '../../core/i18n.js';
import { yuan, parseYuan } from '../../core/format.js';
import { ErrorBox, Field, useAction } from '../../core/ui.js';
import { REGISTRY_WRITERS } from '../roles.js';

const vocab = {
  parking_holding: { unassigned: ['未分配', 'Unassigned'], owned: ['产权车位', 'Owned'], leased: ['月租车位', 'Leased'] },
};
for (const [name, codes] of Object.entries(vocab)) {
  addMessages(Object.fromEntries(Object.entries(codes).map(([code, pair]) => [`${name}.${code}`, pair])));
}

addMessages({
  // Also on the parking and residents screens, which are loaded on their own.
  'rg.residentName': ['姓名', 'Name'],
  'rg.space': ['车位编号', 'Space'],
  'rg.title': ['档案', 'Registry'],
  'rg.places': ['小区·片区·楼栋', 'Community, areas, buildings'],
  'rg.units': ['房屋', 'Units'],
  'rg.parking': ['车位', 'Parking'],
  'rg.residents': ['住户', 'Residents'],
  'rg.staff': ['员工账号', 'Staff accounts'],
  'rg.readOnly': ['您可以查看档案；修改请联系客服主管或管理处主任', 'You can read the registry; the supervisor or the director changes it'],
  'rg.notMoney': ['请填写金额（元），如 3200 或 3200.50', 'Enter an amount in yuan, e.g. 3200 or 3200.50'],
  'rg.saved': ['已保存', 'Saved'],
  'rg.add': ['添加', 'Add'],
  'rg.edit': ['修改', 'Edit'],
  'rg.close': ['收起', 'Close'],
  'rg.name': ['名称', 'Name'],
  'rg.code': ['编号', 'Code'],
  'rg.address': ['地址', 'Address'],
  'rg.phone': ['电话', 'Phone'],
  'rg.area': ['片区', 'Area'],
  'rg.manager': ['片区管理员', 'Area manager'],
  'rg.building': ['楼栋', 'Building'],
  'rg.floors': ['楼层数', 'Floors'],
  'rg.number': ['房号', 'Unit number'],
  'rg.floor': ['楼层', 'Floor'],
  'rg.type': ['类型', 'Type'],
  'rg.areaM2': ['建筑面积（m²）', 'Gross area (m²)'],
  'rg.status': ['状态', 'Status'],
  'rg.handedOver': ['收房日期', 'Handover date'],
  'rg.renovationRegistered': ['装修登记日期', 'Renovation registered'],
  'rg.movedIn': ['入住日期', 'Move-in date'],
  'rg.relation': ['关系', 'Relation'],
  'rg.since': ['起始日期', 'From'],
  'rg.until': ['截止日期（选填）', 'Until (optional)'],
  'rg.leaseNo': ['租赁合同编号', 'Lease contract no.'],
  'rg.leaseRent': ['月租金（元）', 'Monthly rent (yuan)'],
  'rg.holding': ['车位性质', 'Holding'],
  'rg.plate': ['车牌号', 'Plate'],
  'rg.leaseUntil': ['租期截止', 'Lease until'],
  'rg.monthlyFee': ['月租金额（元）', 'Monthly fee (yuan)'],
  'rg.none': ['—', '—'],
  'rg.any': ['全部', 'All'],
  'rg.prev': ['上一页', 'Previous'],
  'rg.next': ['下一页', 'Next'],
  'rg.page': ['第 {page} / {pages} 页，共 {total} 条', 'Page {page} of {pages}, {total} in all'],
});

/** WRITERS change the registry, READERS have its screens in their menu (staff/roles.js). */
export { REGISTRY_WRITERS as WRITERS, REGISTRY_READERS as READERS } from '../roles.js';
export const canWrite = (me) => REGISTRY_WRITERS.includes(me.role);

/** RegistryNav links the registry's screens; here is the current one. */
export function RegistryNav({ me, here }) {
  const items = [['/registry', 'rg.places'], ['/registry/units', 'rg.units'], ['/registry/parking', 'rg.parking'], ['/registry/residents', 'rg.residents']];
  if (REGISTRY_WRITERS.includes(me.role)) items.push(['/registry/staff', 'rg.staff']);
  return html`<nav class="seg" aria-label=${t('rg.title')} data-testid="registry-nav">
    ${items.map(([href, key]) => html`<a class="button" href=${'#' + href} aria-current=${here === href ? 'page' : undefined}>${t(key)}</a>`)}
  </nav>`;
}

/** Pager: previous / next over a PocketBase list result. */
export function Pager({ list, page, setPage }) {
  if (!list || list.totalPages <= 1) return null;
  return html`<div class="row between" data-testid="pager">
    <button type="button" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>${t('rg.prev')}</button>
    <span class="small muted">${t('rg.page', { page, pages: list.totalPages, total: list.totalItems })}</span>
    <button type="button" disabled=${page >= list.totalPages} onClick=${() => setPage(page + 1)}>${t('rg.next')}</button>
  </div>`;
}

function initial(fields, record) {
  const v = {};
  for (const f of fields) {
    const x = record?.[f.name];
    if (f.type === 'yuan') v[f.name] = x ? (x / 100).toFixed(2) : '';
    else if (f.type === 'date') v[f.name] = x ? String(x).slice(0, 10) : (f.default || '');
    else if (f.type === 'multi') v[f.name] = x || f.default || [];
    else if (f.type === 'checkbox') v[f.name] = !!x;
    else v[f.name] = x ?? (f.default ?? '');
  }
  return v;
}

/**
 * RecordForm edits fields of a record ({name, label, type: text|number|date|
 * select|yuan|multi|checkbox|password, options: [{code, text}], required,
 * hint, show(values)}) and sends the changed values with onSubmit(payload);
 * the server's field messages show under the fields.
 */
export function RecordForm({ fields, record, onSubmit, submit, disabled, testid, onDone, resetAfter, children }) {
  const [values, setValues] = useState(() => initial(fields, record));
  const [local, setLocal] = useState({});
  const act = useAction();
  const set = (name, v) => setValues((s) => ({ ...s, [name]: v }));
  const shown = fields.filter((f) => !f.show || f.show(values));
  const send = async (e) => {
    e.preventDefault();
    const payload = {};
    const errs = {};
    const before = record ? initial(fields, record) : {};
    for (const f of shown) {
      let v = values[f.name];
      // An update sends only what changed.
      if (record && !f.always && JSON.stringify(v) === JSON.stringify(before[f.name])) continue;
      if (f.type === 'yuan') {
        v = parseYuan(v, 0);
        if (Number.isNaN(v)) errs[f.name] = t('rg.notMoney');
      } else if (f.type === 'number') v = v === '' ? null : Number(v);
      payload[f.name] = v;
    }
    setLocal(errs);
    if (Object.keys(errs).length) return;
    const saved = await act.run(() => onSubmit(payload, values));
    if (saved) {
      if (resetAfter) setValues(initial(fields, null));
      onDone?.(saved);
    }
  };
  const errs = { ...fieldErrors(act.error), ...local };
  const input = (f) => {
    const common = { id: testid ? `${testid}-${f.name}` : undefined, name: f.name, required: f.required };
    switch (f.type) {
      case 'select':
        return html`<select ...${common} value=${values[f.name]} onChange=${(e) => set(f.name, e.target.value)}>
          ${!f.required && html`<option value="">${t('rg.none')}</option>`}
          ${f.options.map((o) => html`<option value=${o.code}>${o.text}</option>`)}
        </select>`;
      case 'multi':
        return html`<div class="choices">${f.options.map((o) => html`<label><input type="checkbox" name=${f.name} value=${o.code}
          checked=${values[f.name].includes(o.code)} onChange=${(e) => set(f.name, e.target.checked ? [...values[f.name], o.code] : values[f.name].filter((x) => x !== o.code))} />${o.text}</label>`)}</div>`;
      case 'checkbox':
        return html`<input type="checkbox" ...${common} checked=${values[f.name]} onChange=${(e) => set(f.name, e.target.checked)} />`;
      default:
        return html`<input ...${common} type=${{ number: 'number', date: 'date', password: 'text', yuan: 'text' }[f.type] || 'text'}
          inputmode=${f.type === 'yuan' ? 'decimal' : undefined} step=${f.type === 'number' ? 'any' : undefined}
          value=${values[f.name]} onInput=${(e) => set(f.name, e.target.value)} />`;
    }
  };
  return html`<form class="stack" onSubmit=${send} data-testid=${testid} novalidate>
    <fieldset disabled=${disabled || act.busy} class="grid2">
      ${shown.map((f) => html`<${Field} label=${f.label} required=${f.required} hint=${f.hint} error=${errs[f.name]}>${input(f)}<//>`)}
    </fieldset>
    ${children}
    <${ErrorBox} error=${act.error} />
    ${!disabled && html`<div><button class="primary" disabled=${act.busy}>${submit || t('save')}</button></div>`}
  </form>`;
}

/** money shows an amount in fen, or a dash. */
export const money = (fen) => (fen ? yuan(fen) : t('rg.none'));
