// Renovation (装修管理) for the office. RenovationDesk: the community's
// renovations as the signed-in role's work queues (live), and a search by
// unit or number. RenovationReview: one renovation — the application, the
// steps the server lets this role take (with their fields), the checklist
// before the permit (agreement, fees, the deposit in the ledger, worker
// passes), the site (inspections, violations and their rectification
// notices), hot-work permits, and the deposit with its movements.
import { html, useState, useRef, useEffect } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages, label, choices } from '../core/i18n.js';
import { yuan, date, dateTime, today, unitName, parseDate, parseYuan } from '../core/format.js';
import { stepsFrom, statusLabel, fieldLabel } from '../core/flows.js';
import { Loading, ErrorBox, Empty, Status, Field, FilePicker, Attachments, useAsync, useAction, useRealtime, toast, confirmBox, formData } from '../core/ui.js';

addMessages({
  'reno.title': ['装修管理', 'Renovations'],
  'reno.sep': ['、', ', '],
  'reno.colon': ['：', ': '],
  'reno.live': ['列表实时更新', 'Lists update live'],
  'reno.search': ['查找装修', 'Find a renovation'],
  'reno.searchLabel': ['房号、单号或施工单位', 'Unit, number or contractor'],
  'reno.searchHint': ['例如 1栋 101、1-101、ZX-20261123-0001、XK- 许可证号', 'e.g. 1栋 101, 1-101, ZX-20261123-0001 or a permit number'],
  'reno.searchGo': ['查找', 'Search'],
  'reno.searchClear': ['清除', 'Clear'],
  'reno.searchNone': ['没有找到符合“{q}”的装修申请', 'No renovation matches "{q}"'],
  'reno.results': ['查找结果', 'Results'],
  'reno.recent': ['最近的装修申请', 'Recent applications'],
  'reno.count': ['{n} 件', '{n}'],
  'reno.q.review': ['待工程审核', 'To review (engineering)'],
  'reno.q.reviewEmpty': ['没有待审核的装修申请', 'No applications to review'],
  'reno.q.approve': ['待主任审批', 'To approve'],
  'reno.q.approveEmpty': ['没有待审批的装修申请', 'No applications to approve'],
  'reno.q.readying': ['办证准备（已批准）', 'Readying the permit (approved)'],
  'reno.q.readyingEmpty': ['没有待办证的装修', 'No approved renovations waiting for a permit'],
  'reno.q.collect': ['待收费用和押金', 'Fees and deposits to collect'],
  'reno.q.collectEmpty': ['没有待收的装修费用或押金', 'Nothing to collect'],
  'reno.q.completion': ['申请验收', 'Completion reported'],
  'reno.q.completionEmpty': ['没有申请验收的装修', 'No completions reported'],
  'reno.q.acceptance': ['待联合验收', 'To accept'],
  'reno.q.acceptanceEmpty': ['没有待验收的装修', 'Nothing to accept'],
  'reno.q.suspended': ['停工整改中', 'Work stopped'],
  'reno.q.suspendedEmpty': ['没有停工整改的装修', 'No stopped sites'],
  'reno.q.sites': ['施工中工地 · 今日巡查', 'Active sites · today\'s inspection'],
  'reno.q.sitesEmpty': ['没有施工中的工地', 'No active sites'],
  'reno.q.areaSites': ['本片区装修工地 · 每日巡查', 'Sites in my area · daily inspection'],
  'reno.q.refundDue': ['验收满 6 个月 · 待退押金结案', 'Deposit refund due'],
  'reno.q.refundDueEmpty': ['没有到期待退的装修押金', 'No refunds due'],
  'reno.q.hwSecurity': ['动火证 · 待秩序维护部审核', 'Hot-work permits to review (security)'],
  'reno.q.hwCenter': ['动火证 · 待客服中心审核', 'Hot-work permits to review (service center)'],
  'reno.q.hwDirector': ['动火证 · 待总经理审批', 'Hot-work permits to approve'],
  'reno.q.hwEmpty': ['没有待审核的动火证', 'No hot-work permits waiting'],
  'reno.due': ['期限 {when}', 'Due {when}'],
  'reno.overdue': ['已超时', 'Overdue'],
  'reno.inspectedToday': ['今日已巡查', 'Inspected today'],
  'reno.notInspectedToday': ['今日未巡查', 'Not inspected today'],
  'reno.completionAt': ['{when} 申请验收', 'Reported {when}'],
  'reno.refundOn': ['退押金日期 {d}', 'Refund due {d}'],
  'reno.sum.agreement': ['协议', 'Agreement'],
  'reno.sum.fees': ['费用', 'Fees'],
  'reno.sum.deposit': ['押金', 'Deposit'],
  'reno.sum.passes': ['出入证 {n} 张', '{n} passes'],
  'reno.sum.feesDue': ['费用 {amount} 待缴', 'Fees {amount} due'],
  'reno.sum.depositDue': ['押金 {amount} 待收', 'Deposit {amount} to collect'],
  'reno.sum.depositUnset': ['押金待收（金额待核定）', 'Deposit to collect (amount not set)'],
  'reno.hwWindow': ['{from} 至 {to}', '{from} to {to}'],

  'reno.back': ['装修管理', 'Renovations'],
  'reno.liveDetail': ['本页实时更新', 'This page updates live'],
  'reno.applicant': ['申请人', 'Applicant'],
  'reno.tenantApplied': ['租户申请', 'Applied by a tenant'],
  'reno.consent': ['业主书面同意书', "Owner's written consent"],
  'reno.consentMissing': ['租户申请但没有上传业主同意书', 'A tenant applied without the owner\'s consent'],
  'reno.application': ['申请内容', 'Application'],
  'reno.unit': ['房屋', 'Unit'],
  'reno.area': ['建筑面积', 'Floor area'],
  'reno.areaM2': ['{n} m²', '{n} m²'],
  'reno.contractor': ['施工单位', 'Contractor'],
  'reno.licence': ['资质证书编号', 'Licence'],
  'reno.contractorPhone': ['施工单位电话', 'Contractor phone'],
  'reno.siteLead': ['现场负责人', 'Site lead'],
  'reno.scope': ['装修范围', 'Scope'],
  'reno.description': ['装修内容', 'Works'],
  'reno.planned': ['计划工期', 'Planned dates'],
  'reno.drawings': ['装修图纸', 'Drawings'],
  'reno.noDrawings': ['没有上传图纸', 'No drawings'],
  'reno.submittedAt': ['提交时间', 'Submitted'],
  'reno.engineeringDue': ['工程审核期限', 'Engineering review due'],
  'reno.approvalDue': ['主任审批期限', 'Approval due'],
  'reno.engineer': ['审核工程师', 'Reviewed by'],
  'reno.approver': ['审批人', 'Approved by'],
  'reno.permitNo': ['施工许可证号', 'Permit number'],
  'reno.permittedAt': ['发证时间', 'Permit issued'],
  'reno.comments': ['审核意见', 'Comments'],

  'reno.actions': ['办理', 'Actions'],
  'reno.needFor': ['“{step}”须填写此项', 'Needed to {step}'],
  'reno.fillFirst': ['请先填写{field}', 'Fill in the {field} first'],
  'reno.optionalFor': ['“{step}”时可填写', 'Optional when you {step}'],
  'reno.confirmStep': ['确认{step}？', '{step}?'],
  'reno.stepDone': ['已办理：{status}', 'Done: {status}'],
  'reno.f.engineering_comment': ['工程部意见', 'Engineering comment'],
  'reno.f.reject_reason': ['驳回原因', 'Reason for rejection'],
  'reno.f.director_comment': ['主任意见', "Director's comment"],
  'reno.f.suspend_reason': ['停工原因', 'Why work stops'],
  'reno.f.acceptance_changes': ['验收整改要求', 'Changes required'],
  'reno.f.resident_signed': ['业主（住户）已签字', 'Resident signed'],
  'reno.f.contractor_signed': ['施工单位已签字', 'Contractor signed'],
  'reno.f.office_signed': ['物业已签字', 'Office signed'],
  'reno.do.renovations.submitted.engineering_passed': ['工程审核通过', 'Pass the engineering review'],
  'reno.do.renovations.submitted.rejected': ['驳回申请', 'Reject the application'],
  'reno.do.renovations.engineering_passed.approved': ['批准装修', 'Approve'],
  'reno.do.renovations.engineering_passed.submitted': ['退回工程部', 'Return to engineering'],
  'reno.do.renovations.approved.permitted': ['发放施工许可证', 'Issue the permit'],
  'reno.do.renovations.permitted.suspended': ['停工整改', 'Stop work'],
  'reno.do.renovations.suspended.permitted': ['整改完成，准予复工', 'Resume work'],
  'reno.do.renovations.permitted.completion_requested': ['登记完工，申请验收', 'Record completion'],
  'reno.do.renovations.completion_requested.accepted': ['验收合格', 'Accept'],
  'reno.do.renovations.completion_requested.acceptance_failed': ['验收不合格', 'Fail the acceptance'],
  'reno.do.renovations.acceptance_failed.completion_requested': ['整改完毕，再次申请验收', 'Ask for acceptance again'],
  'reno.do.renovations.accepted.closed': ['退还押金并结案', 'Refund the deposit and close'],
  'reno.do.hot_work_permits.requested.security_reviewed': ['秩序维护部审核通过', 'Pass (security)'],
  'reno.do.hot_work_permits.security_reviewed.center_reviewed': ['客服中心审核通过', 'Pass (service center)'],
  'reno.do.hot_work_permits.center_reviewed.approved': ['批准动火', 'Approve hot work'],
  'reno.do.hot_work_permits.rejected': ['驳回动火申请', 'Refuse'],
  'reno.body.engineering_passed': ['转交管理处主任，在 1 个工作日内审批。', 'It goes to the director, who decides within 1 working day.'],
  'reno.body.rejected': ['驳回后本申请结束，住户须修改方案重新申请。', 'The application ends; the resident must apply again.'],
  'reno.body.approved': ['批准后办理装修协议、费用、押金和出入证，再发施工许可证。', 'Next: agreement, fees, deposit and worker passes, then the permit.'],
  'reno.body.submitted': ['退回工程部重新审核（2 个工作日内）。', 'Engineering reviews it again within 2 working days.'],
  'reno.body.permitted': ['发证后房屋转为“装修中”，物业费自今天起按全价计算。', 'The unit becomes "renovating" and its management fee is at full price from today.'],
  'reno.body.suspended': ['停工期间出入证暂停有效，复工须主管或主任确认。', 'Worker passes stop working until a supervisor or the director resumes the works.'],
  'reno.body.accepted': ['验收合格满 6 个月后退还押金（扣除违规扣款）。', 'The deposit, less deductions, is refunded 6 months after acceptance.'],
  'reno.body.acceptance_failed': ['住户整改后可再次申请验收。', 'The resident may ask again once the changes are made.'],
  'reno.body.closed': ['押金余额将退还，结案后不能再修改。', 'The deposit balance is refunded; a closed renovation cannot change.'],
  'reno.body.completion_requested': ['由业主、施工单位和物业三方联合验收。', 'Resident, contractor and office then inspect it together.'],

  'reno.ready': ['办证准备', 'Before the permit'],
  'reno.readyIntro': ['签订装修协议、交清费用、押金入台账、办好施工人员出入证后，才能发放施工许可证。', 'The permit is issued once the agreement is signed, the fees are paid, the deposit is in the ledger and a worker pass is out.'],
  'reno.missing': ['尚缺：{what}', 'Still missing: {what}'],
  'reno.allReady': ['条件已齐备，可以发放施工许可证', 'Everything is in place for the permit'],
  'reno.need.agreement': ['装修协议', 'the signed agreement'],
  'reno.need.fees': ['装修管理费', 'the renovation fees'],
  'reno.need.deposit': ['装修押金', 'the renovation deposit'],
  'reno.need.pass': ['施工人员出入证', 'a worker pass'],
  'reno.item.agreement': ['装修协议（业主、施工单位、物业三方签订）', 'Agreement (resident, contractor and office)'],
  'reno.agreementSigned': ['已签订 {when}', 'Signed {when}'],
  'reno.agreementRecord': ['登记协议已签订', 'Record the signed agreement'],
  'reno.agreementConfirm': ['登记装修协议已由三方签订？', 'Record the agreement as signed?'],
  'reno.agreementBody': ['签订时间记为现在。', 'The time is recorded as now.'],
  'reno.item.fees': ['装修管理费、垃圾清运费', 'Management and debris-removal fees'],
  'reno.item.deposit': ['装修押金（押金台账）', 'Renovation deposit (ledger)'],
  'reno.item.passes': ['施工人员出入证', 'Worker passes'],
  'reno.feesNotSet': ['未核定', 'Not set'],
  'reno.feesNone': ['不收费', 'No fee'],
  'reno.paid': ['已缴', 'Paid'],
  'reno.unpaid': ['待缴', 'Due'],
  'reno.feesFen': ['装修管理费、垃圾清运费（元）', 'Fees (yuan)'],
  'reno.depositFen': ['装修押金应收（元）', 'Deposit due (yuan)'],
  'reno.saveAmounts': ['保存金额', 'Save amounts'],
  'reno.amountsSaved': ['金额已保存', 'Amounts saved'],
  'reno.badYuan': ['请输入金额，如 2000 或 2000.50', 'Enter an amount such as 2000 or 2000.50'],
  'reno.markPaid': ['确认费用已缴', 'Mark the fees paid'],
  'reno.markPaidConfirm': ['确认已收装修费用 {amount}？', 'Record {amount} of fees as paid?'],
  'reno.markPaidBody': ['请先在收款台收款并开具收据。', 'Take the payment and issue a receipt first.'],
  'reno.feesPaidDone': ['费用已登记为已缴', 'Fees recorded as paid'],
  'reno.depositDue': ['应收 {amount}', 'Due {amount}'],
  'reno.depositUnset': ['应收金额未核定', 'Amount not set'],
  'reno.depositHeld': ['已收 {amount}，余额 {balance}', 'Received {amount}, balance {balance}'],
  'reno.depositShort': ['押金余额 {balance} 少于应收 {amount}', 'Balance {balance} is below the {amount} due'],
  'reno.depositSettled': ['押金已结清', 'Deposit settled'],
  'reno.collect': ['收取装修押金', 'Take the renovation deposit'],
  'reno.collectAmount': ['押金金额（元）', 'Amount (yuan)'],
  'reno.holder': ['交款人', 'Paid by'],
  'reno.collectConfirm': ['收取装修押金 {amount}？', 'Take a deposit of {amount}?'],
  'reno.collectBody': ['押金记入押金台账（不能删除），并关联到本装修申请。', 'It goes into the deposits ledger (never deleted) and is linked to this renovation.'],
  'reno.collected': ['押金已入台账：{amount}', 'Deposit recorded: {amount}'],
  'reno.collectUnsetHint': ['前台尚未核定押金应收金额；收取后请前台核定为相同金额。', 'The desk has not set the amount due yet; it should match what you take.'],
  'reno.unlinked': ['台账中有本申请的押金尚未关联：', 'The ledger holds a deposit for this application that is not linked yet:'],
  'reno.link': ['关联此押金', 'Link this deposit'],
  'reno.linked': ['押金已关联', 'Deposit linked'],
  'reno.linkConfirm': ['把押金 {amount}（{holder}）关联到本申请？', 'Link the deposit of {amount} ({holder})?'],
  'reno.cashierOnly': ['押金由收费员、主管或主任收取', 'The cashier, a supervisor or the director takes the deposit'],
  'reno.permitHint': ['发证后房屋转为“装修中”，物业费自发证日起按全价计算。', 'Once issued, the unit is "renovating" and pays the full management fee from today.'],
  'reno.permitIssued': ['施工许可证已发放：{no}', 'Permit issued: {no}'],

  'reno.passes': ['施工人员出入证', 'Worker passes'],
  'reno.passesNone': ['还没有办理出入证', 'No passes yet'],
  'reno.passValid': ['有效期至 {d}', 'Valid until {d}'],
  'reno.passReturned': ['已交回', 'Returned'],
  'reno.passOut': ['使用中', 'In use'],
  'reno.passIssue': ['办理出入证', 'Issue a pass'],
  'reno.worker': ['姓名', 'Name'],
  'reno.idNo': ['身份证号', 'ID number'],
  'reno.idNoHint': ['18 位；保存后只有主管和主任能看到完整号码', '18 characters; only supervisors and the director see it in full'],
  'reno.trade': ['工种', 'Trade'],
  'reno.tradeHint': ['如 水电、泥瓦、木工', 'e.g. plumbing, tiling, carpentry'],
  'reno.passDeposit': ['出入证押金（元）', 'Pass deposit (yuan)'],
  'reno.passConfirm': ['为 {name} 办理出入证？', 'Issue a pass to {name}?'],
  'reno.passBody': ['有效期至计划完工日 {d}；押金记入押金台账。', 'Valid until the planned end {d}; its deposit goes into the ledger.'],
  'reno.passIssued': ['出入证已办理：{serial}', 'Pass issued: {serial}'],
  'reno.passReturn': ['收回', 'Take back'],
  'reno.passReturnConfirm': ['收回出入证 {serial}？', 'Take back pass {serial}?'],
  'reno.passReturnBody': ['出入证押金余额将退还。', 'Its deposit balance is refunded.'],
  'reno.passReturnedDone': ['出入证已收回', 'Pass returned'],
  'reno.passWithDeposit': ['押金 {amount}', 'deposit {amount}'],

  'reno.site': ['现场巡查', 'Site inspections'],
  'reno.inspectionsNone': ['还没有巡查记录', 'No inspections yet'],
  'reno.newInspection': ['记录巡查', 'Record an inspection'],
  'reno.inspectionTitle': ['巡查检查表 · {d}', 'Inspection checklist · {d}'],
  'reno.checksLegend': ['检查项目（符合的打勾）', 'Checks (tick what holds)'],
  'reno.check.permit_posted': ['施工许可证已张贴', 'Permit posted'],
  'reno.check.working_hours_kept': ['遵守施工时间', 'Working hours kept'],
  'reno.check.within_scope': ['在批准范围内施工', 'Within the approved scope'],
  'reno.check.debris_cleared': ['垃圾已清运', 'Debris cleared'],
  'reno.check.corridor_doors_closed': ['楼道门已关闭', 'Corridor doors closed'],
  'reno.check.no_open_flame': ['无明火作业', 'No open flame'],
  'reno.check.wiring_safe': ['无乱拉电线', 'No loose wiring'],
  'reno.extinguishers': ['现场灭火器（2 kg）数量', 'Extinguishers on site (2 kg)'],
  'reno.extinguishersRule': ['按每 50 m² 一具计算（不足 50 m² 按 50 m²），本房屋 {area} m² 须配 {n} 具', 'One per 50 m² or part: {area} m² needs {n}'],
  'reno.extinguishersShort': ['少于要求的 {n} 具', 'Fewer than the {n} required'],
  'reno.extinguishersCount': ['灭火器 {have}/{need}', 'Extinguishers {have}/{need}'],
  'reno.inspectionNote': ['情况说明', 'Notes'],
  'reno.inspectionPhotos': ['现场照片', 'Photos'],
  'reno.resultPreview': ['巡查结论', 'Result'],
  'reno.result.ok': ['合格', 'OK'],
  'reno.result.issues': ['发现问题', 'Issues found'],
  'reno.inspectionConfirm': ['保存这次巡查记录？', 'Save this inspection?'],
  'reno.inspectionBody': ['巡查记录保存后不能修改或删除。', 'An inspection record cannot be changed or deleted.'],
  'reno.inspectionSaved': ['巡查记录已保存', 'Inspection saved'],
  'reno.failed': ['不符合：{list}', 'Failed: {list}'],

  'reno.violations': ['违规记录', 'Violations'],
  'reno.violationsNone': ['没有违规记录', 'No violations'],
  'reno.newViolation': ['记录违规', 'Record a violation'],
  'reno.severity': ['违规程度', 'Severity'],
  'reno.severity.minor': ['一般违规', 'Minor'],
  'reno.severity.major': ['重大违规', 'Major'],
  'reno.severityHint.minor': ['现场责令整改', 'rectified on the spot'],
  'reno.severityHint.major': ['承重结构、外立面、厨卫防水等，须发整改通知书', 'load-bearing, facade, waterproofing: a rectification notice'],
  'reno.kind': ['违规类别', 'Kind'],
  'reno.pick': ['请选择', 'Choose'],
  'reno.vDescription': ['违规情况', 'What was found'],
  'reno.measures': ['处理措施', 'Measures'],
  'reno.rectifyBy': ['整改期限', 'Rectify by'],
  'reno.deduct': ['扣除押金（元）', 'Deduct from the deposit (yuan)'],
  'reno.deducted': ['扣押金 {amount}', 'Deducted {amount}'],
  'reno.violationConfirm': ['记录这条{severity}？', 'Record this {severity} violation?'],
  'reno.violationBodyMajor': ['将通知主管和主任，请打印整改通知书交业主签收。', 'The supervisors and the director are told; print the rectification notice for the owner to sign.'],
  'reno.violationBodyStop': ['同时停工整改。', 'Work stops at once.'],
  'reno.violationBodyDeduct': ['从装修押金中扣除 {amount}。', '{amount} comes off the deposit.'],
  'reno.violationBodyFinal': ['违规记录不能删除。', 'A violation cannot be deleted.'],
  'reno.violationSaved': ['违规已记录', 'Violation recorded'],
  'reno.notice': ['整改通知书', 'Rectification notice'],
  'reno.noticePrint': ['打印整改通知书', 'Print the rectification notice'],
  'reno.vstatus.open': ['待整改', 'To rectify'],
  'reno.vstatus.rectified': ['已整改', 'Rectified'],
  'reno.vstatus.escalated': ['逾期未改，已上报', 'Escalated'],
  'reno.recheck': ['复查情况', 'Recheck'],
  'reno.recheckOk': ['复查：已整改', 'Rectified'],
  'reno.recheckBad': ['复查：未整改，上报', 'Not rectified: escalate'],
  'reno.recheckConfirm': ['登记复查结果：{status}？', 'Record the recheck: {status}?'],
  'reno.recheckSaved': ['复查结果已登记', 'Recheck recorded'],
  'reno.found': ['发现', 'Found'],

  'reno.hotWork': ['动火证', 'Hot-work permits'],
  'reno.hotWorkNone': ['没有动火申请', 'No hot-work permits'],
  'reno.hotWorkFlow': ['秩序维护部审核 → 客服中心审核 → 总经理审批；只在批准的时间内、装修施工中有效。', 'Security, then the service center, then the general manager; valid only in its window while the works are permitted.'],
  'reno.hwNew': ['申请动火证', 'Request a hot-work permit'],
  'reno.hwOperator': ['动火人', 'Operator'],
  'reno.hwCert': ['特种作业操作证号', 'Operator certificate'],
  'reno.hwPlace': ['动火部位', 'Place'],
  'reno.hwStart': ['开始时间', 'From'],
  'reno.hwEnd': ['结束时间', 'Until'],
  'reno.hwConfirm': ['提交动火申请？', 'Request this hot-work permit?'],
  'reno.hwBody': ['提交后由秩序维护部先行审核。', 'Security reviews it first.'],
  'reno.hwSaved': ['动火申请已提交', 'Hot-work permit requested'],
  'reno.hwSigned': ['审核：{names}', 'Signed: {names}'],
  'reno.hwReason': ['驳回原因', 'Reason'],

  'reno.deposit': ['装修押金', 'Renovation deposit'],
  'reno.depositNone': ['尚未收取装修押金', 'No deposit taken yet'],
  'reno.depositAmount': ['收取金额', 'Received'],
  'reno.depositBalance': ['押金余额', 'Balance'],
  'reno.depositStatus.held': ['押金在押', 'Held'],
  'reno.depositStatus.settled': ['已结清', 'Settled'],
  'reno.movements': ['扣除与退还', 'Deductions and refunds'],
  'reno.mv.deduct': ['扣除', 'Deducted'],
  'reno.mv.refund': ['退还', 'Refunded'],
  'reno.refundDue': ['押金退还日期', 'Refund due'],
  'reno.refundRule': ['验收合格满 6 个月后退还', '6 months after acceptance'],
  'reno.refunded': ['已退还', 'Refunded'],

  'reno.timeline': ['办理记录', 'History'],
  'reno.ev.create': ['提交申请', 'Applied'],
  'reno.ev.update': ['信息更新', 'Updated'],
  'reno.ev.pass': ['办理出入证', 'Pass issued'],
  'reno.ev.pass_returned': ['出入证交回', 'Pass returned'],
  'reno.ev.inspection': ['现场巡查', 'Inspection'],
  'reno.ev.violation': ['记录违规', 'Violation'],
  'reno.ev.violation_rectified': ['违规已整改', 'Violation rectified'],
  'reno.ev.violation_escalated': ['违规升级', 'Violation escalated'],
  'reno.ev.hot_work_requested': ['申请动火证', 'Hot work requested'],
  'reno.ev.hot_work': ['动火证：{status}', 'Hot work: {status}'],
  'reno.ev.missed_inspection': ['当日没有巡查', 'No inspection that day'],
  'reno.ev.overdue_review': ['审核超时', 'Review overdue'],
  'reno.ev.f.agreement_signed_at': ['装修协议签订', 'agreement signed'],
  'reno.ev.f.fees_fen': ['费用金额', 'fees'],
  'reno.ev.f.fees_paid': ['费用已缴', 'fees paid'],
  'reno.ev.f.deposit_fen': ['押金应收金额', 'deposit due'],
  'reno.ev.f.deposit': ['押金入账', 'deposit taken'],
});

