// The portal's shared words; each screen file adds its own with addMessages.
import { addMessages } from '../core/i18n.js';

addMessages({
  'portal.title': ['住户服务', 'Residents'],
  'nav.label': ['主要栏目', 'Main sections'],
  'nav.home': ['首页', 'Home'],
  'nav.complaints': ['投诉', 'Complaints'],
  'nav.repairs': ['报修', 'Repairs'],
  'nav.renovation': ['装修', 'Renovation'],
  'nav.bills': ['账单', 'Bills'],
  'nav.notices': ['公告', 'Notices'],
  'units.switch': ['切换房屋', 'Switch unit'],
  'units.none': ['您还没有登记的房屋', 'No unit is linked to your account'],
  'units.noneHint': ['请携带房产证明或租赁合同到物业服务中心登记，登记后即可使用住户服务。', 'Bring your deed or lease to the service center to be linked to your unit.'],
  'signin.title': ['住户登录', 'Resident sign-in'],
  'signin.hint': ['业主、租户和家属用物业登记的邮箱或手机号登录', 'Owners, tenants and family members sign in with the email or phone the office has on file'],
  'signin.failed': ['账号或密码不正确', 'Wrong account or password.'],
  'signin.forgot': ['忘记密码？', 'Forgot password?'],
  'signin.staff': ['员工请从员工工作台登录', 'Staff sign in at the staff workspace'],
  'reset.title': ['重设密码', 'Reset password'],
  'reset.email': ['登记的邮箱', 'Email on file'],
  'reset.send': ['发送重设邮件', 'Send reset mail'],
  'reset.sent': ['如果该邮箱已登记，重设密码的邮件已发出，请查收。', 'If that email is on file, a reset mail is on its way.'],
  'reset.new': ['新密码（至少 10 位）', 'New password (10 characters or more)'],
  'reset.again': ['再次输入新密码', 'New password again'],
  'reset.done': ['密码已重设，请用新密码登录', 'Password reset. Sign in with the new password.'],
  'reset.mismatch': ['两次输入的密码不一致', 'The passwords do not match.'],
});
