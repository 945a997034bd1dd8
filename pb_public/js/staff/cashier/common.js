// What the cashier's screens share (收费, docs/DESIGN.md § Fees).
import { html } from '../../core/html.js';
import { t, addMessages } from '../../core/i18n.js';
import { yuan } from '../../core/format.js';

addMessages({
  'cashier.colon': ['：', ': '],
  'cashier.service': ['有偿服务 {source}', 'Paid service {source}'],
  'cashier.otherItem': ['其它费用', 'Other charge'],
  'cashier.method': ['付款方式', 'Method'],
  'cashier.payer': ['交款人', 'Paid by'],
  'cashier.done': ['已收款 {amount}，收据号 {serial}', 'Received {amount}, receipt {serial}'],
  'cashier.reverses': ['冲正收据 {serial}', 'Reverses {serial}'],
  'cashier.reversed': ['已冲正，冲正收据号 {serial}', 'Reversed: receipt {serial}'],
});

/** billItem names what a bill is for. */
export function billItem(b) {
  if (b.expand?.fee_item?.name) return b.expand.fee_item.name;
  return b.source ? t('cashier.service', { source: b.source }) : t('cashier.otherItem');
}

export const Money = ({ fen, strong }) => html`<span class=${'money' + (fen < 0 ? ' neg' : '') + (strong ? ' strong' : '')}>${yuan(fen)}</span>`;

export const RELATIONS = ['owner', 'tenant', 'family'];