// Who does what (the API rules and the flow table decide; these shape the page).
const DESK = ['front_desk', 'supervisor', 'director'];
const CASH = ['cashier', 'supervisor', 'director'];
const SITE = ['engineer', 'area_manager', 'security', 'supervisor', 'director'];
const HOT_WORK_FILERS = ['front_desk', 'supervisor'];
const seesMoney = (role) => role !== 'security' && role !== 'technician';
const ON_SITE = ['permitted', 'suspended'];
const CHECKS = ['permit_posted', 'working_hours_kept', 'within_scope', 'debris_cleared', 'corridor_doors_closed', 'no_open_flame', 'wiring_safe'];
const BOOL_FIELDS = ['resident_signed', 'contractor_signed', 'office_signed'];
const DANGER = ['rejected', 'suspended', 'acceptance_failed'];

/** required extinguishers: one 2 kg per 50 m², a part counting as 50 m² (hooks.ExtinguishersRequired). */
export const extinguishersRequired = (area) => Math.ceil((Number(area) || 0) / 50 - 1e-9);

const fenToInput = (fen) => (fen ? String(fen / 100) : '');

const fLabel = (f) => { const k = 'reno.f.' + f; const s = t(k); return s === k ? fieldLabel(f) : s; };

/** stepName: the words on a step's button. */
function stepName(col, s) {
  for (const k of [`reno.do.${col}.${s.from}.${s.to}`, `reno.do.${col}.${s.to}`]) {
    const v = t(k);
    if (v !== k) return v;
  }
  return statusLabel(col, s.to);
}
function stepBody(col, s) {
  if (col !== 'renovations') return '';
  const k = 'reno.body.' + s.to;
  const v = t(k);
  return v === k ? '' : v;
}

