// Words and helpers the household-file screens share (业主档案,
// docs/DESIGN.md § Household files).
import { addMessages } from '../../core/i18n.js';

addMessages({
  'hh.title': ['业主档案', 'Household files'],
  'hh.building': ['楼栋', 'Building'],
  'hh.unit': ['房号', 'Unit'],
  'hh.pick': ['请选择楼栋和房号', 'Choose a building and a unit'],
  'hh.members': ['家庭成员', 'Household members'],
  'hh.vehicles': ['车辆', 'Vehicles'],
  'hh.file': ['紧急联系人与租赁', 'Emergency contact and tenancy'],
  'hh.transfers': ['过户记录', 'Ownership transfers'],
  'hh.name': ['姓名', 'Name'],
  'hh.relation': ['关系', 'Relation'],
  'hh.birthYear': ['出生年份', 'Year of birth'],
  'hh.phone': ['电话', 'Phone'],
  'hh.idType': ['证件类型', 'ID type'],
  'hh.idNo': ['证件号码', 'ID number'],
  'hh.idNoKeep': ['证件号码（不改请留空）', 'ID number (leave empty to keep)'],
  'hh.scans': ['证件扫描件', 'ID scans'],
  'hh.account': ['住户账号', 'Resident account'],
  'hh.left': ['已迁出 {on}', 'Left {on}'],
  'hh.leave': ['登记迁出', 'Record leaving'],
  'hh.addMember': ['添加成员', 'Add a member'],
  'hh.save': ['保存', 'Save'],
  'hh.saved': ['已保存', 'Saved'],
  'hh.remove': ['删除', 'Remove'],
  'hh.removeAsk': ['删除这条记录？', 'Remove this record?'],
  'hh.newEnergy': ['新能源', 'New energy'],
  'hh.space': ['车位', 'Parking space'],
  'hh.retired': ['已退出', 'Retired'],
  'hh.emergencyName': ['紧急联系人', 'Emergency contact'],
  'hh.emergencyPhone': ['紧急联系电话', 'Emergency phone'],
  'hh.emergencyRelation': ['与业主关系', 'Relation to the owner'],
  'hh.tenant': ['租户登记', 'Tenant'],
  'hh.noTenant': ['（未出租）', '(not let)'],
  'hh.leaseStart': ['租期开始', 'Lease start'],
  'hh.leaseEnd': ['租期结束', 'Lease end'],
  'hh.rent': ['月租金（元）', 'Monthly rent (¥)'],
  'hh.rentInvalid': ['月租金请填写金额（元），例如 3200 或 3200.50', 'Enter the rent in yuan, e.g. 3200 or 3200.50'],
  'hh.leaseNote': ['租赁备注', 'Lease note'],
  'hh.transferNew': ['登记过户', 'Record a transfer'],
  'hh.from': ['原业主', 'Previous owners'],
  'hh.to': ['新业主', 'New owners'],
  'hh.toPick': ['从本户住户中选择', 'Choose among the unit\'s residents'],
  'hh.toNew': ['或新建新业主账号', 'or create the new owner\'s account'],
  'hh.email': ['邮箱', 'Email'],
  'hh.on': ['过户日期', 'Transferred on'],
  'hh.reason': ['过户原因', 'Reason'],
  'hh.documents': ['过户资料（不动产权证、合同等）', 'Documents (title deed, contract …)'],
  'hh.note': ['备注', 'Note'],
  'hh.transferAsk': ['过户后原业主及其家属的登记将结束、不能再查看本户，新业主开始登记。确认？', 'The previous owners and their family lose access to the unit and the new owners gain it. Go ahead?'],
  'hh.transferred': ['已登记过户 {serial}', 'Transfer {serial} recorded'],
  'hh.export': ['导出业主档案', 'Export household files'],
  'hh.exportFull': ['含完整证件号码', 'With full ID numbers'],
  'hh.exportAll': ['整个小区', 'Whole community'],
  'hh.exported': ['已导出 {name}', 'Exported {name}'],
  'hh.recordedBy': ['经办 {name}', 'By {name}'],
  'member_relation.owner': ['业主', 'Owner'],
  'member_relation.spouse': ['配偶', 'Spouse'],
  'member_relation.child': ['子女', 'Child'],
  'member_relation.parent': ['父母', 'Parent'],
  'member_relation.sibling': ['兄弟姐妹', 'Sibling'],
  'member_relation.relative': ['其他亲属', 'Relative'],
  'member_relation.tenant': ['租户', 'Tenant'],
  'member_relation.other': ['其他', 'Other'],
  'id_type.resident_id': ['居民身份证', 'Resident ID card'],
  'id_type.passport': ['护照', 'Passport'],
  'id_type.hk_macao': ['港澳通行证', 'HK/Macao permit'],
  'id_type.taiwan': ['台胞证', 'Taiwan permit'],
  'id_type.foreign_permanent': ['外国人永久居留证', 'Foreign permanent residence card'],
  'id_type.other': ['其他证件', 'Other'],
  'transfer_reason.sale': ['买卖', 'Sale'],
  'transfer_reason.inheritance': ['继承', 'Inheritance'],
  'transfer_reason.gift': ['赠与', 'Gift'],
  'transfer_reason.divorce': ['离婚析产', 'Divorce'],
  'transfer_reason.court': ['法院判决', 'Court order'],
  'transfer_reason.other': ['其他', 'Other'],
});

/** KEEPERS write the household file; the supervisor and director also see ID numbers in full. */
export const KEEPERS = ['front_desk', 'supervisor', 'director'];
export const FULL_ID = ['supervisor', 'director'];

/** onlyChanged: the fields of form that differ from record (a masked ID number is never sent back). */
export function onlyChanged(form, record) {
  const out = {};
  for (const [k, v] of Object.entries(form)) {
    if (k === 'id_no' && v === '') continue;
    if (String(v ?? '') !== String(record?.[k] ?? '')) out[k] = v;
  }
  return out;
}
