// The unit's ownership transfers (过户): its history with the documents, and
// for the supervisor and the director the form that records one — which
// ends the old owners' links and starts the new owners' (the server does it
// in one transaction, hooks/households_transfers.go).
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, label, choices } from '../../core/i18n.js';
import { today } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Field, FilePicker, Attachments, formData, useAsync, useAction, confirmBox, toast } from '../../core/ui.js';

const RECORDERS = ['supervisor', 'director'];

export function Transfers({ me, unit, onDone, version }) {
  const data = useAsync(() => Promise.all([
    pb.collection('ownership_transfers').getFullList({ filter: pb.filter('unit = {:u}', { u: unit.id }), sort: '-transferred_on', expand: 'from_owners,to_owners,recorded_by' }),
    RECORDERS.includes(me.role)
      ? pb.collection('unit_residents').getFullList({ filter: pb.filter('unit = {:u} && active = true', { u: unit.id }), expand: 'resident' }) : [],
  ]), [unit.id, version]);
  if (data.loading && !data.data) return html`<${Loading} />`;
  if (data.error) return html`<${ErrorBox} error=${data.error} retry=${data.reload} />`;
  const [list, links] = data.data;
  const names = (rs) => (rs || []).map((r) => r.name).join('、') || '—';
  return html`<section class="card" data-transfers>
    <h3>${t('hh.transfers')}</h3>
    ${list.length === 0 ? html`<${Empty} />` : html`<ul class="list">${list.map((x) => html`<li key=${x.id} data-transfer=${x.serial}>
      <strong>${x.serial}</strong> ${x.transferred_on} · ${label('transfer_reason', x.reason)}
      <div>${t('hh.from')}：${names(x.expand?.from_owners)} → ${t('hh.to')}：${names(x.expand?.to_owners)}</div>
      ${x.note && html`<div class="muted">${x.note}</div>`}
      <div class="muted">${t('hh.recordedBy', { name: x.expand?.recorded_by?.name || '' })}</div>
      <${Attachments} record=${x} field="documents" /></li>`)}</ul>`}
    ${RECORDERS.includes(me.role) && html`<${TransferForm} unit=${unit} links=${links} onDone=${() => { data.reload(); onDone(); }} />`}
  </section>`;
}

function TransferForm({ unit, links, onDone }) {
  const empty = { to: [], name: '', phone: '', email: '', transferred_on: today(), reason: 'sale', note: '' };
  const [f, setF] = useState(empty);
  const [files, setFiles] = useState([]);
  const act = useAction();
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const toggle = (id) => setF({ ...f, to: f.to.includes(id) ? f.to.filter((x) => x !== id) : [...f.to, id] });
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      if (!(await confirmBox({ title: t('hh.transferNew'), body: t('hh.transferAsk'), danger: true }))) return;
      const to = [...f.to];
      if (f.name.trim()) {
        // The new owner's account: they sign in to the portal with it.
        const pw = crypto.getRandomValues(new Uint32Array(4)).join('-');
        const r = await pb.collection('residents').create({ name: f.name.trim(), phone: f.phone.trim(), email: f.email.trim() || undefined,
          password: pw, passwordConfirm: pw });
        to.push(r.id);
      }
      const x = await pb.collection('ownership_transfers').create(formData({
        unit: unit.id, to_owners: to, transferred_on: f.transferred_on, reason: f.reason, note: f.note,
      }, { documents: files }));
      toast(t('hh.transferred', { serial: x.serial }));
      setF(empty);
      setFiles([]);
      onDone();
    });
  };
  const errs = fieldErrors(act.error);
  const residents = links.map((l) => l.expand?.resident).filter(Boolean);
  return html`<form class="form" onSubmit=${submit} aria-label=${t('hh.transferNew')} data-transfer-form>
    <h4>${t('hh.transferNew')}</h4>
    <fieldset class="field"><legend class="label">${t('hh.toPick')}</legend>
      ${residents.map((r) => html`<label key=${r.id}><input type="checkbox" name="to" value=${r.id} checked=${f.to.includes(r.id)} onChange=${() => toggle(r.id)} /> ${r.name}</label> `)}
      ${errs.to_owners && html`<small class="field-error" role="alert">${errs.to_owners}</small>`}
    </fieldset>
    <div class="grid2">
      <${Field} label=${t('hh.toNew') + ' · ' + t('hh.name')} error=${errs.name}><input name="new_name" value=${f.name} onInput=${set('name')} /></${Field}>
      <${Field} label=${t('hh.phone')} error=${errs.phone}><input name="new_phone" inputmode="tel" value=${f.phone} onInput=${set('phone')} /></${Field}>
      <${Field} label=${t('hh.email')} error=${errs.email}><input name="new_email" type="email" value=${f.email} onInput=${set('email')} /></${Field}>
      <${Field} label=${t('hh.on')} error=${errs.transferred_on} required><input name="transferred_on" type="date" value=${f.transferred_on} onInput=${set('transferred_on')} /></${Field}>
      <${Field} label=${t('hh.reason')} error=${errs.reason} required><select name="reason" value=${f.reason} onChange=${set('reason')}>
        ${choices('transfer_reason').map(({ code, text }) => html`<option value=${code}>${text}</option>`)}</select></${Field}>
      <${Field} label=${t('hh.note')} error=${errs.note}><input name="note" value=${f.note} onInput=${set('note')} /></${Field}>
    </div>
    <${Field} label=${t('hh.documents')} error=${errs.documents}><${FilePicker} files=${files} onChange=${setFiles} max=${10} /></${Field}>
    <${ErrorBox} error=${act.error} />
    <button class="btn danger" disabled=${act.busy}>${t('hh.transferNew')}</button>
  </form>`;
}
