package hooks

import (
	"fmt"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
)

// text is one message in the two languages of the UI.
type text struct{ zh, en string }

// messages maps an error code to its texts. Wuye's own codes start with
// "wuye_"; the others are PocketBase's and ozzo-validation's codes, so that
// their English defaults also reach a clerk in Chinese. Texts may hold
// %[1]v-style verbs filled from the error's params in key order ("a", "b").
var messages = map[string]text{
	// Confirming an email change (or anything else checked against the
	// account's password) with a wrong password.
	"validation_invalid_password": {"密码不正确", "Wrong password."},
	// PocketBase / ozzo-validation
	"validation_required":                        {"不能为空", "Cannot be blank."},
	"validation_nil_or_not_empty":                {"不能为空", "Cannot be blank."},
	"validation_not_unique":                      {"已存在，不能重复", "Value must be unique."},
	"validation_invalid_value":                   {"取值无效", "Invalid value."},
	"validation_invalid_format":                  {"格式不正确", "Invalid format."},
	"validation_match_invalid":                   {"格式不正确", "Must be in a valid format."},
	"validation_min_text_constraint":             {"内容太短", "Too short."},
	"validation_max_text_constraint":             {"内容太长", "Too long."},
	"validation_length_too_long":                 {"内容太长", "Too long."},
	"validation_length_out_of_range":             {"长度不符合要求", "Length out of range."},
	"validation_min_greater_equal_than_required": {"数值太小", "Value too small."},
	"validation_max_less_equal_than_required":    {"数值太大", "Value too large."},
	"validation_not_an_integer":                  {"必须是整数", "Must be a whole number."},
	"validation_invalid_number":                  {"必须是数字", "Must be a number."},
	"validation_invalid_email":                   {"邮箱格式不正确", "Must be a valid email address."},
	"validation_invalid_date":                    {"日期格式不正确", "Must be a valid date."},
	"validation_missing_rel_records":             {"关联的记录不存在或无权使用", "The related record does not exist or is not yours to use."},
	"validation_invalid_relation":                {"关联的记录不存在或无权使用", "The related record does not exist or is not yours to use."},
	"validation_too_many_values":                 {"选择的项目太多", "Too many values."},
	"validation_values_mismatch":                 {"两次输入的密码不一致", "Values don't match."},
	"validation_invalid_old_password":            {"原密码不正确", "Missing or invalid old password."},
	"validation_in_invalid":                      {"不是允许的选项", "Must be a valid value."},
	"validation_not_in_invalid":                  {"不是允许的选项", "Must be a valid value."},
	"validation_unknown_field":                   {"未知字段", "Unknown field."},

	// Wuye
	"wuye_area_positive":            {"建筑面积必须大于 0", "The gross area must be greater than 0."},
	"wuye_unit_number_taken":        {"该楼栋已有房号 %[1]v", "Building already has unit %[1]v."},
	"wuye_building_code_taken":      {"本小区已有楼栋编号 %[1]v", "The community already has building %[1]v."},
	"wuye_community_mismatch":       {"与所属楼栋不在同一小区", "Does not belong to the same community as its building."},
	"wuye_area_mismatch":            {"片区不属于该小区", "The area belongs to another community."},
	"wuye_not_area_manager":         {"片区负责人必须是本小区的片区管理员", "The area manager must be an area manager of this community."},
	"wuye_floor_out_of_range":       {"楼层必须在 1 到 %[1]v 之间（地下层用负数）", "Floor must be between 1 and %[1]v (negative for basements)."},
	"wuye_date_invalid":             {"不是有效的日期（格式 年-月-日）", "Not a valid date (YYYY-MM-DD)."},
	"wuye_date_before":              {"不能早于%[1]v", "Cannot be earlier than the %[2]v."},
	"wuye_status_needs_date":        {"状态为“%[1]v”时必须填写%[2]v", "Status %[3]v requires the %[4]v."},
	"wuye_immutable":                {"创建后不能修改", "Cannot be changed once created."},
	"wuye_link_exists":              {"该住户与此房屋已有有效的登记", "This resident already has a current link to the unit."},
	"wuye_role_locked":              {"只有管理处主任可以修改岗位、所属小区和启用状态", "Only a director may change role, communities or the active flag."},
	"wuye_community_not_yours":      {"不能分配您不负责的小区", "You cannot assign a community you do not manage."},
	"wuye_fee_start_director":       {"只有本小区的管理处主任可以修改物业费起算日（收房日或入伙通知书日期）", "Only the community's director may change when the management fee starts (handover or move-in notice date)."},
	"wuye_events_append_only":       {"操作记录只能追加，不能修改或删除", "The audit timeline is append-only: events cannot be changed or deleted."},
	"wuye_notification_readonly":    {"通知只能标记为已读/未读", "A notification can only be marked read or unread."},
	"wuye_one_recipient":            {"通知必须且只能有一个接收人", "A notification needs exactly one recipient."},
	"wuye_calendar_no_schedule":     {"%[1]v 年的法定节假日安排尚未录入，暂按周一至周五计算工作日", "The %[1]v public-holiday schedule has not been entered yet; working days fall back to Monday–Friday."},
	"wuye_never_deleted":            {"投诉记录不能删除；无效投诉请标记为“无效投诉”并写明原因", "Complaints are never deleted; close an unfounded one as invalid, with its reason."},
	"wuye_split_managers":           {"只有客服主管或管理处主任可以拆分热点组", "Only a supervisor or the director can split a hot group."},
	"wuye_may_not_subscribe":        {"您无权实时关注“%[1]v”", "You may not subscribe to %[1]v."},
	"wuye_not_in_hot_group":         {"这条投诉不在热点组中", "This complaint is not in a hot group."},
	"wuye_never_deleted_order":      {"派工单不能删除；不需要的请取消并写明原因", "Work orders are never deleted; cancel one with its reason."},
	"wuye_routine_is_free":          {"常规服务不收费，无需报价", "Routine work is free and takes no quote."},
	"wuye_quote_first":              {"有偿服务须先经住户确认价格才能开工", "Paid work starts only after the resident has agreed to the price."},
	"wuye_item_unavailable":         {"该服务项目不存在或已停用", "That service is not offered."},
	"wuye_claim_for_yourself":       {"抢单只能抢给自己", "You can only claim an order for yourself."},
	"wuye_not_a_technician":         {"派工对象必须是本小区的维修人员", "Dispatch to a technician of this community."},
	"wuye_prepay_first":             {"该服务须先付款再派工", "This service is paid before it is dispatched."},
	"wuye_payment_by_receipt":       {"付款状态由收款记录决定：收款请选“已付”并选择收款方式，收错请冲正", "Payment follows the receipts: take a payment (paid, with its method), or reverse a wrong one."},
	"wuye_order_already_paid":       {"该派工单已收款；收错请对收款做冲正", "This order is already paid; correct a wrong payment with a reversal."},
	"wuye_pay_method_needed":        {"请选择收款方式（现金、微信、支付宝、刷卡或转账）", "Choose how it was paid (cash, WeChat, Alipay, card or transfer)."},
	"wuye_pay_needs_unit":           {"只有登记了房屋的派工单才能收款", "Only an order for a unit can be paid here."},
	"wuye_pay_price_unknown":        {"价格尚未确定（须住户确认报价或完工后才能收款）", "The price is not settled yet (a confirmed quote or the completed work is needed)."},
	"wuye_renovation_fees_not_now":  {"只有已批准或已发证的装修才能开具装修费用账单", "Renovation fee bills are issued for approved or permitted renovations only."},
	"wuye_renovation_fee_issued":    {"该装修的这项费用已开过账单；开错请作废重开", "This renovation already has a bill for that fee."},
	"wuye_deposit_receipt_only":     {"收取押金由押金登记自动生成收据，不能单独录入", "A deposit's receipt is made when the deposit is recorded, not entered on its own."},
	"wuye_statement_month_open":     {"只能核对已结束的月份（或本月至今）", "Only a month that has begun can be reconciled."},
	"wuye_day_to_come":              {"只能核对今天或以前的日期", "Only today or an earlier day can be reconciled."},
	"wuye_statement_exists":         {"该月的特约服务收费明细已经建立", "That month's paid-service statement already exists."},
	"wuye_statement_signed":         {"已签字的收费明细不能再修改", "A signed statement can no longer change."},
	"wuye_no_statement":             {"无法取得支付机构的对账单：请上传当日对账单", "The provider's statement could not be fetched: upload the day's statement."},
	"wuye_statement_line_invalid":   {"对账单第 %[1]v 行有误：须有商户订单号和大于 0 的金额（分）", "Statement line %[1]v: it needs the trade number and an amount in fen above 0."},
	"wuye_signature_needed":         {"请住户在屏幕上签名确认", "The resident must sign on the screen."},
	"wuye_materials_invalid":        {"材料清单有误：每项须有名称、数量大于 0、单价（分）不小于 0", "Materials: each line needs a name, a quantity above 0 and a price in fen of at least 0."},
	"wuye_changed_meanwhile":        {"该记录刚被他人处理（例如已被其他师傅接单），请刷新后再试", "Someone else changed this record just now (e.g. another technician claimed it); refresh and try again."},
	"wuye_bad_period":               {"账期格式应为 2026-01（月）或 2026-Q1（季度）", "The period must look like 2026-01 (a month) or 2026-Q1 (a quarter)."},
	"wuye_run_in_progress":          {"该账期的计费正在进行中，请等待完成", "A billing run for this period is already under way."},
	"wuye_amount_positive":          {"金额必须是大于 0 的整数（单位：分）", "The amount must be a whole number of fen above 0."},
	"wuye_overpayment":              {"缴费 %[1]v 超过应缴金额 %[2]v", "A payment of %[1]v is more than the %[2]v owed."},
	"wuye_bill_not_this_unit":       {"所选账单不属于该房屋，或已作废", "A chosen bill is not this unit's, or is void."},
	"wuye_reversal_invalid":         {"只能冲正本房屋的原始收款", "Only an original payment of this unit can be reversed."},
	"wuye_already_reversed":         {"这笔收款已经冲正过", "This payment has already been reversed."},
	"wuye_payment_final":            {"收款和账单不能修改或删除；更正请做冲正", "Payments and bills are never changed or deleted; correct with a reversal."},
	"wuye_deduction_reason":         {"扣除押金必须写明原因", "A deduction from a deposit needs its reason."},
	"wuye_over_deposit":             {"%[1]v 超过押金余额 %[2]v", "%[1]v is more than the %[2]v left of the deposit."},
	"wuye_bad_range":                {"统计范围应为 2026-03（月）、2026-Q1（季度）、2026-H1（半年）或 2026（年）", "The range must look like 2026-03, 2026-Q1, 2026-H1 or 2026."},
	"wuye_nothing_owed":             {"没有需要缴纳的费用", "Nothing is owed."},
	"wuye_callback_amount":          {"支付通知的金额与订单不符", "The notified amount does not match the order."},
	"wuye_discount_reason":          {"减免必须写明原因", "A discount needs its reason."},
	"wuye_over_discount":            {"减免不能超过尚欠的 %[1]v", "A discount cannot exceed the %[1]v still owed."},
	"wuye_consent_needed":           {"租户申请装修须上传业主书面同意书", "A tenant's application needs the owner's written consent."},
	"wuye_permit_needs":             {"发放施工许可证前须完成：%[1]v", "Before the permit: %[2]v."},
	"wuye_pass_not_now":             {"只有已批准或已发证的装修才能办理出入证", "Passes are issued for approved or permitted renovations only."},
	"wuye_never_deleted_renovation": {"装修记录不能删除", "Renovation records are never deleted."},
	"wuye_record_kept":              {"这类记录需要留档，不能删除；不再使用的请做归还、关闭等处理", "These records are kept and never deleted; return or close one instead."},
	"wuye_signature_missing":        {"联合验收须业主、施工单位、物业三方签字", "Joint acceptance needs the resident's, the contractor's and the office's signatures."},
	"wuye_refund_not_due":           {"押金在 %[1]v 才到退还日期", "The deposit is refundable from %[1]v."},
	"wuye_refund_not_accepted":      {"装修验收合格后才能申请退还押金", "A deposit refund is requested only after the renovation is accepted."},
	"wuye_refund_open_violations":   {"还有 %[1]v 条违规未复查整改，复查后才能退还押金", "%[1]v violations are still open; recheck them before the deposit is refunded."},
	"wuye_refund_nothing":           {"押金余额为零，没有可退还的押金", "Nothing is left of the deposit to refund."},
	"wuye_refund_pending":           {"该押金已有清退申请在办理中", "A refund of this deposit is already under way."},
	"wuye_refund_balance_changed":   {"押金余额已变动（现为 %[1]v），与批准的退还金额 %[2]v 不符", "The deposit balance changed (now %[1]v) and no longer matches the %[2]v approved."},
	"wuye_refund_own_path":          {"这笔押金不能直接退款：装修押金经主任审批后由收费员清退，出入证押金随退证退还，钥匙押金随还钥匙退还", "This deposit is not refunded directly: a renovation deposit through the director-approved refund, a pass deposit when the pass comes back, a key deposit when the key does."},
	"wuye_refund_first":             {"押金尚未清退，请先办理押金清退", "Refund the deposit first."},
	"wuye_not_on_site":              {"只有已发证（或停工整改中）的装修才有现场巡查和违规记录", "Inspections and violations are for permitted (or suspended) renovations."},
	"wuye_no_deposit":               {"该装修没有可扣除的押金", "This renovation holds no deposit to deduct from."},
	"wuye_not_vacant":               {"只有空置或已交房未入住的房屋才做空置房巡查", "Patrols are for vacant or handed-over, unoccupied units."},
	"wuye_outsider_deposit":         {"外来人员借钥匙须交押金", "An outsider borrowing a key pays a deposit."},
	"wuye_key_out":                  {"这把钥匙已借出，尚未归还", "This key is out and not yet back."},
	"wuye_bad_month":                {"月份格式应为 年-月，例如 2026-11", "The month must look like 2026-11."},
	"wuye_bad_year":                 {"年份不正确", "Invalid year."},
	"wuye_calendar_other_year":      {"%[1]v 不在 %[2]v 年内", "%[1]v is not in %[2]v."},
	"wuye_calendar_twice":           {"%[1]v 出现了两次", "%[1]v is listed twice."},
	"wuye_calendar_nothing_entered": {"%[1]v 没有录入过安排，无需删除", "Nothing was entered for %[1]v to remove."},
	"wuye_location_required":        {"公共区域投诉请填写具体位置", "Give the location for a complaint about a common area."},
	"wuye_portal_is_residents":      {"“网上”渠道只用于住户自己提交", "The portal channel is for residents filing themselves."},
	// flow messages: %[1]v the document, then the statuses, in Chinese; then the same in English
	"wuye_frozen":              {"%[1]v已是“%[2]v”状态，不能再修改", "The %[3]v is %[4]v and can no longer change."},
	"wuye_illegal_step":        {"%[1]v不能从“%[2]v”直接变为“%[3]v”", "A %[4]v cannot go from %[5]v to %[6]v."},
	"wuye_step_not_yours":      {"您不能把%[1]v从“%[2]v”改为“%[3]v”", "You may not move a %[4]v from %[5]v to %[6]v."},
	"wuye_step_requires":       {"%[1]v改为“%[2]v”时必须填写", "Required to mark the %[3]v %[4]v."},
	"wuye_field_locked":        {"此时您不能修改这一项", "You cannot change this now."},
	"wuye_handler_elsewhere":   {"处理人必须是本小区的员工", "The handler must work in this community."},
	"wuye_handler_is_subject":  {"被投诉的员工不能处理这件投诉", "The staff member complained about cannot handle the complaint."},
	"wuye_handler_not_office":  {"对客服中心的投诉由行政人事部（或管理处主任）处理", "A complaint about the service center is handled by the administration office (or the director)."},
	"wuye_handler_office_only": {"行政人事部只处理对客服中心的投诉", "The administration office handles only complaints about the service center."},
	"wuye_not_living_here":     {"这位住户目前没有登记在该房屋（或本小区）", "This resident is not currently linked to the unit (or community)."},
	"wuye_already_delivered":   {"这份通知已经登记送达", "This notice is already recorded as delivered."},
	"wuye_visit_recorded":      {"这次上门催缴的结果已经登记，不能再修改", "The outcome of this visit is already recorded and cannot change."},
	"wuye_visit_not_yours":     {"这是%[1]v的上门催缴任务，只能由其本人登记结果", "This visit is the %[2]v's task; only they record its outcome."},
	"wuye_promise_date":        {"请填写业主承诺的缴费日期（不早于今天）", "Give the date the household promised to pay by (today or later)."},
	"wuye_promise_only":        {"只有“承诺缴费”才填写承诺日期", "A promised date goes with the outcome “promised to pay” only."},
	"wuye_has_dependants":      {"仍有关联数据（%[1]v），不能删除", "Still referenced by %[1]v; cannot delete."},
	"wuye_anonymous_query":     {"匿名投诉不向您显示投诉人：不能经由投诉或其操作记录的住户、联系人、联系电话、房屋跨表筛选、排序或展开", "Anonymous complaints keep the complainant from you: you cannot filter, sort or expand through the resident, contact or unit of complaints or their events."},
	"wuye_bad_months":          {"月数应为 1 到 %[1]v 之间的整数", "The number of months must be a whole number from 1 to %[1]v."},
	// service levels (hooks/base_sla.go)
	"wuye_sla_director_only":      {"只有管理处主任可以设置承诺时限和服务时间", "Only the director sets the service levels and opening hours."},
	"wuye_sla_superseded":         {"这是已被新版本取代的旧承诺时限，不能修改；请修改现行的那一条", "This is an earlier version of the promise, kept for the deadlines it set; change the one in force."},
	"wuye_sla_fixed":              {"承诺时限的对象、级别和类型创建后不能修改；只能修改时长、单位和服务时间", "What a promise is about cannot change once created; only its amount, unit and opening hours can."},
	"wuye_sla_urgency_orders":     {"紧急程度只用于派工单", "Urgency applies to work orders only."},
	"wuye_sla_level_complaints":   {"投诉级别只用于投诉", "Levels apply to complaints only."},
	"wuye_sla_target_subject":     {"投诉的时限是首次回应、答复或解决方案；派工单的是回复或到场", "A complaint's deadlines are first response, reply and solution; a work order's are reply and arrival."},
	"wuye_sla_early_arrival":      {"允许提前的分钟数只用于到场时限", "Minutes early apply to arrival only."},
	"wuye_sla_arrival_unit":       {"到场时限请用分钟或小时", "Give an arrival deadline in minutes or hours."},
	"wuye_sla_hours_incomplete":   {"服务时间须同时填写开始、结束时间和适用日期", "Opening hours need the opening time, the closing time and the days."},
	"wuye_sla_hours_working_days": {"按工作日计算的时限不按服务时间计算，请不要填写服务时间", "A deadline in working days is not counted in opening hours; leave them out."},
	"wuye_sla_clock":              {"时间格式应为 08:00（00:00 至 23:59）", "A time looks like 08:00 (00:00 to 23:59)."},
	"wuye_sla_hours_order":        {"结束时间必须晚于开始时间", "Closing time must be after opening time."},
	"wuye_sla_exists":             {"本小区已有同一对象、级别和类型的现行承诺时限，请直接修改那一条", "The community already has this promise in force; change that one."},
	// bad input (hooks/guard_input.go) and PocketBase's own codes a client can
	// meet; PocketBase's parameters are named, so these texts take none.
	"wuye_wrong_type":                   {"类型不正确，应为%[1]v", "Wrong type: expected %[2]v."},
	"wuye_amount_too_large":             {"金额过大（不能超过 1 亿元）", "The amount is too large (at most 100,000,000 yuan)."},
	"wuye_other_community":              {"属于另一个小区，不能在这里使用", "Belongs to another community and cannot be used here."},
	"wuye_other_unit":                   {"属于另一套房屋，不能在这里使用", "Belongs to another unit and cannot be used here."},
	"wuye_other_renovation":             {"属于另一项装修，不能在这里使用", "Belongs to another renovation and cannot be used here."},
	"validation_min_number_constraint":  {"数值太小", "Value too small."},
	"validation_max_number_constraint":  {"数值太大", "Value too large."},
	"validation_only_int_constraint":    {"必须是整数", "Must be a whole number."},
	"validation_not_a_number":           {"必须是数字", "Must be a number."},
	"validation_unsupported_value_type": {"类型不正确", "Invalid or unsupported value type."},
	"validation_invalid_mime_type":      {"文件类型不符合要求", "This type of file is not accepted."},
	"validation_file_size_limit":        {"文件太大", "The file is too large."},
	"validation_too_many_files":         {"文件太多", "Too many files."},
	"validation_invalid_file":           {"文件无效，请重新上传", "Invalid file; please upload it again."},
	"validation_json_size_limit":        {"内容太长", "Too long."},
	"validation_invalid_json":           {"格式不正确", "Must be valid JSON."},
	"validation_not_enough_values":      {"选择的项目太少", "Too few values."},
	"validation_invalid_url":            {"网址格式不正确", "Must be a valid URL."},
	"validation_is_email":               {"邮箱格式不正确", "Must be a valid email address."},
	"validation_length_too_short":       {"内容太短", "Too short."},
	"validation_length_invalid":         {"长度不符合要求", "Invalid length."},
	"validation_pk_invalid":             {"编号无效或已存在", "The id is invalid or already exists."},
	"validation_forbidden_pk_character": {"编号含有不允许的字符", "The id holds a character that is not allowed."},
	"validation_invalid_or_existing_id": {"编号无效或已存在", "The id is invalid or already exists."},
}