const isOverdue = (r) => r.review_overdue || (r.status === 'submitted' && parseDate(r.engineering_due) < new Date())
  || (r.status === 'engineering_passed' && parseDate(r.approval_due) < new Date());

/** useSoon debounces a reload: several realtime events in a burst fetch once. */
function useSoon(fn) {
  const timer = useRef();
  const cb = useRef(fn);
  cb.current = fn;
  useEffect(() => () => clearTimeout(timer.current), []);
  return () => { clearTimeout(timer.current); timer.current = setTimeout(() => cb.current(), 200); };
}

// --- the desk: each role's queues ------------------------------------------

const ROLE_QUEUES = {
  engineer: ['review', 'sites', 'acceptance'],
  director: ['approve', 'hwDirector', 'readying', 'suspended'],
  front_desk: ['readying', 'completion', 'hwCenter'],
  supervisor: ['readying', 'completion', 'hwCenter', 'suspended', 'review', 'approve'],
  security: ['hwSecurity', 'sites'],
  area_manager: ['areaSites'],
  cashier: ['collect', 'refundDue'],
};

function queueSpecs(me, community) {
  const inC = pb.filter('community = {:c}', { c: community.id });
  const reno = (cond, sort = 'created') => ({ col: 'renovations', filter: `${inC} && (${cond})`, sort });
  const hw = (status) => ({ col: 'hot_work_permits', filter: pb.filter('renovation.community = {:c} && status = {:s}', { c: community.id, s: status }), sort: 'window_start' });
  return {
    review: reno('status = "submitted"', 'engineering_due'),
    approve: reno('status = "engineering_passed"', 'approval_due'),
    readying: reno('status = "approved"'),
    collect: reno('status = "approved" && (deposit = "" || (fees_fen > 0 && fees_paid = false))'),
    completion: reno('status = "completion_requested" || status = "acceptance_failed"', 'completion_requested_at'),
    acceptance: reno('status = "completion_requested"', 'completion_requested_at'),
    suspended: reno('status = "suspended"', '-updated'),
    sites: reno('status = "permitted" || status = "suspended"', 'permitted_at'),
    areaSites: reno(pb.filter('(status = "permitted" || status = "suspended") && unit.building.area.manager = {:me}', { me: me.id }), 'permitted_at'),
    refundDue: reno(pb.filter('status = "accepted" && deposit_refund_due != "" && deposit_refund_due <= {:d}', { d: today() }), 'deposit_refund_due'),
    hwSecurity: hw('requested'),
    hwCenter: hw('security_reviewed'),
    hwDirector: hw('center_reviewed'),
  };
}

async function loadQueues(me, community) {
  const keys = ROLE_QUEUES[me.role] || [];
  const specs = queueSpecs(me, community);
  const out = { keys };
  await Promise.all(keys.map(async (k) => {
    const s = specs[k];
    out[k] = await pb.collection(s.col).getFullList({
      filter: s.filter, sort: s.sort, batch: 200, expand: s.col === 'renovations' ? 'unit.building' : 'renovation.unit.building',
    });
  }));
  if (keys.includes('sites') || keys.includes('areaSites')) {
    const done = await pb.collection('renovation_inspections').getFullList({
      filter: pb.filter('renovation.community = {:c} && inspected_on = {:d}', { c: community.id, d: today() }), fields: 'renovation', batch: 500,
    });
    out.inspected = new Set(done.map((x) => x.renovation));
    for (const k of ['sites', 'areaSites']) {
      // The sites nobody has inspected today come first.
      if (out[k]) out[k].sort((a, b) => Number(out.inspected.has(a.id)) - Number(out.inspected.has(b.id)));
    }
  }
  if (keys.includes('readying')) {
    const passes = await pb.collection('renovation_passes').getFullList({
      filter: pb.filter('renovation.community = {:c} && renovation.status = "approved" && returned_at = ""', { c: community.id }), fields: 'renovation', batch: 500,
    });
    out.passes = {};
    for (const p of passes) out.passes[p.renovation] = (out.passes[p.renovation] || 0) + 1;
  }
  return out;
}

/** searchFilter: every word must match the number, permit, unit, building or contractor. */
function searchFilter(q, community) {
  const words = q.trim().split(/\s+/).filter(Boolean).slice(0, 4);
  const parts = words.map((w) => {
    const or = [pb.filter('serial ~ {:w} || permit_no ~ {:w} || unit.number ~ {:w} || unit.building.name ~ {:w} || unit.building.code = {:w} || contractor_name ~ {:w}', { w })];
    const m = w.match(/^([^-\s]+)-([^-\s]+)$/); // 1-101: building code and unit number
    if (m) or.push(pb.filter('(unit.building.code = {:b} && unit.number = {:n})', { b: m[1], n: m[2] }));
    return '(' + or.join(' || ') + ')';
  });
  return [pb.filter('community = {:c}', { c: community.id }), ...parts].join(' && ');
}

