// What the front desk's screens share.
import { unitName } from '../../core/format.js';

export const placeOf = (r) => (r.expand?.unit ? unitName(r.expand.unit) : r.location || r.expand?.building?.name || '');