// fieldLabels names fields in error messages ("房号：不能为空").
var fieldLabels = map[string]text{
	"name": {"名称", "Name"}, "code": {"编号", "Code"}, "phone": {"电话", "Phone"},
	"email": {"邮箱", "Email"}, "password": {"密码", "Password"}, "passwordConfirm": {"确认密码", "Password confirmation"},
	"oldPassword": {"原密码", "Old password"}, "role": {"岗位", "Role"}, "communities": {"所属小区", "Communities"},
	"community": {"小区", "Community"}, "area": {"片区", "Area"}, "manager": {"片区负责人", "Area manager"},
	"building": {"楼栋", "Building"}, "floors": {"楼层数", "Floors"}, "number": {"房号", "Unit number"},
	"floor": {"楼层", "Floor"}, "type": {"房屋类型", "Unit type"}, "area_m2": {"建筑面积", "Gross area"},
	"status": {"状态", "Status"}, "handed_over_on": {"收房日期", "handover date"},
	"renovation_registered_on": {"装修登记日期", "renovation registration date"}, "moved_in_on": {"入住日期", "move-in date"},
	"notice_on": {"入伙通知书日期", "move-in notice date"}, "fee_start": {"物业费起算日", "Management fee starts"},
	"unit": {"房屋", "Unit"}, "resident": {"住户", "Resident"}, "relation": {"关系", "Relation"},
	"since": {"起始日期", "start date"}, "until": {"截止日期", "end date"}, "date": {"日期", "Date"},
	"kind": {"类型", "Kind"}, "title": {"标题", "Title"}, "read": {"已读", "Read"},
	"recipient_staff": {"接收人", "Recipient"}, "recipient_resident": {"接收人", "Recipient"},
	"serial": {"编号", "Serial number"}, "delivered_at": {"送达时间", "Delivered at"}, "delivery_note": {"送达说明", "Delivery note"}, "active": {"启用", "Active"},
	"identity": {"账号", "Account"}, "subscriptions": {"实时订阅", "Subscriptions"},
	"location": {"位置", "Location"}, "contact_name": {"联系人", "Contact name"}, "contact_phone": {"联系电话", "Contact phone"},
	"channel": {"受理渠道", "Channel"}, "category": {"投诉类别", "Category"}, "level": {"投诉级别", "Level"},
	"content": {"投诉内容", "Content"}, "attachments": {"附件", "Attachments"}, "handler": {"处理人", "Handler"},
	"department": {"处理部门", "Department"}, "result": {"处理结果", "Result"}, "invalid_reason": {"无效原因", "Reason"},
	"satisfaction": {"满意度", "Satisfaction"}, "revisit_note": {"回访记录", "Revisit note"},
	"about_service_center": {"投诉客服中心", "About the service center"}, "subject_staff": {"被投诉员工", "Staff concerned"},
	"reopen_count": {"重新处理次数", "Reopen count"},
	"technician":   {"维修人员", "Technician"}, "dispatch_mode": {"派工方式", "Dispatch mode"}, "quote_fen": {"报价", "Quote"}, "quote_note": {"报价说明", "What the quote covers"},
	"service_item": {"服务项目", "Service"}, "description": {"服务内容", "Description"}, "materials": {"材料", "Materials"},
	"signoff": {"签收", "Sign-off"}, "signature": {"签名", "Signature"}, "payment": {"付款方式", "Payment"},
	"revisit_method": {"回访方式", "Revisit method"}, "cancel_reason": {"取消原因", "Cancellation reason"},
	"appointment_at": {"预约时间", "Appointment"}, "period": {"账期", "Period"}, "amount_fen": {"金额", "Amount"}, "bills": {"账单", "Bills"}, "reverses": {"冲正对象", "Reversed payment"}, "method": {"付款方式", "Method"}, "reason": {"原因", "Reason"}, "deposit": {"押金", "Deposit"}, "holder_name": {"交款人", "Depositor"}, "owner_consent": {"业主同意书", "Owner's consent"},
	"planned_start": {"计划开工日期", "planned start"}, "planned_end": {"计划完工日期", "planned end"},
	"agreement_signed_at": {"装修协议", "Agreement"}, "fees_paid": {"装修费用", "Fees"}, "reject_reason": {"驳回原因", "Reason"},
	"director_comment": {"主任意见", "Director's comment"}, "renovation": {"装修申请", "Renovation"}, "suspend_reason": {"停工原因", "Reason"}, "window_end": {"动火结束时间", "End of the window"}, "key": {"钥匙", "Key"}, "borrower_name": {"借用人", "Borrower"},
	"borrower_id_no": {"身份证号", "ID number"}, "borrower_phone": {"借用人电话", "Borrower's phone"}, "returned_at": {"退证时间", "Returned"}, "acceptance_changes": {"整改要求", "Changes required"},
	"resident_signed": {"业主签字", "Resident's signature"}, "contractor_signed": {"施工单位签字", "Contractor's signature"}, "office_signed": {"物业签字", "Office's signature"}, "range": {"统计范围", "Range"}, "discount_fen": {"减免金额", "Discount"}, "discount_reason": {"减免原因", "Discount reason"}, "group": {"分组", "Grouping"}, "answer": {"答复", "Answer"}, "receiver": {"受理人", "Receiver"}, "month": {"月份", "Month"},
	"filter": {"筛选条件", "Filter"}, "sort": {"排序", "Sort"}, "expand": {"展开", "Expand"}, "anonymous": {"匿名", "Anonymous"},
	"months": {"月数", "Months"},
	// fields named in bad-input messages (hooks/guard_input.go)
	"active_from": {"启用日期", "start date"}, "active_to": {"停用日期", "end date"}, "read_by": {"抄表人", "Read by"},
	"inspection": {"巡查记录", "Inspection"}, "unit_types": {"适用房屋类型", "Unit types"}, "basis": {"计费方式", "Basis"},
	"address": {"地址", "Address"}, "hot_threshold": {"热点投诉阈值", "Hot-complaint threshold"}, "prepay": {"先付款", "Prepay"},
	"skills": {"工种", "Skills"}, "received_by": {"经办人", "Received by"}, "lent_by": {"经办人", "Lent by"},
	"trade_no": {"订单号", "Order number"}, "fen": {"金额", "Amount"}, "day": {"日期", "Day"},
	"week_end": {"周末日期", "Week ending"}, "allocations": {"分配明细", "Allocations"}, "patroller": {"巡查人", "Patroller"},
	"signed_in_at": {"签到时间", "Signed in at"}, "work_order": {"派工单", "Work order"}, "overdue": {"逾期", "Overdue"},
	"by": {"经办人", "By"}, "started_by": {"发起人", "Started by"}, "first_response_due": {"首次回应期限", "First response due"},
	"emailVisibility": {"公开邮箱", "Email visibility"}, "verified": {"已验证", "Verified"},
}