export function RenovationDesk({ me, community }) {
  const queues = useAsync(() => loadQueues(me, community), [me.id, me.role, community.id]);
  const [q, setQ] = useState('');
  const [asked, setAsked] = useState('');
  const found = useAsync(() => pb.collection('renovations').getList(1, 30, {
    filter: asked ? searchFilter(asked, community) : pb.filter('community = {:c}', { c: community.id }), sort: '-created', expand: 'unit.building',
  }).then((list) => ({ q: asked, items: list.items })), [asked, community.id]);
  const soon = useSoon(() => { queues.reload(); found.reload(); });
  const inC = pb.filter('community = {:c}', { c: community.id });
  const ofC = pb.filter('renovation.community = {:c}', { c: community.id });
  useRealtime('renovations', '*', soon, { filter: inC, onReconnect: soon });
  useRealtime('hot_work_permits', '*', soon, { filter: ofC });
  useRealtime('renovation_inspections', '*', soon, { filter: ofC });
  useRealtime('renovation_passes', '*', soon, { filter: ofC });
  const search = (e) => { e.preventDefault(); setAsked(q.trim()); };
  const data = queues.data;
  return html`
    <div class="row between"><h1>${t('reno.title')}</h1><span class="small muted">${community.name} · ${t('reno.live')}</span></div>
    ${queues.loading && !data ? html`<${Loading} />` : queues.error && !data ? html`<${ErrorBox} error=${queues.error} retry=${queues.reload} />` : html`
      ${queues.error && html`<${ErrorBox} error=${queues.error} retry=${queues.reload} />`}
      <div class="reno-queues">${data.keys.map((k) => html`<${Queue} key=${k} kind=${k} items=${data[k]} data=${data} />`)}</div>`}
    <section class="card reno-search" aria-labelledby="h-reno-search">
      <h2 id="h-reno-search">${t('reno.search')}</h2>
      <form class="row" onSubmit=${search} role="search">
        <div class="grow"><${Field} label=${t('reno.searchLabel')} hint=${t('reno.searchHint')}>
          <input type="search" name="q" value=${q} onInput=${(e) => setQ(e.target.value)} /><//></div>
        <button class="primary">${t('reno.searchGo')}</button>
        ${asked && html`<button type="button" class="ghost" onClick=${() => { setQ(''); setAsked(''); }}>${t('reno.searchClear')}</button>`}
      </form>
      <h3>${asked ? t('reno.results') : t('reno.recent')}</h3>
      ${found.error ? html`<${ErrorBox} error=${found.error} retry=${found.reload} />` : !found.data || found.data.q !== asked ? html`<${Loading} />`
        : found.data.items.length === 0 ? html`<${Empty} text=${asked ? t('reno.searchNone', { q: asked }) : t('empty')} />`
        : html`<ul class="list" data-testid="reno-results">${found.data.items.map((r) => html`<${RenoItem} key=${r.id} r=${r} sub=${html`${r.serial} · ${date(r.planned_start)} – ${date(r.planned_end)}`} />`)}</ul>`}
    </section>`;
}

function Queue({ kind, items, data }) {
  const hot = kind.startsWith('hw');
  const empty = hot ? t('reno.q.hwEmpty') : t(`reno.q.${kind === 'areaSites' ? 'sites' : kind}Empty`);
  return html`<section class="card reno-queue" aria-labelledby=${'q-' + kind} data-testid=${'queue-' + kind}>
    <h2 id=${'q-' + kind}>${t('reno.q.' + kind)} <span class="chip s-muted">${t('reno.count', { n: items.length })}</span></h2>
    ${items.length === 0 ? html`<${Empty} text=${empty} />` : html`<ul class="list">${items.map((x) => hot
      ? html`<${HotWorkItem} key=${x.id} h=${x} />`
      : html`<${RenoItem} key=${x.id} r=${x} sub=${queueSub(kind, x, data)} />`)}</ul>`}
  </section>`;
}

function queueSub(kind, r, data) {
  const mark = (ok, text) => html`<span class=${'mark ' + (ok ? 'ok' : 'todo')}>${ok ? '✓' : '✗'} ${text}</span>`;
  switch (kind) {
    case 'review':
    case 'approve': {
      const due = kind === 'review' ? r.engineering_due : r.approval_due;
      return html`${r.serial} · ${t('reno.due', { when: dateTime(due) })}${isOverdue(r) ? html` <span class="chip s-bad">${t('reno.overdue')}</span>` : ''}`;
    }
    case 'readying': {
      const passes = data.passes?.[r.id] || 0;
      return html`${r.serial} · ${mark(!!r.agreement_signed_at, t('reno.sum.agreement'))} ${mark(!(r.fees_fen > 0 && !r.fees_paid), t('reno.sum.fees'))}
        ${mark(!!r.deposit, t('reno.sum.deposit'))} ${mark(passes > 0, t('reno.sum.passes', { n: passes }))}`;
    }
    case 'collect': {
      const bits = [];
      if (r.fees_fen > 0 && !r.fees_paid) bits.push(t('reno.sum.feesDue', { amount: yuan(r.fees_fen) }));
      if (!r.deposit) bits.push(r.deposit_fen > 0 ? t('reno.sum.depositDue', { amount: yuan(r.deposit_fen) }) : t('reno.sum.depositUnset'));
      return `${r.serial} · ${bits.join(' · ')}`;
    }
    case 'completion':
    case 'acceptance':
      return `${r.serial} · ${t('reno.completionAt', { when: dateTime(r.completion_requested_at) })}`;
    case 'sites':
    case 'areaSites': {
      const done = data.inspected?.has(r.id);
      return html`${r.permit_no || r.serial} · <span class=${'chip ' + (done ? 's-paid' : 's-warn')} data-testid="inspected-today">${t(done ? 'reno.inspectedToday' : 'reno.notInspectedToday')}</span>`;
    }
    case 'refundDue':
      return `${r.serial} · ${t('reno.refundOn', { d: date(r.deposit_refund_due) })}`;
    default:
      return r.serial;
  }
}

function RenoItem({ r, sub }) {
  return html`<li><a class="item" href=${'#/renovations/' + r.id}>
    <div class="main"><div class="t">${unitName(r.expand?.unit)} · ${r.contractor_name}</div><div class="sub">${sub}</div></div>
    <${Status} col="renovations" code=${r.status} />
  </a></li>`;
}

function HotWorkItem({ h }) {
  const r = h.expand?.renovation;
  return html`<li><a class="item" href=${'#/renovations/' + h.renovation}>
    <div class="main"><div class="t">${unitName(r?.expand?.unit)} · ${h.place}</div>
      <div class="sub">${h.operator_name} · ${t('reno.hwWindow', { from: dateTime(h.window_start), to: dateTime(h.window_end) })}</div></div>
    <${Status} col="hot_work_permits" code=${h.status} />
  </a></li>`;
}

// --- one renovation -------------------------------------------------------------

async function loadRelated(r, role) {
  const by = pb.filter('renovation = {:id}', { id: r.id });
  const [passes, inspections, violations, hotWork] = await Promise.all([
    pb.collection('renovation_passes').getFullList({ filter: by, sort: 'created' }),
    pb.collection('renovation_inspections').getFullList({ filter: by, sort: '-inspected_on,-created', expand: 'inspector' }),
    pb.collection('renovation_violations').getFullList({ filter: by, sort: '-created', expand: 'found_by' }),
    pb.collection('hot_work_permits').getFullList({ filter: by, sort: '-created', expand: 'security_by,center_by,approved_by' }),
  ]);
  let deposit = null;
  let movements = [];
  let unlinked = [];
  if (seesMoney(role) && r.deposit) {
    [deposit, movements] = await Promise.all([
      pb.collection('deposits').getOne(r.deposit),
      pb.collection('deposit_movements').getFullList({ filter: pb.filter('deposit = {:d}', { d: r.deposit }), sort: 'created', expand: 'by' }),
    ]);
  } else if (seesMoney(role) && r.status === 'approved' && r.serial) {
    // A deposit taken at the cashier's desk for this application but not linked yet.
    unlinked = await pb.collection('deposits').getFullList({
      filter: pb.filter('community = {:c} && kind = "renovation" && source = {:s} && status = "held"', { c: r.community, s: r.serial }), sort: '-created',
    });
  }
  return { passes, inspections, violations, hotWork, deposit, movements, unlinked };
}

export function RenovationReview({ me, params }) {
  const rec = useAsync(() => pb.collection('renovations').getOne(params.id, { expand: 'unit.building,applicant,engineer,approver' }), [params.id]);
  const r = rec.data;
  const [bump, setBump] = useState(0);
  const rel = useAsync(() => (r ? loadRelated(r, me.role) : Promise.resolve(null)), [r?.id, r?.updated, r?.deposit, bump]);
  const again = useSoon(() => setBump((n) => n + 1));
  const reloadAll = () => { rec.reload(); again(); };
  const keepExpand = (saved) => rec.setData((old) => ({ ...saved, expand: old?.expand }));
  useRealtime('renovations', params.id, (e) => { if (e.action === 'update') keepExpand(e.record); }, { onReconnect: reloadAll });
  const byThis = pb.filter('renovation = {:id}', { id: params.id });
  useRealtime('renovation_passes', '*', again, { filter: byThis });
  useRealtime('renovation_inspections', '*', again, { filter: byThis });
  useRealtime('renovation_violations', '*', again, { filter: byThis });
  useRealtime('hot_work_permits', '*', again, { filter: byThis });
  useRealtime('deposits', seesMoney(me.role) && r?.deposit ? r.deposit : '', again);

  if (rec.loading && !r) return html`<${Loading} />`;
  if (rec.error && !r) return html`<p><a href="#/renovations">← ${t('reno.back')}</a></p><${ErrorBox} error=${rec.error} retry=${rec.reload} />`;
  const onSaved = (saved) => { keepExpand(saved); again(); };
  const role = me.role;
  const unit = r.expand?.unit;
  // The site comes first (on a phone, for whoever is standing in it), and only when there is one.
  const site = ON_SITE.includes(r.status) || ['inspections', 'violations', 'hotWork'].some((k) => rel.data?.[k]?.length > 0);
  return html`
    <p><a href="#/renovations">← ${t('reno.back')}</a></p>
    ${rec.error && html`<${ErrorBox} error=${rec.error} retry=${reloadAll} />`}
    <div class="card reno-head">
      <div class="row between"><h1>${unitName(unit)} · ${r.contractor_name}</h1>
        <span data-testid="renovation-status"><${Status} col="renovations" code=${r.status} /></span></div>
      <p class="small muted">${r.serial}${r.permit_no ? html` · ${t('reno.permitNo')} <strong data-testid="permit-no">${r.permit_no}</strong>` : ''} · ${t('reno.liveDetail')}</p>
      <dl class="kv">
        <dt>${t('reno.applicant')}</dt><dd>${r.expand?.applicant?.name || '—'}${r.expand?.applicant?.phone ? html` · <a href=${'tel:' + r.expand.applicant.phone}>${r.expand.applicant.phone}</a>` : ''}
          ${r.tenant && html` <span class="chip s-warn">${t('reno.tenantApplied')}</span>`}</dd>
        <dt>${t('reno.submittedAt')}</dt><dd>${dateTime(r.submitted_at)}</dd>
        ${r.status === 'submitted' && html`<dt>${t('reno.engineeringDue')}</dt><dd>${dateTime(r.engineering_due)}${isOverdue(r) ? html` <span class="chip s-bad">${t('reno.overdue')}</span>` : ''}</dd>`}
        ${r.status === 'engineering_passed' && html`<dt>${t('reno.approvalDue')}</dt><dd>${dateTime(r.approval_due)}${isOverdue(r) ? html` <span class="chip s-bad">${t('reno.overdue')}</span>` : ''}</dd>`}
        ${r.permitted_at && html`<dt>${t('reno.permittedAt')}</dt><dd>${dateTime(r.permitted_at)}</dd>`}
      </dl>
    </div>
    <${Comments} r=${r} />
    <${StepPanel} key=${'steps-' + r.status} col="renovations" rec=${r} role=${role} exclude=${['permitted:approved']} onSaved=${onSaved} testid="renovation-steps" />
    ${r.status === 'approved' && html`<${PermitChecklist} r=${r} role=${role} rel=${rel} onSaved=${onSaved} again=${again} />`}
    <div class=${site ? 'grid2' : ''}>
      ${site && html`<div>
        <${SiteCard} r=${r} role=${role} rel=${rel} again=${again} />
        <${ViolationsCard} r=${r} role=${role} rel=${rel} again=${again} onSaved=${reloadAll} />
        <${HotWorkCard} r=${r} role=${role} rel=${rel} again=${again} />
      </div>`}
      <div>
        <${Application} r=${r} />
        ${r.status !== 'approved' && html`<${PassesCard} r=${r} role=${role} rel=${rel} again=${again} />`}
        ${seesMoney(role) && html`<${DepositCard} r=${r} rel=${rel} />`}
      </div>
    </div>
    <section class="card" aria-labelledby="h-reno-history"><h2 id="h-reno-history">${t('reno.timeline')}</h2><${History} id=${r.id} version=${r.updated + ':' + bump} /></section>`;
}

