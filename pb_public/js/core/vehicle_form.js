// The form that adds a household's car (vehicles), shared by the resident's
// household page (js/portal/household.js) and the desk's household file
// (js/staff/households/parts.js): plate, make, colour, the driver when not
// the householder, and one of the unit's own parking spaces when it holds
// any. The server checks the plate (lib/plates) and that the space is the
// unit's (docs/DESIGN.md § Household files).
import { html, useState } from './html.js';
import { pb, fieldErrors } from './api.js';
import { t, addMessages } from './i18n.js';
import { ErrorBox, Field, useAction, toast } from './ui.js';

addMessages({
  'veh.plate': ['车牌号', 'Plate'],
  'veh.brand': ['品牌型号', 'Make'],
  'veh.color': ['颜色', 'Colour'],
  'veh.owner': ['车主', 'Owner'],
  'veh.space': ['车位', 'Parking space'],
  'veh.noSpace': ['（不停在固定车位）', '(no fixed space)'],
  'veh.add': ['添加车辆', 'Add a vehicle'],
  'veh.saved': ['已保存', 'Saved'],
});

/** VehicleForm adds a car to unit; spaces are the unit's own parking spaces. */
export function VehicleForm({ unit, spaces = [], onDone }) {
  const empty = { plate: '', brand: '', color: '', owner_name: '', parking_space: '' };
  const [f, setF] = useState(empty);
  const act = useAction();
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      const v = await pb.collection('vehicles').create({ ...f, unit: unit.id });
      toast(t('veh.saved') + ' ' + v.plate);
      setF(empty);
      onDone();
    });
  };
  const errs = fieldErrors(act.error);
  return html`<form class="form" onSubmit=${submit} data-vehicle-form>
    <h4>${t('veh.add')}</h4>
    <div class="grid2">
      <${Field} label=${t('veh.plate')} error=${errs.plate} required><input name="plate" value=${f.plate} placeholder="渝A12345" onInput=${set('plate')} /></${Field}>
      <${Field} label=${t('veh.brand')} error=${errs.brand}><input name="brand" value=${f.brand} onInput=${set('brand')} /></${Field}>
      <${Field} label=${t('veh.color')} error=${errs.color}><input name="color" value=${f.color} onInput=${set('color')} /></${Field}>
      <${Field} label=${t('veh.owner')} error=${errs.owner_name}><input name="owner_name" value=${f.owner_name} onInput=${set('owner_name')} /></${Field}>
      ${spaces.length > 0 && html`<${Field} label=${t('veh.space')} error=${errs.parking_space}><select name="parking_space" value=${f.parking_space} onChange=${set('parking_space')}>
        <option value="">${t('veh.noSpace')}</option>${spaces.map((s) => html`<option value=${s.id}>${s.code}</option>`)}</select></${Field}>`}
    </div>
    <${ErrorBox} error=${act.error} />
    <button class="btn primary" disabled=${act.busy}>${t('veh.add')}</button>
  </form>`;
}