// unitStatusLabels names unit statuses in messages.
var unitStatusLabels = map[string]text{
	"vacant": {"空置", "vacant"}, "handed_over": {"已交房", "handed over"},
	"renovating": {"装修中", "renovating"}, "occupied": {"已入住", "occupied"},
}

// topMessages translates PocketBase's own top-level messages.
var topMessages = map[string]text{
	// The routes that check the token themselves (the statistics) answer
	// 401 with PocketBase's default message, which had no Chinese.
	"Missing or invalid authentication.":                           {"请先登录", "Please sign in first."},
	"The requested resource wasn't found.":                         {"未找到该记录，或您无权查看/修改", "The record was not found, or you may not see or change it."},
	"Only superusers can perform this action.":                     {"您无权执行此操作", "You are not allowed to do this."},
	"The authorized record is not allowed to perform this action.": {"您无权执行此操作", "You are not allowed to do this."},
	"Failed to create record.":                                     {"无法创建：数据不符合要求或无权操作", "Could not create: the data is invalid or you are not allowed."},
	"Failed to update record.":                                     {"无法保存：数据不符合要求", "Could not save: the data is invalid."},
	"Failed to delete record. Make sure that the record is not part of a required relation reference.": {"无法删除：仍有其它记录引用它", "Could not delete: other records still refer to it."},
	"Failed to authenticate.":                                                  {"账号或密码不正确", "Wrong account or password."},
	"Something went wrong while processing your request.":                      {"请求有误，请检查后重试", "Something is wrong with the request."},
	"Failed to read the submitted data.":                                       {"提交的数据无法读取", "The submitted data could not be read."},
	"Too Many Requests.":                                                       {"操作太频繁，请稍后再试", "Too many requests; please wait a moment."},
	"The request doesn't satisfy the collection requirements to authenticate.": {"账号已停用，无法登录", "This account is disabled."},
	"The request requires valid record authorization token.":                   {"请先登录", "Please sign in first."},
	"You are not allowed to perform this request.":                             {"您无权执行此操作", "You are not allowed to do this."},
	"Missing or invalid collection context.":                                   {"未找到该数据集合", "Unknown collection."},
	"The request body is not a valid JSON object.":                             {"提交的数据不是有效的 JSON 对象", "The request body is not a valid JSON object."},
	"Bad signature.": {"签名无效", "Bad signature."},
}