function Comments({ r }) {
  const notes = [
    r.reject_reason && ['bad', 'reject_reason'],
    r.suspend_reason && [r.status === 'suspended' ? 'bad' : '', 'suspend_reason'],
    r.acceptance_changes && [r.status === 'acceptance_failed' ? 'bad' : '', 'acceptance_changes'],
    r.director_comment && [r.status === 'submitted' ? 'warn' : '', 'director_comment'],
    r.engineering_comment && ['', 'engineering_comment'],
  ].filter(Boolean);
  if (!notes.length) return null;
  return html`<section class="card" aria-labelledby="h-reno-comments" data-testid="renovation-comments">
    <h2 id="h-reno-comments">${t('reno.comments')}</h2>
    ${notes.map(([cls, f]) => html`<div class=${'note ' + cls} key=${f}><strong>${fLabel(f)}</strong><p class="pre">${r[f]}</p></div>`)}
  </section>`;
}

/**
 * StepPanel shows the steps of col the server lets role take from rec's
 * status, with one input for each field a step requires or takes along;
 * exclude lists "to:from" pairs shown elsewhere (the permit, in the checklist).
 */
function StepPanel({ col, rec, role, exclude = [], onSaved, testid, compact }) {
  const steps = stepsFrom(col, rec.status, [role]).filter((s) => !exclude.includes(`${s.to}:${s.from}`));
  const [vals, setVals] = useState({});
  const [local, setLocal] = useState({});
  const act = useAction();
  if (!steps.length) return null;
  const fields = [];
  for (const s of steps) for (const f of [...s.requires, ...s.extras]) if (!fields.includes(f)) fields.push(f);
  const value = (f) => (f in vals ? vals[f] : BOOL_FIELDS.includes(f) ? !!rec[f] : '');
  const take = async (s) => {
    const missing = s.requires.filter((f) => !String(value(f)).trim() || value(f) === false);
    if (missing.length) {
      setLocal(Object.fromEntries(missing.map((f) => [f, t('reno.fillFirst', { field: fLabel(f) })])));
      return;
    }
    setLocal({});
    const name = stepName(col, s);
    if (!(await confirmBox({ title: t('reno.confirmStep', { step: name }), body: stepBody(col, s), ok: name, danger: DANGER.includes(s.to) }))) return;
    const body = { status: s.to };
    for (const f of [...s.requires, ...s.extras]) {
      if (BOOL_FIELDS.includes(f)) body[f] = !!value(f);
      else if (String(value(f)).trim()) body[f] = String(value(f)).trim();
    }
    const saved = await act.run(() => pb.collection(col).update(rec.id, body));
    if (saved) {
      toast(t('reno.stepDone', { status: statusLabel(col, saved.status) }));
      setVals({});
      onSaved(saved);
    }
  };
  const errs = { ...fieldErrors(act.error), ...local };
  const hint = (f) => {
    const need = steps.filter((s) => s.requires.includes(f)).map((s) => stepName(col, s));
    if (need.length) return t('reno.needFor', { step: need.join(t('reno.sep')) });
    return t('reno.optionalFor', { step: steps.filter((s) => s.extras.includes(f)).map((s) => stepName(col, s)).join(t('reno.sep')) });
  };
  const inputs = fields.map((f) => BOOL_FIELDS.includes(f)
    ? html`<label class="row check" key=${f}><input type="checkbox" name=${f} checked=${value(f)} onChange=${(e) => setVals({ ...vals, [f]: e.target.checked })} /> ${fLabel(f)}
        ${errs[f] && html`<small class="field-error" role="alert">${errs[f]}</small>`}</label>`
    : html`<${Field} key=${f} label=${fLabel(f)} hint=${hint(f)} error=${errs[f]} required=${steps.some((s) => s.requires.includes(f))}>
        <textarea name=${f} maxlength="2000" rows="2" value=${value(f)} onInput=${(e) => setVals({ ...vals, [f]: e.target.value })}></textarea><//>`);
  const body = html`
    ${inputs.length > 0 && html`<div class="stack">${inputs}</div>`}
    <div class="actions">${steps.map((s) => html`<button type="button" key=${s.to} class=${DANGER.includes(s.to) ? 'danger' : 'primary'} disabled=${act.busy}
      onClick=${() => take(s)}>${stepName(col, s)}</button>`)}</div>
    <${ErrorBox} error=${act.error} />`;
  if (compact) return html`<div class="step-panel" data-testid=${testid}>${body}</div>`;
  return html`<section class="card step-panel" aria-labelledby=${'h-' + testid} data-testid=${testid}>
    <h2 id=${'h-' + testid}>${t('reno.actions')}</h2>${body}</section>`;
}

// --- before the permit ---------------------------------------------------------

function PermitChecklist({ r, role, rel, onSaved, again }) {
  const data = rel.data;
  const passes = (data?.passes || []).filter((p) => !p.returned_at);
  const deposit = data?.deposit;
  const depositOk = !!deposit && deposit.status === 'held' && r.deposit_fen > 0 && deposit.balance_fen >= r.deposit_fen;
  const feesOk = !(r.fees_fen > 0 && !r.fees_paid);
  const missing = [];
  if (!r.agreement_signed_at) missing.push(t('reno.need.agreement'));
  if (!feesOk) missing.push(t('reno.need.fees'));
  if (seesMoney(role) && data && !depositOk) missing.push(t('reno.need.deposit'));
  if (data && !passes.length) missing.push(t('reno.need.pass'));
  const act = useAction();
  const update = (body, done) => act.run(async () => {
    const saved = await pb.collection('renovations').update(r.id, body);
    if (done) toast(done);
    onSaved(saved);
    return saved;
  });
  const recordAgreement = async () => {
    if (!(await confirmBox({ title: t('reno.agreementConfirm'), body: t('reno.agreementBody'), ok: t('reno.agreementRecord') }))) return;
    await update({ agreement_signed_at: new Date().toISOString() }, t('reno.agreementRecord'));
  };
  const markPaid = async () => {
    if (!(await confirmBox({ title: t('reno.markPaidConfirm', { amount: yuan(r.fees_fen) }), body: t('reno.markPaidBody'), ok: t('reno.markPaid') }))) return;
    await update({ fees_paid: true }, t('reno.feesPaidDone'));
  };
  const permit = stepsFrom('renovations', 'approved', [role]).find((s) => s.to === 'permitted');
  const issue = async () => {
    const name = stepName('renovations', permit);
    if (!(await confirmBox({ title: t('reno.confirmStep', { step: name }), body: t('reno.body.permitted'), ok: name }))) return;
    const saved = await act.run(() => pb.collection('renovations').update(r.id, { status: 'permitted' }));
    if (saved) { toast(t('reno.permitIssued', { no: saved.permit_no })); onSaved(saved); }
  };
  const desk = DESK.includes(role);
  return html`<section class="card checklist" aria-labelledby="h-reno-ready" data-testid="permit-checklist">
    <h2 id="h-reno-ready">${t('reno.ready')}</h2>
    <p class="small muted">${t('reno.readyIntro')}</p>
    ${rel.loading && !data ? html`<${Loading} />` : rel.error ? html`<${ErrorBox} error=${rel.error} retry=${again} />` : ''}
    <ol class="check-items">
      <li class=${r.agreement_signed_at ? 'ok' : 'todo'} data-testid="item-agreement">
        <div class="what"><strong>${t('reno.item.agreement')}</strong>
          <span>${r.agreement_signed_at ? t('reno.agreementSigned', { when: dateTime(r.agreement_signed_at) }) : '—'}</span></div>
        ${desk && !r.agreement_signed_at && html`<button type="button" disabled=${act.busy} onClick=${recordAgreement}>${t('reno.agreementRecord')}</button>`}
      </li>
      <li class=${feesOk ? (r.fees_fen > 0 ? 'ok' : 'todo soft') : 'todo'} data-testid="item-fees">
        <div class="what"><strong>${t('reno.item.fees')}</strong>
          <span>${r.fees_fen > 0 ? html`${yuan(r.fees_fen)} · <span class=${'chip ' + (r.fees_paid ? 's-paid' : 's-issued')}>${t(r.fees_paid ? 'reno.paid' : 'reno.unpaid')}</span>` : t('reno.feesNotSet')}</span></div>
        ${(desk || role === 'cashier') && r.fees_fen > 0 && !r.fees_paid && html`<button type="button" disabled=${act.busy} onClick=${markPaid}>${t('reno.markPaid')}</button>`}
        ${desk && html`<${AmountsForm} r=${r} onSaved=${onSaved} />`}
      </li>
      <li class=${depositOk ? 'ok' : 'todo'} data-testid="item-deposit">
        <div class="what"><strong>${t('reno.item.deposit')}</strong>
          <span>${r.deposit_fen > 0 ? t('reno.depositDue', { amount: yuan(r.deposit_fen) }) : t('reno.depositUnset')}
            ${deposit && html` · ${deposit.status === 'held' ? t('reno.depositHeld', { amount: yuan(deposit.amount_fen), balance: yuan(deposit.balance_fen) }) : t('reno.depositSettled')}`}
            ${deposit && r.deposit_fen > 0 && deposit.balance_fen < r.deposit_fen && html` · <span class="chip s-bad">${t('reno.depositShort', { balance: yuan(deposit.balance_fen), amount: yuan(r.deposit_fen) })}</span>`}</span></div>
        ${!r.deposit && html`<${Unlinked} r=${r} role=${role} list=${data?.unlinked || []} onSaved=${onSaved} />`}
        ${!r.deposit && (CASH.includes(role) ? html`<${CollectDeposit} r=${r} role=${role} onSaved=${onSaved} />`
          : html`<p class="small muted">${t('reno.cashierOnly')}</p>`)}
      </li>
      <li class=${passes.length ? 'ok' : 'todo'} data-testid="item-passes">
        <div class="what"><strong>${t('reno.item.passes')}</strong><span>${t('reno.sum.passes', { n: passes.length })}</span></div>
        <${PassList} r=${r} role=${role} rel=${rel} again=${again} />
        ${DESK.includes(role) && html`<${PassForm} r=${r} again=${again} />`}
      </li>
    </ol>
    <div class="permit-box">
      ${missing.length ? html`<p class="note warn" data-testid="permit-missing">${t('reno.missing', { what: missing.join(t('reno.sep')) })}</p>`
        : data && html`<p class="note" data-testid="permit-missing">${t('reno.allReady')}</p>`}
      ${permit && html`<p class="small muted">${t('reno.permitHint')}</p>
        <div class="actions"><button type="button" class="primary" disabled=${act.busy} onClick=${issue}>${stepName('renovations', permit)}</button></div>`}
      <${ErrorBox} error=${act.error} />
    </div>
  </section>`;
}

