// What the repair screens share (报修 / 有偿服务, docs/DESIGN.md § Dispatch).
import { t, addMessages } from '../../core/i18n.js';
import { yuan, perUnit } from '../../core/format.js';

addMessages({
  'repairs.title': ['报修与有偿服务', 'Repairs and services'],
  'repairs.estimate': ['上门报价', 'Estimate on site'],
  'repairs.free': ['免费', 'Free'],
  'repairs.noteRoutine': ['常规维修属物业服务范围，不收费。', 'Routine repairs are part of the service contract and free of charge.'],
  'repairs.noteEstimate': ['师傅上门查看后报价，报价会显示在这里，经您确认后才开始施工；不接受报价可以取消。', 'The technician quotes on site; the quote appears here and work starts only after you confirm it. You may decline.'],
  'repairs.notePrice': ['按收费标准 {price} 收费，实际使用的材料另计；完工后可现场付款或记入下期物业费账单。', 'Charged at {price} as listed, plus any materials used; pay on the spot or on your next statement.'],
  'repairs.notePrepay': ['此项目需先付款：请到物业服务中心前台预付后，我们再安排上门。', 'This service is paid in advance: pay at the service-center desk and we will then send someone.'],
  'repairs.contact': ['联系人', 'Contact name'],
});

// The appointment windows are the shared ones (js/core/slots.js).
export { WINDOWS, SLOT_DAYS, LEAD_MS } from '../../core/slots.js';
export const EXPAND = 'service_item,technician,rework_of';
export const pad = (n) => String(n).padStart(2, '0');

/** priceText says what an item costs: listed price, free, or on-site estimate. */
export function priceText(item) {
  if (!item) return '';
  if (item.kind === 'routine') return t('repairs.free');
  if (item.needs_estimate) return t('repairs.estimate');
  return item.unit ? perUnit(item.price_fen, item.unit) : yuan(item.price_fen);
}

export function priceNote(item) {
  if (item.kind === 'routine') return t('repairs.noteRoutine');
  if (item.prepay) return t('repairs.notePrice', { price: priceText(item) }) + ' ' + t('repairs.notePrepay');
  if (item.needs_estimate) return t('repairs.noteEstimate');
  return t('repairs.notePrice', { price: priceText(item) });
}
