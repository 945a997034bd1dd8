// The household's members (household_members): with an account or without
// (a child, an elderly parent); the ID number as the server shows it to the
// role (masked for all but the supervisor and the director, who alone open
// the scans).
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, label, choices } from '../../core/i18n.js';
import { today } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Field, FilePicker, Attachments, formData, useAsync, useAction, confirmBox, toast } from '../../core/ui.js';
import { FULL_ID, onlyChanged } from './common.js';

const EMPTY = { name: '', relation: 'child', birth_year: '', phone: '', id_type: '', id_no: '', note: '' };

export function Members({ me, unit, canWrite, version }) {
  const list = useAsync(() => pb.collection('household_members').getFullList({
    filter: pb.filter('unit = {:u}', { u: unit.id }), sort: '-active,created',
  }), [unit.id, version]);
  const [editing, setEditing] = useState(null);
  return html`<section class="card" data-members>
    <h3>${t('hh.members')}</h3>
    ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
    : list.data.length === 0 ? html`<${Empty} />`
    : html`<table class="table"><thead><tr><th>${t('hh.name')}</th><th>${t('hh.relation')}</th><th>${t('hh.birthYear')}</th>
        <th>${t('hh.phone')}</th><th>${t('hh.idType')}</th><th>${t('hh.idNo')}</th><th></th></tr></thead>
      <tbody>${list.data.map((m) => html`<tr key=${m.id} data-member=${m.id} class=${m.active ? '' : 'muted'}>
        <td>${m.name}${m.resident ? html` <span class="chip">${t('hh.account')}</span>` : ''}${!m.active ? html` <span class="chip">${t('hh.left', { on: m.left_on })}</span>` : ''}</td>
        <td>${label('member_relation', m.relation)}</td><td>${m.birth_year || ''}</td><td>${m.phone}</td>
        <td>${label('id_type', m.id_type)}</td><td data-id-no>${m.id_no}${FULL_ID.includes(me.role) && html`<${Attachments} record=${m} field="id_scans" />`}</td>
        <td>${canWrite && m.active && html`<button class="btn" onClick=${() => setEditing(m)}>${t('hh.save')}…</button>`}</td></tr>`)}</tbody></table>`}
    ${canWrite && html`<${MemberForm} key=${editing?.id || 'new'} unit=${unit} record=${editing} onDone=${() => { setEditing(null); list.reload(); }} />`}
  </section>`;
}

/** MemberForm adds a member, or edits one (record); the ID number is sent only when typed. */
export function MemberForm({ unit, record, onDone, withScans = true }) {
  const start = record ? { ...EMPTY, ...Object.fromEntries(Object.keys(EMPTY).map((k) => [k, record[k] ?? ''])), id_no: '' } : EMPTY;
  const [f, setF] = useState(start);
  const [files, setFiles] = useState([]);
  const act = useAction();
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      const body = record ? onlyChanged(f, record) : { ...f, unit: unit.id };
      if (body.birth_year === '') body.birth_year = 0;
      if (record) await pb.collection('household_members').update(record.id, formData(body, { id_scans: files }));
      else await pb.collection('household_members').create(formData(body, { id_scans: files }));
      toast(t('hh.saved'));
      setF(EMPTY);
      setFiles([]);
      onDone();
    });
  };
  const leave = () => act.run(async () => {
    if (!(await confirmBox({ title: t('hh.leave'), danger: true }))) return;
    await pb.collection('household_members').update(record.id, { left_on: today() });
    onDone();
  });
  const errs = fieldErrors(act.error);
  return html`<form class="form" onSubmit=${submit} data-member-form>
    <h4>${record ? record.name : t('hh.addMember')}</h4>
    <div class="grid2">
      ${!record?.resident && html`<${Field} label=${t('hh.name')} error=${errs.name} required><input name="name" value=${f.name} onInput=${set('name')} /></${Field}>`}
      <${Field} label=${t('hh.relation')} error=${errs.relation} required><select name="relation" value=${f.relation} onChange=${set('relation')}>
        ${choices('member_relation').map(({ code, text }) => html`<option value=${code}>${text}</option>`)}</select></${Field}>
      <${Field} label=${t('hh.birthYear')} error=${errs.birth_year}><input name="birth_year" type="number" min="1900" max="2100" value=${f.birth_year || ''} onInput=${set('birth_year')} /></${Field}>
      <${Field} label=${t('hh.phone')} error=${errs.phone}><input name="phone" inputmode="tel" value=${f.phone} onInput=${set('phone')} /></${Field}>
      <${Field} label=${t('hh.idType')} error=${errs.id_type}><select name="id_type" value=${f.id_type} onChange=${set('id_type')}>
        <option value="">—</option>${choices('id_type').map(({ code, text }) => html`<option value=${code}>${text}</option>`)}</select></${Field}>
      <${Field} label=${t(record ? 'hh.idNoKeep' : 'hh.idNo')} error=${errs.id_no}><input name="id_no" autocomplete="off" value=${f.id_no} onInput=${set('id_no')} /></${Field}>
    </div>
    ${withScans && html`<${Field} label=${t('hh.scans')} error=${errs.id_scans}><${FilePicker} files=${files} onChange=${setFiles} max=${4} /></${Field}>`}
    <${ErrorBox} error=${act.error} />
    <div class="row"><button class="btn primary" disabled=${act.busy}>${t('hh.save')}</button>
      ${record && html`<button type="button" class="btn" disabled=${act.busy} onClick=${leave}>${t('hh.leave')}</button>`}</div>
  </form>`;
}