/** AmountsForm: the desk sets the fees and the deposit due (yuan in, fen stored). */
function AmountsForm({ r, onSaved }) {
  const [fees, setFees] = useState(fenToInput(r.fees_fen));
  const [dep, setDep] = useState(fenToInput(r.deposit_fen));
  const [local, setLocal] = useState({});
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    const body = { fees_fen: parseYuan(fees, 0), deposit_fen: parseYuan(dep, 0) };
    const bad = Object.fromEntries(Object.entries(body).filter(([, v]) => Number.isNaN(v)).map(([k]) => [k, t('reno.badYuan')]));
    setLocal(bad);
    if (Object.keys(bad).length) return;
    const saved = await act.run(() => pb.collection('renovations').update(r.id, body));
    if (saved) { toast(t('reno.amountsSaved')); onSaved(saved); }
  };
  const errs = { ...fieldErrors(act.error), ...local };
  return html`<form class="inline-form" onSubmit=${submit} data-testid="amounts-form">
    <${Field} label=${t('reno.feesFen')} error=${errs.fees_fen}><input type="text" inputmode="decimal" name="fees_yuan" value=${fees} onInput=${(e) => setFees(e.target.value)} /><//>
    <${Field} label=${t('reno.depositFen')} error=${errs.deposit_fen}><input type="text" inputmode="decimal" name="deposit_yuan" value=${dep} onInput=${(e) => setDep(e.target.value)} /><//>
    <button disabled=${act.busy}>${t('reno.saveAmounts')}</button>
    <${ErrorBox} error=${act.error} />
  </form>`;
}

/** CollectDeposit: the cashier (or a supervisor or the director) takes the deposit into the ledger and links it. */
function CollectDeposit({ r, role, onSaved }) {
  const [amount, setAmount] = useState(fenToInput(r.deposit_fen));
  const [holder, setHolder] = useState(r.expand?.applicant?.name || '');
  const [local, setLocal] = useState({});
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    const fen = parseYuan(amount, 0);
    if (Number.isNaN(fen) || fen <= 0) { setLocal({ amount_fen: t('reno.badYuan') }); return; }
    setLocal({});
    if (!(await confirmBox({ title: t('reno.collectConfirm', { amount: yuan(fen) }), body: t('reno.collectBody'), ok: t('reno.collect') }))) return;
    const saved = await act.run(async () => {
      const d = await pb.collection('deposits').create({
        community: r.community, unit: r.unit, kind: 'renovation', holder_name: holder.trim(), source: r.serial, amount_fen: fen,
      });
      const body = { deposit: d.id };
      // The desk's roles also set the amount due when nobody has yet.
      if (DESK.includes(role) && !r.deposit_fen) body.deposit_fen = fen;
      return pb.collection('renovations').update(r.id, body);
    });
    if (saved) { toast(t('reno.collected', { amount: yuan(fen) })); onSaved(saved); }
  };
  const errs = { ...fieldErrors(act.error), ...local };
  return html`<form class="inline-form" onSubmit=${submit} data-testid="collect-deposit">
    ${!r.deposit_fen && role === 'cashier' && html`<p class="small muted">${t('reno.collectUnsetHint')}</p>`}
    <${Field} label=${t('reno.collectAmount')} required error=${errs.amount_fen}><input type="text" inputmode="decimal" name="deposit_amount" value=${amount} onInput=${(e) => setAmount(e.target.value)} /><//>
    <${Field} label=${t('reno.holder')} required error=${errs.holder_name}><input type="text" name="holder_name" maxlength="50" value=${holder} onInput=${(e) => setHolder(e.target.value)} /><//>
    <button class="primary" disabled=${act.busy}>${t('reno.collect')}</button>
    <${ErrorBox} error=${act.error} />
  </form>`;
}

function Unlinked({ r, role, list, onSaved }) {
  const act = useAction();
  if (!list.length || !(DESK.includes(role) || role === 'cashier')) return null;
  const link = async (d) => {
    if (!(await confirmBox({ title: t('reno.linkConfirm', { amount: yuan(d.amount_fen), holder: d.holder_name }), ok: t('reno.link') }))) return;
    const body = { deposit: d.id };
    if (DESK.includes(role) && !r.deposit_fen) body.deposit_fen = d.amount_fen;
    const saved = await act.run(() => pb.collection('renovations').update(r.id, body));
    if (saved) { toast(t('reno.linked')); onSaved(saved); }
  };
  return html`<div class="note">${t('reno.unlinked')}
    ${list.map((d) => html`<div class="row between" key=${d.id}><span>${yuan(d.amount_fen)} · ${d.holder_name} · ${dateTime(d.created)}</span>
      <button type="button" disabled=${act.busy} onClick=${() => link(d)}>${t('reno.link')}</button></div>`)}
    <${ErrorBox} error=${act.error} /></div>`;
}

// --- worker passes -------------------------------------------------------------------

function PassesCard({ r, role, rel, again }) {
  const passes = rel.data?.passes || [];
  const canIssue = DESK.includes(role) && ['approved', 'permitted'].includes(r.status);
  if (!passes.length && !canIssue) return null;
  return html`<section class="card" aria-labelledby="h-reno-passes">
    <h2 id="h-reno-passes">${t('reno.passes')}</h2>
    <${PassList} r=${r} role=${role} rel=${rel} again=${again} />
    ${canIssue && html`<${PassForm} r=${r} again=${again} />`}
  </section>`;
}

function PassList({ role, rel, again }) {
  const act = useAction();
  const passes = rel.data?.passes || [];
  if (rel.loading && !rel.data) return html`<${Loading} />`;
  if (!passes.length) return html`<p class="small muted">${t('reno.passesNone')}</p>`;
  const takeBack = async (p) => {
    if (!(await confirmBox({ title: t('reno.passReturnConfirm', { serial: p.serial }), body: t('reno.passReturnBody'), ok: t('reno.passReturn') }))) return;
    const saved = await act.run(() => pb.collection('renovation_passes').update(p.id, { returned_at: new Date().toISOString() }));
    if (saved) { toast(t('reno.passReturnedDone')); again(); }
  };
  return html`<ul class="list" data-testid="pass-list">${passes.map((p) => html`<li key=${p.id}><div class="item">
    <div class="main"><div class="t">${p.worker_name}${p.trade && html` · ${p.trade}`}</div>
      <div class="sub">${p.serial} · <span data-testid="pass-id">${p.id_no}</span> · ${t('reno.passValid', { d: date(p.valid_until) })}${p.deposit_fen > 0 ? ' · ' + t('reno.passWithDeposit', { amount: yuan(p.deposit_fen) }) : ''}</div></div>
    <span class=${'chip ' + (p.returned_at ? 's-muted' : 's-approved')}>${t(p.returned_at ? 'reno.passReturned' : 'reno.passOut')}</span>
    ${!p.returned_at && DESK.includes(role) && html`<button type="button" class="ghost" disabled=${act.busy} onClick=${() => takeBack(p)}>${t('reno.passReturn')}</button>`}
  </div></li>`)}</ul><${ErrorBox} error=${act.error} />`;
}

function PassForm({ r, again }) {
  const blank = { worker_name: '', id_no: '', trade: '', deposit: '' };
  const [form, setForm] = useState(blank);
  const [open, setOpen] = useState(false);
  const [local, setLocal] = useState({});
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  if (!open) return html`<div class="actions"><button type="button" onClick=${() => setOpen(true)}>${t('reno.passIssue')}</button></div>`;
  const submit = async (e) => {
    e.preventDefault();
    const fen = parseYuan(form.deposit, 0);
    if (Number.isNaN(fen)) { setLocal({ deposit_fen: t('reno.badYuan') }); return; }
    setLocal({});
    if (!(await confirmBox({ title: t('reno.passConfirm', { name: form.worker_name.trim() || '—' }), body: t('reno.passBody', { d: date(r.planned_end) }), ok: t('reno.passIssue') }))) return;
    const saved = await act.run(() => pb.collection('renovation_passes').create({
      renovation: r.id, worker_name: form.worker_name.trim(), id_no: form.id_no.trim().toUpperCase(), trade: form.trade.trim(), deposit_fen: fen,
    }));
    if (saved) { toast(t('reno.passIssued', { serial: saved.serial })); setForm(blank); setOpen(false); again(); }
  };
  const errs = { ...fieldErrors(act.error), ...local };
  return html`<form class="stack sub-form" onSubmit=${submit} data-testid="pass-form" novalidate>
    <h3>${t('reno.passIssue')}</h3>
    <div class="grid2 pair">
      <${Field} label=${t('reno.worker')} required error=${errs.worker_name}><input type="text" name="worker_name" maxlength="50" value=${form.worker_name} onInput=${set('worker_name')} /><//>
      <${Field} label=${t('reno.idNo')} required hint=${t('reno.idNoHint')} error=${errs.id_no}><input type="text" name="id_no" maxlength="18" autocomplete="off" value=${form.id_no} onInput=${set('id_no')} /><//>
      <${Field} label=${t('reno.trade')} hint=${t('reno.tradeHint')} error=${errs.trade}><input type="text" name="trade" maxlength="30" value=${form.trade} onInput=${set('trade')} /><//>
      <${Field} label=${t('reno.passDeposit')} error=${errs.deposit_fen}><input type="text" inputmode="decimal" name="pass_deposit" value=${form.deposit} onInput=${set('deposit')} /><//>
    </div>
    ${errs.renovation && html`<p class="field-error" role="alert">${errs.renovation}</p>`}
    <${ErrorBox} error=${act.error} />
    <div class="actions"><button type="button" class="ghost" onClick=${() => setOpen(false)}>${t('cancel')}</button>
      <button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('reno.passIssue')}</button></div>
  </form>`;
}

// --- the application -------------------------------------------------------------------

function Application({ r }) {
  const unit = r.expand?.unit;
  return html`<section class="card" aria-labelledby="h-reno-app" data-testid="renovation-application">
    <h2 id="h-reno-app">${t('reno.application')}</h2>
    <dl class="kv">
      <dt>${t('reno.unit')}</dt><dd>${unitName(unit)}${unit?.area_m2 ? html` · ${t('reno.area')} ${t('reno.areaM2', { n: unit.area_m2 })}` : ''}</dd>
      <dt>${t('reno.contractor')}</dt><dd>${r.contractor_name}${r.contractor_licence && html`<br /><span class="small muted">${t('reno.licence')} ${r.contractor_licence}</span>`}</dd>
      <dt>${t('reno.contractorPhone')}</dt><dd><a href=${'tel:' + r.contractor_phone}>${r.contractor_phone}</a></dd>
      ${r.site_lead && html`<dt>${t('reno.siteLead')}</dt><dd>${r.site_lead}</dd>`}
      <dt>${t('reno.scope')}</dt><dd><span class="tags">${(r.scope || []).map((s) => html`<span class=${'chip ' + (['walls', 'facade', 'waterproofing'].includes(s) ? 's-warn' : 's-muted')} key=${s}>${label('scope', s)}</span>`)}</span></dd>
      <dt>${t('reno.planned')}</dt><dd>${date(r.planned_start)} – ${date(r.planned_end)}</dd>
      ${r.description && html`<dt>${t('reno.description')}</dt><dd class="pre">${r.description}</dd>`}
      ${r.expand?.engineer && html`<dt>${t('reno.engineer')}</dt><dd>${r.expand.engineer.name}</dd>`}
      ${r.expand?.approver && html`<dt>${t('reno.approver')}</dt><dd>${r.expand.approver.name}</dd>`}
    </dl>
    <h3>${t('reno.drawings')}</h3>
    ${(r.drawings || []).length ? html`<${Attachments} record=${r} field="drawings" />` : html`<p class="small muted">${t('reno.noDrawings')}</p>`}
    ${r.tenant && html`<h3>${t('reno.consent')}</h3>
      ${r.owner_consent ? html`<${Attachments} record=${r} field="owner_consent" />` : html`<p class="note bad">${t('reno.consentMissing')}</p>`}`}
  </section>`;
}

