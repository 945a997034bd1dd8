// How a work order's payment reads on every staff screen and print-out:
// "无需付款" only for free (routine) work — a paid job not yet settled is
// "待结算", never "no charge" (docs/DESIGN.md § Dispatch, 办理即收费).
import { t, addMessages, label } from '../core/i18n.js';

addMessages({
  'payment.open': ['待结算', 'To be settled'],
});

/** unpriced: paid work with no price yet (no quote, no amount). */
export const unpriced = (o) => o.kind !== 'routine' && !(o.amount_fen > 0) && !(o.quote_fen > 0);

/** paymentText names o's payment; '' when there is nothing to say yet. */
export function paymentText(o) {
  if (o.kind === 'routine') return label('work_payment', 'none');
  if (!o.payment || o.payment === 'none') return t('payment.open');
  return label('work_payment', o.payment);
}