// codedError is a field error with a Wuye code and its parameters. Its
// Error() is the Chinese text; the localize middleware swaps in English
// when the client asks for it.
func codedError(code string, params ...any) validation.Error {
	t, ok := messages[code]
	if !ok {
		panic("hooks: unknown message code " + code)
	}
	p := map[string]any{}
	for i, v := range params {
		p[string(rune('a'+i))] = v
	}
	return validation.NewError(code, fmt.Sprintf(t.zh, params...)).SetParams(p)
}

// render fills the text for lang ("zh" or "en") with the params of an error
// item (keys "a", "b", … in order).
func render(t text, lang string, params map[string]any) string {
	tmpl := t.zh
	if lang == "en" {
		tmpl = t.en
	}
	if !strings.Contains(tmpl, "%[") {
		return tmpl
	}
	args := make([]any, 0, len(params))
	for i := 0; i < len(params); i++ {
		args = append(args, params[string(rune('a'+i))])
	}
	return fmt.Sprintf(tmpl, args...)
}

// fieldMessages override messages for one field: PocketBase reports a
// refused direct change of an account's email (or verified flag) as the
// generic "values don't match" of ozzo-validation, which messages words as
// the password confirmation ("两次输入的密码不一致") — a clerk or resident
// told that after changing their email would look for a password typo.
// Keyed "field code".
var fieldMessages = map[string]text{
	"email validation_values_mismatch": {"邮箱不能直接修改：请申请更换邮箱，并在新邮箱收到的链接中确认",
		"The email cannot be changed directly: request an email change and confirm it from the link sent to the new address."},
	"verified validation_values_mismatch": {"邮箱验证状态不能自行修改", "The verified flag cannot be changed directly."},
}