// --- the site: inspections ------------------------------------------------------------------

function SiteCard({ r, role, rel, again }) {
  const [open, setOpen] = useState(false);
  const list = rel.data?.inspections || [];
  const canInspect = SITE.includes(role) && ON_SITE.includes(r.status);
  if (!canInspect && !list.length && !ON_SITE.includes(r.status)) return null;
  const need = extinguishersRequired(r.expand?.unit?.area_m2);
  return html`<section class="card" aria-labelledby="h-reno-site" data-testid="renovation-inspections">
    <h2 id="h-reno-site">${t('reno.site')}
      ${canInspect && !open && html`<span class="aside"><button type="button" class="primary" onClick=${() => setOpen(true)}>${t('reno.newInspection')}</button></span>`}</h2>
    ${open && html`<${InspectionForm} r=${r} need=${need} onDone=${() => { setOpen(false); again(); }} onCancel=${() => setOpen(false)} />`}
    ${rel.loading && !rel.data ? html`<${Loading} />` : rel.error ? html`<${ErrorBox} error=${rel.error} retry=${again} />`
      : !list.length ? html`<${Empty} text=${t('reno.inspectionsNone')} />` : html`<ul class="list inspections">${list.map((x) => {
        const failed = CHECKS.filter((c) => !x[c]).map((c) => t('reno.check.' + c));
        const short = x.extinguishers < x.extinguishers_required;
        return html`<li key=${x.id}><div class="item top">
          <div class="main"><div class="t">${date(x.inspected_on)} · ${x.expand?.inspector?.name || ''}</div>
            <div class="sub"><span class=${short ? 'bad-text' : ''}>${t('reno.extinguishersCount', { have: x.extinguishers, need: x.extinguishers_required })}</span>
              ${failed.length > 0 && html` · <span class="bad-text">${t('reno.failed', { list: failed.join(t('reno.sep')) })}</span>`}</div>
            ${x.note && html`<div class="sub pre">${x.note}</div>`}
            <${Attachments} record=${x} field="photos" /></div>
          <span class=${'chip ' + (x.result === 'ok' ? 's-paid' : 's-bad')}>${t('reno.result.' + (x.result || 'issues'))}</span>
        </div></li>`;
      })}</ul>`}
  </section>`;
}

