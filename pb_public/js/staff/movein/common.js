// What the move-in screens share (docs/DESIGN.md § Move-in (入伙)).
import { t, addMessages } from '../../core/i18n.js';
import { unitName } from '../../core/format.js';

addMessages({
  'movein.doc.id_card': ['业主身份证原件', "Owner's ID card"],
  'movein.doc.purchase_contract': ['购房协议原件', 'Purchase contract'],
  'movein.doc.five_certificates': ['“五证”已上墙公告', 'Five certificates posted'],
  'movein.sig.covenant': ['管理规约', 'Covenant'],
  'movein.sig.renovation_agreement': ['装修管理协议', 'Renovation agreement'],
  'movein.sig.fire_safety': ['消防安全责任书', 'Fire-safety pledge'],
  'movein.charge.gas_opening': ['煤气开户费', 'Gas connection fee'],
  'movein.charge.cable_tv': ['有线电视初装费', 'Cable TV installation fee'],
  'movein.charge.debris_removal': ['装修垃圾清运费', 'Debris-removal fee'],
});

export const DOCUMENTS = ['id_card', 'purchase_contract', 'five_certificates'];
export const SIGNATURES = ['covenant', 'renovation_agreement', 'fire_safety'];
export const CHARGES = ['gas_opening', 'cable_tv', 'debris_removal'];

/** moveInUnit names the move-in's unit ("5栋 101"), its building expanded. */
export const moveInUnit = (m) => unitName(m.expand?.unit) || m.unit;

/** defectsOf is the move-in's defects list. */
export const defectsOf = (m) => (Array.isArray(m?.defects) ? m.defects : []);

/** openDefects counts the repairs not yet cleared. */
export const openDefects = (m) => (m.status === 'defects_open' ? defectsOf(m).filter((d) => !d.cleared_at).length : 0);

export const docName = (code) => t('movein.doc.' + code);
export const sigName = (code) => t('movein.sig.' + code);
