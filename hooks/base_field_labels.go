package hooks

// documentFieldLabels name the fields of the business documents (work
// orders, renovations, fees, vacancy) in error messages and on the pages'
// forms (GET /api/wuye/flows). They join fieldLabels at start-up.
var documentFieldLabels = map[string]text{
	// work orders
	"technician": {"维修人员", "Technician"}, "requester": {"报修住户", "Requester"}, "photos": {"照片", "Photos"},
	"damage_report": {"损坏情况", "Damage report"}, "materials_fen": {"材料费", "Materials cost"},
	"quote_confirmed_at": {"确认报价时间", "Quote confirmed at"}, "arrival": {"到场情况", "Arrival"},
	"arrived_at": {"到场时间", "Arrived at"}, "accepted_at": {"接单时间", "Accepted at"}, "completed_at": {"完工时间", "Completed at"},
	"signed_off_at": {"签收时间", "Signed off at"}, "revisited_at": {"回访时间", "Revisited at"}, "closed_at": {"关闭时间", "Closed at"},
	"cancelled_at": {"取消时间", "Cancelled at"}, "reply_due": {"回复期限", "Reply due"}, "received_at": {"受理时间", "Received at"},
	"replied_at": {"回复时间", "Replied at"}, "rework_of": {"原派工单", "Rework of"}, "source": {"来源", "Source"},
	"price_fen": {"价格", "Price"}, "needs_estimate": {"需上门报价", "Needs an estimate"}, "paid_at": {"付款时间", "Paid at"},
	// renovations
	"applicant": {"申请人", "Applicant"}, "tenant": {"租户申请", "Tenant's application"}, "contractor_name": {"施工单位", "Contractor"},
	"contractor_phone": {"施工单位电话", "Contractor's phone"}, "contractor_licence": {"施工资质证号", "Contractor's licence"},
	"site_lead": {"现场负责人", "Site lead"}, "scope": {"装修范围", "Scope"}, "drawings": {"图纸", "Drawings"},
	"engineer": {"审核工程师", "Engineer"}, "engineering_comment": {"工程部意见", "Engineering comment"},
	"engineering_due": {"工程审核期限", "Engineering review due"}, "approval_due": {"审批期限", "Approval due"},
	"approver": {"审批人", "Approver"}, "fees_fen": {"装修管理费", "Renovation fees"}, "pay_method": {"收款方式", "Payment method"}, "charges": {"费用", "Charges"}, "deposit_fen": {"押金金额", "Deposit"},
	"permit_no": {"施工许可证号", "Permit number"}, "permitted_at": {"发证时间", "Permitted at"},
	"deposit_refund_due": {"押金退还日期", "Deposit refund due"}, "refunded_fen": {"已退押金", "Refunded"},
	"completion_requested_at": {"申请验收时间", "Completion requested at"}, "submitted_at": {"提交时间", "Submitted at"},
	"review_overdue": {"审核超时", "Review overdue"}, "worker_name": {"施工人员", "Worker"}, "id_no": {"身份证号", "ID number"},
	"trade": {"工种", "Trade"}, "valid_until": {"有效期至", "Valid until"}, "issued_by": {"经办人", "Issued by"},
	"inspector": {"巡查人", "Inspector"}, "inspected_on": {"巡查日期", "Inspection date"},
	"permit_posted": {"施工许可证张贴", "Permit posted"}, "working_hours_kept": {"遵守施工时间", "Working hours kept"},
	"within_scope": {"在审批范围内", "Within the approved scope"}, "debris_cleared": {"垃圾清运", "Debris cleared"},
	"corridor_doors_closed": {"楼道门关闭", "Corridor doors closed"}, "no_open_flame": {"无明火作业", "No open flame"},
	"wiring_safe": {"电线规范", "Wiring safe"}, "extinguishers": {"灭火器数量", "Extinguishers"},
	"extinguishers_required": {"应配灭火器", "Extinguishers required"}, "severity": {"违规程度", "Severity"},
	"measures": {"处理措施", "Measures"}, "rectify_by": {"整改期限", "Rectify by"}, "deduct_fen": {"扣除押金", "Deduction"},
	"found_by": {"发现人", "Found by"}, "recheck_note": {"复查意见", "Recheck note"}, "operator_name": {"动火人", "Operator"},
	"operator_cert": {"操作证号", "Operator's certificate"}, "place": {"动火地点", "Place"},
	"window_start": {"动火开始", "Window start"}, "window_end": {"动火结束", "Window end"},
	"refund_due": {"可退还日期", "Refundable from"}, "deducted_fen": {"违规扣款", "Deductions"},
	"payee_name": {"领款人", "Payee"}, "request_note": {"申请说明", "Request note"}, "requested_by": {"受理人", "Taken by"},
	"director": {"审批主任", "Director"}, "decided_at": {"审批时间", "Decided at"}, "paid_by": {"经办收费员", "Paid by"},
	"movement": {"台账记录", "Ledger entry"}, "deposit_refund_months": {"押金清退等待月数", "Months before a deposit refund"},
	// fees
	"bill": {"账单", "Bill"}, "fee_item": {"收费项目", "Fee item"}, "period_start": {"计费起始", "Period start"},
	"period_end": {"计费截止", "Period end"}, "due_on": {"缴费期限", "Due on"}, "paid_fen": {"已缴金额", "Paid"},
	"late_fee_fen": {"滞纳金", "Late fee"}, "late_fee_rate": {"滞纳金日费率", "Daily late-fee rate"}, "payer": {"缴费人", "Payer"},
	"payer_name": {"交款人", "Payer"}, "balance_fen": {"押金余额", "Balance"}, "stage": {"催缴阶段", "Stage"},
	"issued_on": {"发出日期", "Issued on"}, "deadline": {"缴费期限", "Deadline"}, "note": {"备注", "Note"},
	"reminder": {"催缴通知", "Reminder"}, "step": {"催缴步骤", "Step"}, "assignee": {"上门人", "Visitor"}, "outcome": {"上门结果", "Outcome"},
	"promised_on": {"承诺缴费日期", "Promised to pay by"}, "outcome_note": {"上门情况说明", "What happened"},
	"attempts": {"未遇次数", "Visits with nobody home"}, "recorded_at": {"登记时间", "Recorded at"}, "recorded_by": {"登记人", "Recorded by"},
	"reading": {"读数", "Reading"}, "read_on": {"抄表日期", "Read on"}, "meter": {"表计", "Meter"}, "cycle": {"计费周期", "Cycle"},
	// vacancy and keys
	"label": {"钥匙名称", "Key label"}, "slot": {"钥匙柜位置", "Cabinet slot"}, "borrower_staff": {"借用员工", "Borrowing staff"},
	"purpose": {"用途", "Purpose"}, "due_at": {"应还时间", "Due back"}, "lent_at": {"借出时间", "Lent at"},
	"finding": {"发现的问题", "Finding"}, "finding_category": {"问题工种", "Trade"}, "hygiene": {"室内卫生", "Cleanliness"},
	"security": {"门锁安全", "Locks and security"}, "doors_windows": {"门窗", "Doors and windows"}, "no_leaks": {"无渗漏", "No leaks"},
	"structure": {"墙地顶", "Walls, floors, ceilings"}, "fittings": {"设施设备", "Fittings"},
	// notices
	"body": {"正文", "Text"}, "pinned": {"置顶", "Pinned"}, "published_at": {"发布时间", "Published at"}, "author": {"发布人", "Author"},
}

func init() {
	for k, v := range documentFieldLabels {
		if _, ok := fieldLabels[k]; !ok {
			fieldLabels[k] = v
		}
	}
}
