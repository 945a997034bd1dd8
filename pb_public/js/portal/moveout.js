// Moving out (迁出) in the portal: the owner or tenant of the unit asks for a
// move-out on a day, and follows it — what the service center still needs
// (bills paid, keys back, final meter readings, the final bill) and its
// status, until the move-out is completed and the household's link to the
// unit ends (hooks/moveout.go).
import { html, useState } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages } from '../core/i18n.js';
import { today, yuan } from '../core/format.js';
import { Loading, ErrorBox, Status, Field, useAsync, useAction, toast } from '../core/ui.js';

addMessages({
  'pmove.title': ['迁出', 'Moving out'],
  'pmove.hint': ['搬离本房屋前请在此申请：客服中心会核对费用、钥匙和水电表读数，结清后开具搬家出门条。',
    'Ask here before you move out: the service center checks the bills, keys and meter readings, then issues the goods pass for moving day.'],
  'pmove.day': ['搬出日期', 'Moving day'],
  'pmove.note': ['备注（如搬家公司、时间）', 'Note (movers, time)'],
  'pmove.ask': ['申请迁出', 'Ask to move out'],
  'pmove.asked': ['迁出申请已提交', 'Move-out requested'],
  'pmove.only': ['只有业主或租户可以申请迁出', 'Only the owner or tenant can ask to move out'],
  'pmove.serial': ['编号 {s} · 搬出日期 {d}', 'No. {s} · moving day {d}'],
  'pmove.todo': ['客服中心还需：', 'Still to do:'],
  'pmove.unpaid': ['结清 {n} 张账单（{y}）', 'Pay {n} bills ({y})'],
  'pmove.keys': ['交回钥匙：{k}', 'Return keys: {k}'],
  'pmove.readings': ['抄最终水电表读数', 'Final meter readings'],
  'pmove.bill': ['出具最终账单', 'The final bill'],
  'pmove.clear': ['已结清，请于搬出当日凭出门条放行', 'Cleared: moving day goods pass issued'],
});

export function MyMoveOut({ me, unit }) {
  const list = useAsync(() => pb.collection('move_outs').getList(1, 5, { filter: pb.filter('unit = {:u} && resident = {:me}', { u: unit.id, me: me.id }), sort: '-created' }), [unit.id]);
  const open = list.data?.items.find((m) => m.status === 'requested' || m.status === 'cleared');
  const check = useAsync(() => (open ? pb.send(`/api/wuye/move-outs/${open.id}/clearance`, {}) : Promise.resolve(null)), [open?.id, open?.status]);
  const [f, setF] = useState({ move_out_on: today(), note: '' });
  const act = useAction();
  const canAsk = unit.relation === 'owner' || unit.relation === 'tenant';
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      await pb.collection('move_outs').create({ unit: unit.id, move_out_on: f.move_out_on, note: f.note });
      toast(t('pmove.asked'));
      list.reload();
    });
  };
  const errs = fieldErrors(act.error);
  const c = check.data;
  return html`<section class="card" aria-labelledby="h-move-out" data-testid="my-move-out">
    <h2 id="h-move-out">${t('pmove.title')}</h2>
    ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />` : html`
      ${list.data.items.map((m) => html`<div key=${m.id} data-move-out=${m.serial}>
        <div>${t('pmove.serial', { s: m.serial, d: m.move_out_on })} <${Status} col="move_outs" code=${m.status} /></div>
        ${m.id === open?.id && c && (m.status === 'cleared' ? html`<p>${t('pmove.clear')}</p>` : html`<div class="small">${t('pmove.todo')}
          <ul class="clearance">
            ${c.unpaid_bills > 0 && html`<li class="missing">${t('pmove.unpaid', { n: c.unpaid_bills, y: yuan(c.unpaid_fen) })}</li>`}
            ${c.keys_out.length > 0 && html`<li class="missing">${t('pmove.keys', { k: c.keys_out.join('、') })}</li>`}
            ${c.meters_missing.length > 0 && html`<li class="missing">${t('pmove.readings')}</li>`}
            ${!c.final_billed && html`<li class="missing">${t('pmove.bill')}</li>`}
          </ul></div>`)}
      </div>`)}
      ${!open && (canAsk ? html`<p class="muted small">${t('pmove.hint')}</p>
        <form onSubmit=${submit} data-move-out-form>
          <${Field} label=${t('pmove.day')} error=${errs.move_out_on} required><input type="date" name="move_out_on" min=${today()} value=${f.move_out_on} onInput=${(e) => setF({ ...f, move_out_on: e.target.value })} /></${Field}>
          <${Field} label=${t('pmove.note')} error=${errs.note}><input name="note" value=${f.note} onInput=${(e) => setF({ ...f, note: e.target.value })} /></${Field}>
          <${ErrorBox} error=${act.error} />
          <button class="btn primary" disabled=${act.busy}>${t('pmove.ask')}</button>
        </form>` : html`<p class="muted small">${t('pmove.only')}</p>`)}`}
  </section>`;
}