function InspectionForm({ r, need, onDone, onCancel }) {
  const [checks, setChecks] = useState(Object.fromEntries(CHECKS.map((c) => [c, false])));
  const [count, setCount] = useState('');
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState([]);
  const act = useAction();
  const n = count === '' ? null : Number(count);
  const short = n !== null && n < need;
  const result = n !== null && !short && CHECKS.every((c) => checks[c]) ? 'ok' : 'issues';
  const submit = async (e) => {
    e.preventDefault();
    if (!(await confirmBox({ title: t('reno.inspectionConfirm'), body: t('reno.inspectionBody'), ok: t('save') }))) return;
    const fields = { renovation: r.id, extinguishers: count, note: note.trim() };
    for (const c of CHECKS) fields[c] = checks[c] ? 'true' : 'false';
    const saved = await act.run(() => pb.collection('renovation_inspections').create(formData(fields, { photos })));
    if (saved) { toast(t('reno.inspectionSaved')); onDone(saved); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="stack sub-form" onSubmit=${submit} data-testid="inspection-form" novalidate>
    <h3>${t('reno.inspectionTitle', { d: today() })}</h3>
    <fieldset><legend>${t('reno.checksLegend')}</legend>
      <div class="checks">${CHECKS.map((c) => html`<label key=${c}><input type="checkbox" name=${c} checked=${checks[c]}
        onChange=${(e) => setChecks({ ...checks, [c]: e.target.checked })} /> ${t('reno.check.' + c)}</label>`)}</div>
    </fieldset>
    <${Field} label=${t('reno.extinguishers')} required error=${errs.extinguishers || (short ? t('reno.extinguishersShort', { n: need }) : '')}
      hint=${t('reno.extinguishersRule', { area: r.expand?.unit?.area_m2 ?? '—', n: need })}>
      <input type="number" name="extinguishers" min="0" step="1" inputmode="numeric" value=${count} onInput=${(e) => setCount(e.target.value)} /><//>
    ${short && html`<small class="hint">${t('reno.extinguishersRule', { area: r.expand?.unit?.area_m2 ?? '—', n: need })}</small>`}
    <${Field} label=${t('reno.inspectionNote')} error=${errs.note}><textarea name="note" maxlength="2000" rows="2" value=${note} onInput=${(e) => setNote(e.target.value)}></textarea><//>
    <${Field} label=${t('reno.inspectionPhotos')} error=${errs.photos}><${FilePicker} files=${photos} onChange=${setPhotos} max=${10} accept="image/*" types=${/^image\/(jpeg|png|webp)$/} /><//>
    <p>${t('reno.resultPreview')}${t('reno.colon')}<span class=${'chip ' + (result === 'ok' ? 's-paid' : 's-bad')} data-testid="inspection-result">${t('reno.result.' + result)}</span></p>
    ${errs.renovation && html`<p class="field-error" role="alert">${errs.renovation}</p>`}
    <${ErrorBox} error=${act.error} />
    <div class="actions"><button type="button" class="ghost" onClick=${onCancel}>${t('cancel')}</button>
      <button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('save')}</button></div>
  </form>`;
}

// --- the site: violations --------------------------------------------------------------------

function ViolationsCard({ r, role, rel, again, onSaved }) {
  const [open, setOpen] = useState(false);
  const list = rel.data?.violations || [];
  const canRecord = SITE.includes(role) && ON_SITE.includes(r.status);
  if (!canRecord && !list.length) return null;
  return html`<section class="card" aria-labelledby="h-reno-violations" data-testid="renovation-violations">
    <h2 id="h-reno-violations">${t('reno.violations')}
      ${canRecord && !open && html`<span class="aside"><button type="button" class="danger" onClick=${() => setOpen(true)}>${t('reno.newViolation')}</button></span>`}</h2>
    ${open && html`<${ViolationForm} r=${r} role=${role} onDone=${() => { setOpen(false); onSaved(); }} onCancel=${() => setOpen(false)} />`}
    ${rel.loading && !rel.data ? html`<${Loading} />` : rel.error ? html`<${ErrorBox} error=${rel.error} retry=${again} />`
      : !list.length ? html`<${Empty} text=${t('reno.violationsNone')} />`
      : html`<ul class="violations">${list.map((v) => html`<${ViolationItem} key=${v.id} v=${v} canRecheck=${SITE.includes(role)} again=${again} />`)}</ul>`}
  </section>`;
}

function ViolationItem({ v, canRecheck, again }) {
  const [note, setNote] = useState('');
  const act = useAction();
  const recheck = async (status) => {
    const name = t('reno.vstatus.' + status);
    if (!(await confirmBox({ title: t('reno.recheckConfirm', { status: name }), ok: name, danger: status === 'escalated' }))) return;
    const saved = await act.run(() => pb.collection('renovation_violations').update(v.id, { status, recheck_note: note.trim() }));
    if (saved) { toast(t('reno.recheckSaved')); again(); }
  };
  return html`<li class=${v.severity} data-testid="violation">
    <div class="row between"><strong>${label('violation_kind', v.kind)} · ${t('reno.severity.' + v.severity)}</strong>
      <span class=${'chip ' + (v.status === 'open' ? 's-warn' : v.status === 'rectified' ? 's-paid' : 's-bad')}>${t('reno.vstatus.' + v.status)}</span></div>
    <p class="pre">${v.description}</p>
    <dl class="kv small">
      ${(v.measures || []).length > 0 && html`<dt>${t('reno.measures')}</dt><dd>${v.measures.map((m) => label('measure', m)).join(t('reno.sep'))}</dd>`}
      ${v.rectify_by && html`<dt>${t('reno.rectifyBy')}</dt><dd>${date(v.rectify_by)}</dd>`}
      ${v.deduct_fen > 0 && html`<dt>${t('reno.deduct')}</dt><dd class="money">${yuan(v.deduct_fen)}</dd>`}
      <dt>${t('reno.found')}</dt><dd>${date(v.created)}${v.expand?.found_by ? ' · ' + v.expand.found_by.name : ''}</dd>
      ${v.recheck_note && html`<dt>${t('reno.recheck')}</dt><dd class="pre">${v.recheck_note}</dd>`}
    </dl>
    <p><a href=${'#/print/rectification/' + v.id} target="_blank" rel="noopener" data-testid="notice-link">${t('reno.noticePrint')}</a></p>
    ${canRecheck && v.status === 'open' && html`<div class="recheck">
      <${Field} label=${t('reno.recheck')}><input type="text" maxlength="1000" value=${note} onInput=${(e) => setNote(e.target.value)} /><//>
      <div class="actions"><button type="button" disabled=${act.busy} onClick=${() => recheck('rectified')}>${t('reno.recheckOk')}</button>
        <button type="button" class="danger" disabled=${act.busy} onClick=${() => recheck('escalated')}>${t('reno.recheckBad')}</button></div>
      <${ErrorBox} error=${act.error} /></div>`}
  </li>`;
}

function ViolationForm({ r, role, onDone, onCancel }) {
  const [form, setForm] = useState({ severity: '', kind: '', description: '', rectify_by: '', deduct: '' });
  const [measures, setMeasures] = useState([]);
  const [local, setLocal] = useState({});
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const toggle = (m) => (e) => setMeasures(e.target.checked ? [...measures, m] : measures.filter((x) => x !== m));
  const deducting = measures.includes('deduct');
  const submit = async (e) => {
    e.preventDefault();
    const fen = deducting ? parseYuan(form.deduct, 0) : 0;
    if (Number.isNaN(fen)) { setLocal({ deduct_fen: t('reno.badYuan') }); return; }
    setLocal({});
    const body = [
      form.severity === 'major' && t('reno.violationBodyMajor'),
      measures.includes('stop_work') && r.status === 'permitted' && t('reno.violationBodyStop'),
      deducting && fen > 0 && t('reno.violationBodyDeduct', { amount: yuan(fen) }),
      t('reno.violationBodyFinal'),
    ].filter(Boolean).join(' ');
    const sev = form.severity ? t('reno.severity.' + form.severity) : '';
    if (!(await confirmBox({ title: t('reno.violationConfirm', { severity: sev }), body, ok: t('reno.newViolation'), danger: true }))) return;
    const saved = await act.run(() => pb.collection('renovation_violations').create({
      renovation: r.id, severity: form.severity, kind: form.kind, description: form.description.trim(), measures,
      rectify_by: form.rectify_by, deduct_fen: fen,
    }));
    if (saved) { toast(t('reno.violationSaved')); onDone(saved); }
  };
  const errs = { ...fieldErrors(act.error), ...local };
  return html`<form class="stack sub-form" onSubmit=${submit} data-testid="violation-form" novalidate>
    <h3>${t('reno.newViolation')}</h3>
    <fieldset><legend>${t('reno.severity')} <b class="req">*</b></legend>
      <div class="choices" role="radiogroup">${['minor', 'major'].map((s) => html`<label key=${s}><input type="radio" name="severity" value=${s}
        checked=${form.severity === s} onChange=${set('severity')} />${t('reno.severity.' + s)}<small class="muted">（${t('reno.severityHint.' + s)}）</small></label>`)}</div>
      ${errs.severity && html`<small class="field-error" role="alert">${errs.severity}</small>`}
    </fieldset>
    <${Field} label=${t('reno.kind')} required error=${errs.kind}>
      <select name="kind" value=${form.kind} onChange=${set('kind')}><option value="">${t('reno.pick')}</option>
        ${choices('violation_kind').map((c) => html`<option key=${c.code} value=${c.code}>${c.text}</option>`)}</select><//>
    <${Field} label=${t('reno.vDescription')} required error=${errs.description}>
      <textarea name="description" maxlength="2000" rows="2" value=${form.description} onInput=${set('description')}></textarea><//>
    <fieldset><legend>${t('reno.measures')}</legend>
      <div class="choices">${choices('measure').map((c) => html`<label key=${c.code}><input type="checkbox" name="measures" value=${c.code}
        checked=${measures.includes(c.code)} onChange=${toggle(c.code)} />${c.text}</label>`)}</div>
      ${errs.measures && html`<small class="field-error" role="alert">${errs.measures}</small>`}
    </fieldset>
    <div class="grid2 pair">
      <${Field} label=${t('reno.rectifyBy')} error=${errs.rectify_by}><input type="date" name="rectify_by" min=${today()} value=${form.rectify_by} onInput=${set('rectify_by')} /><//>
      ${deducting && html`<${Field} label=${t('reno.deduct')} required error=${errs.deduct_fen}><input type="text" inputmode="decimal" name="deduct_yuan" value=${form.deduct} onInput=${set('deduct')} /><//>`}
    </div>
    ${errs.renovation && html`<p class="field-error" role="alert">${errs.renovation}</p>`}
    <${ErrorBox} error=${act.error} />
    <div class="actions"><button type="button" class="ghost" onClick=${onCancel}>${t('cancel')}</button>
      <button class="danger" disabled=${act.busy}>${act.busy ? t('submitting') : t('reno.newViolation')}</button></div>
  </form>`;
}

// --- hot work ------------------------------------------------------------------------------------

function HotWorkCard({ r, role, rel, again }) {
  const [open, setOpen] = useState(false);
  const list = rel.data?.hotWork || [];
  const canFile = HOT_WORK_FILERS.includes(role) && r.status === 'permitted';
  if (role === 'cashier' || (!canFile && !list.length)) return null;
  return html`<section class="card" aria-labelledby="h-reno-hw" data-testid="renovation-hot-work">
    <h2 id="h-reno-hw">${t('reno.hotWork')}
      ${canFile && !open && html`<span class="aside"><button type="button" onClick=${() => setOpen(true)}>${t('reno.hwNew')}</button></span>`}</h2>
    <p class="small muted">${t('reno.hotWorkFlow')}</p>
    ${open && html`<${HotWorkForm} r=${r} onDone=${() => { setOpen(false); again(); }} onCancel=${() => setOpen(false)} />`}
    ${!list.length ? html`<${Empty} text=${t('reno.hotWorkNone')} />` : html`<ul class="list">${list.map((h) => {
      const signed = ['security_by', 'center_by', 'approved_by'].map((f) => h.expand?.[f]?.name).filter(Boolean);
      return html`<li key=${h.id}><div class="hw">
        <div class="row between"><strong>${h.place}</strong><${Status} col="hot_work_permits" code=${h.status} /></div>
        <div class="sub small">${h.serial ? h.serial + ' · ' : ''}${h.operator_name} · ${h.operator_cert}</div>
        <div class="sub small">${t('reno.hwWindow', { from: dateTime(h.window_start), to: dateTime(h.window_end) })}</div>
        ${signed.length > 0 && html`<div class="sub small">${t('reno.hwSigned', { names: signed.join(t('reno.sep')) })}</div>`}
        ${h.reject_reason && html`<p class="note bad">${t('reno.hwReason')}${t('reno.colon')}${h.reject_reason}</p>`}
        <${StepPanel} key=${h.id + h.status} col="hot_work_permits" rec=${h} role=${role} onSaved=${again} testid=${'hw-steps-' + h.id} compact />
      </div></li>`;
    })}</ul>`}
  </section>`;
}

function HotWorkForm({ r, onDone, onCancel }) {
  const [form, setForm] = useState({ operator_name: '', operator_cert: '', place: '', window_start: '', window_end: '' });
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const iso = (v) => (v ? new Date(v).toISOString() : '');
  const submit = async (e) => {
    e.preventDefault();
    if (!(await confirmBox({ title: t('reno.hwConfirm'), body: t('reno.hwBody'), ok: t('submit') }))) return;
    const saved = await act.run(() => pb.collection('hot_work_permits').create({
      renovation: r.id, operator_name: form.operator_name.trim(), operator_cert: form.operator_cert.trim(), place: form.place.trim(),
      window_start: iso(form.window_start), window_end: iso(form.window_end),
    }));
    if (saved) { toast(t('reno.hwSaved')); onDone(saved); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="stack sub-form" onSubmit=${submit} data-testid="hot-work-form" novalidate>
    <div class="grid2 pair">
      <${Field} label=${t('reno.hwOperator')} required error=${errs.operator_name}><input type="text" name="operator_name" maxlength="50" value=${form.operator_name} onInput=${set('operator_name')} /><//>
      <${Field} label=${t('reno.hwCert')} required error=${errs.operator_cert}><input type="text" name="operator_cert" maxlength="50" value=${form.operator_cert} onInput=${set('operator_cert')} /><//>
    </div>
    <${Field} label=${t('reno.hwPlace')} required error=${errs.place}><input type="text" name="place" maxlength="200" value=${form.place} onInput=${set('place')} /><//>
    <div class="grid2 pair">
      <${Field} label=${t('reno.hwStart')} required error=${errs.window_start}><input type="datetime-local" name="window_start" value=${form.window_start} onInput=${set('window_start')} /><//>
      <${Field} label=${t('reno.hwEnd')} required error=${errs.window_end}><input type="datetime-local" name="window_end" value=${form.window_end} onInput=${set('window_end')} /><//>
    </div>
    ${errs.renovation && html`<p class="field-error" role="alert">${errs.renovation}</p>`}
    <${ErrorBox} error=${act.error} />
    <div class="actions"><button type="button" class="ghost" onClick=${onCancel}>${t('cancel')}</button>
      <button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('submit')}</button></div>
  </form>`;
}

// --- the deposit ----------------------------------------------------------------------------------

function DepositCard({ r, rel }) {
  const d = rel.data?.deposit;
  const movements = rel.data?.movements || [];
  if (['submitted', 'engineering_passed', 'rejected'].includes(r.status)) return null;
  return html`<section class="card" aria-labelledby="h-reno-deposit" data-testid="renovation-deposit">
    <h2 id="h-reno-deposit">${t('reno.deposit')}</h2>
    ${rel.loading && !rel.data ? html`<${Loading} />` : rel.error ? html`<${ErrorBox} error=${rel.error} retry=${rel.reload} />`
      : !d ? html`<p class="muted">${t('reno.depositNone')}</p>` : html`
      <dl class="kv">
        <dt>${t('reno.depositAmount')}</dt><dd class="money">${yuan(d.amount_fen)} · ${d.holder_name} · ${date(d.created)}</dd>
        <dt>${t('reno.depositBalance')}</dt><dd class="money"><strong data-testid="deposit-balance">${yuan(d.balance_fen)}</strong>
          <span class=${'chip ' + (d.status === 'held' ? 's-approved' : 's-muted')}>${t('reno.depositStatus.' + d.status)}</span></dd>
      </dl>
      ${movements.length > 0 && html`<h3>${t('reno.movements')}</h3>
        <ul class="list">${movements.map((m) => html`<li key=${m.id}><div class="item"><div class="main">
          <div class="t">${t('reno.mv.' + m.kind)} ${yuan(m.amount_fen)}</div><div class="sub">${dateTime(m.created)}${m.expand?.by ? ' · ' + m.expand.by.name : ''} · ${m.reason}</div></div></div></li>`)}</ul>`}`}
    <dl class="kv">
      <dt>${t('reno.refundDue')}</dt><dd data-testid="refund-due">${r.deposit_refund_due ? html`<strong>${date(r.deposit_refund_due)}</strong>` : html`<span class="muted">${t('reno.refundRule')}</span>`}</dd>
      ${r.refunded_fen > 0 && html`<dt>${t('reno.refunded')}</dt><dd class="money">${yuan(r.refunded_fen)}</dd>`}
    </dl>
  </section>`;
}

// --- history ---------------------------------------------------------------------------------------

function eventText(e) {
  if (e.action === 'status') return statusLabel('renovations', e.to);
  if (e.action.startsWith('hot_work_') && e.action !== 'hot_work_requested') return t('reno.ev.hot_work', { status: statusLabel('hot_work_permits', e.to || e.action.slice(9)) });
  const k = 'reno.ev.' + e.action;
  const s = t(k);
  return s === k ? e.action : s;
}

function eventNote(e) {
  if (e.action === 'update') return e.note.replace(/^\[|\]$/g, '').split(/\s+/).filter(Boolean).map(fLabelAny).join(t('reno.sep'));
  if (e.action === 'inspection') return t('reno.result.' + e.note) === 'reno.result.' + e.note ? e.note : t('reno.result.' + e.note);
  if (e.action === 'violation') return e.note.replace(/^(minor|major) /, (_, s) => t('reno.severity.' + s) + t('reno.colon'));
  return e.note;
}
const fLabelAny = (f) => { const k = 'reno.ev.f.' + f; const s = t(k); return s === k ? fLabel(f) : s; };

function History({ id, version }) {
  const ev = useAsync(() => pb.collection('events').getFullList({
    filter: pb.filter('subject_collection = "renovations" && subject_id = {:id}', { id }), sort: 'created', expand: 'actor_staff,actor_resident',
  }), [id, version]);
  if (ev.loading && !ev.data) return html`<${Loading} />`;
  if (ev.error) return html`<${ErrorBox} error=${ev.error} retry=${ev.reload} />`;
  if (!ev.data.length) return html`<${Empty} />`;
  return html`<ol class="timeline">${ev.data.map((e) => html`<li key=${e.id}>
    <div>${eventText(e)}${e.note && html` <span class="small muted">${eventNote(e)}</span>`}</div>
    <div class="when">${dateTime(e.created)}${(e.expand?.actor_staff || e.expand?.actor_resident) && ' · ' + (e.expand.actor_staff || e.expand.actor_resident).name}</div>
  </li>`)}</ol>`;
}
