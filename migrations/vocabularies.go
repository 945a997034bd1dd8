package migrations

// The fixed vocabularies of the schema: the values of its select fields,
// exported for the hooks and tools that check or offer them. Adding a value
// here changes only collections created afterwards; an existing database
// gets it by a migration of its own (as 0039 adds "made_up").

// Roles are the staff role codes (docs/DESIGN.md, "Accounts and access"):
// the posts of a service center's organisation chart ([000] 组织机构图),
// plus the field staff, engineering and security it works with, and the
// administration office (行政人事部) that takes the complaints about the
// service center ([003] 2.2.8; migration 0045 adds it to existing
// databases).
var Roles = []string{
	"front_desk", "area_manager", "technician", "engineer",
	"security", "cashier", "supervisor", "director", "admin_office",
}

// UnitTypes, UnitStatuses and Relations are the registry's fixed
// vocabularies (docs/DESIGN.md, "Registry").
var (
	UnitTypes    = []string{"residential", "shop", "office", "parking", "storage"}
	UnitStatuses = []string{"vacant", "handed_over", "renovating", "occupied"}
	Relations    = []string{"owner", "tenant", "family"}
)

// Complaint vocabularies (docs/DESIGN.md, "Complaints"): the statistical
// categories are those of [000] 前台接待工作规程 4.1.3.1, the levels those
// of [001] 七 (一般性、重要、热点、集体投诉).
var (
	ComplaintChannels   = []string{"phone", "visit", "letter", "portal", "onsite"}
	ComplaintCategories = []string{"security", "cleaning", "greening", "engineering", "mail", "renovation", "staff_attitude", "other"}
	ComplaintLevels     = []string{"general", "major", "hot", "collective"}
	ComplaintStatuses   = []string{"received", "assigned", "processing", "replied", "revisited", "closed", "invalid"}
	Satisfactions       = []string{"satisfied", "basic", "unsatisfied"}
	Departments         = []string{"service_center", "engineering", "security", "cleaning", "greening", "administration", "other"}
)

// Dispatch vocabularies (docs/DESIGN.md, "Dispatch"): the kinds of work are
// the three kinds of service of [003] 2.1 (常規、特約有償、經營).
var (
	WorkKinds       = []string{"routine", "paid", "business"}
	WorkCategories  = []string{"electrical", "plumbing", "carpentry", "appliance", "cleaning", "locksmith", "office", "agency", "venue", "common_area", "other"}
	WorkStatuses    = []string{"new", "dispatched", "accepted", "on_site", "quoted", "in_progress", "completed", "signed_off", "revisited", "closed", "cancelled"}
	Payments        = []string{"none", "paid_on_site", "unpaid", "billed", "paid"}
	WorkSources     = []string{"request", "complaint", "vacancy_patrol", "renovation_inspection"}
	RevisitMethods  = []string{"phone", "home_visit"}
	ArrivalVerdicts = []string{"on_time", "early", "late"}
	// Urgencies: 急修 (urgent) and 零修 (normal, minor repairs) — [004] 三 7.6.
	Urgencies = []string{"normal", "urgent"}
)

// Service-level vocabularies (docs/DESIGN.md, "Service levels"): what a
// promise is about, which deadline it sets, how its amount is counted, and
// on which days the service center's opening hours apply.
var (
	SLASubjects = []string{"complaint", "work_order"}
	SLATargets  = []string{"first_response", "reply", "solution", "arrival"}
	SLAUnits    = []string{"clock_hours", "working_days", "minutes"}
	OfficeDays  = []string{"every_day", "working_days"}
)

// Fee vocabularies (docs/DESIGN.md, "Fees").
var (
	FeeKinds     = []string{"management", "parking", "water", "electricity", "gas", "service", "business", "other"}
	FeeBases     = []string{"per_m2_month", "per_unit_month", "metered", "fixed"}
	FeeCycles    = []string{"monthly", "quarterly"}
	Meters       = []string{"water", "electric", "gas"}
	BillStatuses = []string{"issued", "partially_paid", "paid", "void"}
	RunStatuses  = []string{"pending", "running", "done", "failed"}
	// FeeStarts: the day a community's management fee starts, the handover
	// date ([000] 收费员 4.2.1.1) or the move-in notice's ([004] 四 2 4.5).
	FeeStarts = []string{"handover", "notice"}
)

// PaymentMethods are the ways a payment is taken (docs/DESIGN.md, "Fees").
var PaymentMethods = []string{"cash", "card", "wechat", "alipay", "transfer"}

// DepositKinds are the deposits the office holds in a ledger of their own
// (renovation money is kept on separate accounts: [000] 收费员工作规程 4.5).
var DepositKinds = []string{"renovation", "pass", "key", "other"}

// ReminderStages are the steps of the arrears ladder: the first, second and
// final reminder notices, then other means ([000] 收费员工作规程
// 4.2.1.8–4.2.1.11).
var ReminderStages = []string{"1", "2", "3", "escalated"}

// The home visits after the final notice ([000] 管理员 4.1.3.2–4.1.3.4,
// [002] 四 4.1.3): ArrearsSteps are who visits, in order — the area
// manager, then the supervisor (the manuals' 助理), then the director;
// ArrearsOutcomes what the visit came to; ArrearsVisitStatuses the task's
// states (open on the visitor's list, its outcome recorded, or settled
// because the bill was paid or voided first).
var (
	ArrearsSteps         = []string{"area_manager", "supervisor", "director"}
	ArrearsOutcomes      = []string{"visited", "promised", "refused", "disputed", "not_home"}
	ArrearsVisitStatuses = []string{"open", "recorded", "settled"}
)

// Renovation vocabularies (docs/DESIGN.md, "Renovation"; the procedure is
// [004] 四 3 物业装修管理程序).
var (
	RenovationStatuses = []string{"submitted", "engineering_passed", "approved", "permitted", "completion_requested",
		"accepted", "closed", "rejected", "suspended", "acceptance_failed"}
	RenovationScopes = []string{"walls", "electrical", "plumbing", "waterproofing", "facade", "flooring", "ceiling", "doors_windows", "other"}
)

// HotWorkStatuses are the hot-work permit's approvals in order
// (docs/DESIGN.md, "Renovation").
var HotWorkStatuses = []string{"requested", "security_reviewed", "center_reviewed", "approved", "rejected"}

// DepositRefundStatuses are the renovation deposit refund's steps in order:
// requested at the desk after the waiting period, approved by the director,
// paid by the cashier — or rejected ([004] 四 3 4.3, 4.5; [001] 中汇广场 五).
var DepositRefundStatuses = []string{"requested", "approved", "paid", "rejected"}

// Inspection and violation vocabularies: the major violations and the
// measures against them are those of [000] 助理工作规程 4.5.4 (破坏承重结构、
// 损坏防水层; 停止施工、限期整改并恢复、扣装修保证金、驱逐施工单位).
var (
	ViolationKinds    = []string{"load_bearing", "facade", "waterproofing", "scope", "fire", "hours", "debris", "other"}
	ViolationMeasures = []string{"stop_work", "rectify", "deduct", "remove_contractor", "cut_utilities"}
)

// Vacancy and key vocabularies (docs/DESIGN.md, "Vacant units and keys"):
// weekly patrols and a monthly full inspection of vacant units ([001] 十三),
// the kinds of key of [000] 前台接待工作规程 4.5.1.
var (
	PatrolKinds = []string{"weekly", "monthly_full"}
	KeyKinds    = []string{"vacant_unit", "owner_entrusted", "equipment_room", "other"}
)

// Front desk: handover, incidents, visits (docs/DESIGN.md, "Front desk:
// handover, incidents, visits"). The handover's steps are those of [000]
// 交接班制度 4.1–4.2 (the outgoing clerk fills the sheet in and hands over,
// the incoming one checks and signs); the incident kinds are the emergencies
// of [000] 前台接待工作规程 4.1.4 (水管爆裂、突然断电及其它意外事故) and its
// report (特别事件报告单, 5.14) is due within a working day ([004] 三 4.3);
// a visit is a door-to-door visit (巡访, [000] 管理员 4.6.1), a building
// patrol (楼宇巡查, 3.10) or a revisit (回访, 4.6.2; [003] 2.7.3).
var (
	HandoverStatuses = []string{"open", "handed", "accepted"}
	HandoverItems    = []string{"remotes", "gas_cards", "keys_out", "parcels_held"}
	IncidentKinds    = []string{"fire", "flooding", "lift_entrapment", "medical", "security", "power_outage", "water_outage", "other"}
	IncidentStatuses = []string{"reported", "responding", "resolved", "reported_up"}
	VisitKinds       = []string{"door_to_door", "building_patrol", "revisit"}
	VisitPurposes    = []string{"routine", "elderly_care", "opinion", "fees", "complaint_follow_up", "repair_follow_up", "other"}
)

// Front-desk register vocabularies (docs/DESIGN.md, "Front desk registers"):
// mail and parcels ([000] 前台 4.2), lost and found ([001] 中汇广场 十二),
// goods passes ([001] 中汇广场 十一) and enquiries ([000] 前台 4.1.1).
var (
	ParcelKinds        = []string{"registered_mail", "parcel", "letter", "newspaper"}
	ParcelStatuses     = []string{"received", "notified", "picked_up", "returned"}
	LostValueClasses   = []string{"valuable", "ordinary"}
	LostItemStatuses   = []string{"held", "claimed", "disposed"}
	GoodsPassStatuses  = []string{"requested", "approved", "used", "rejected", "expired"}
	EnquiryChannels    = []string{"phone", "visit", "wechat", "other"}
	EnquiryConversions = []string{"complaints", "work_orders"}
)

// NoticeCategories are the kinds of notice a property office posts on its
// board ([000] 管理员工作规程 3.9; docs/DESIGN.md, "Notices").
var NoticeCategories = []string{"general", "fees", "maintenance", "safety", "event"}

// RenovationCharges are the fees of a renovation, each a bill of its own
// ([000] 收费员工作规程 3.2, 4.5; [001] 中汇广场 五): the renovation management
// fee, the debris-removal fee and the worker-pass card fee (工本费).
var RenovationCharges = []string{"renovation_management", "debris_removal", "pass_card"}

// ParkingHoldings is how a parking space is held (migrations/0066_parking_spaces.go).
var ParkingHoldings = []string{"unassigned", "owned", "leased"}

// Move-in vocabularies (docs/DESIGN.md, "Move-in (入伙)"; the procedure is
// [004] 四 2 物业入伙管理规程): the steps of a unit's move-in, the papers
// the desk checks (4.3.1: 购房协议、身份证; 4.2.3.2: the 五证 posted), the
// documents the owner signs (4.7: 管理规约、安全责任书; and the renovation
// agreement, [004] 四 3) and the one-off move-in charges billed beside the
// first period's management fee (4.5: 煤气开户费、有线电视初装费、装修垃圾
// 清运费).
var (
	MoveInStatuses   = []string{"notified", "documents_checked", "inspected", "defects_open", "ready", "keys_handed", "completed", "cancelled"}
	MoveInDocuments  = []string{"id_card", "purchase_contract", "five_certificates"}
	MoveInSignatures = []string{"covenant", "renovation_agreement", "fire_safety"}
	MoveInCharges    = []string{"gas_opening", "cable_tv", "debris_removal"}
	// MoveInReaders read move-ins: the desk that runs them, the area
	// managers, engineering, who walk the unit with the owner ([004] 四 2
	// 3.5), the cashier, who bills the move-in fees (3.4), and the
	// supervisors and director.
	MoveInReaders = []string{"front_desk", "area_manager", "engineer", "cashier", "supervisor", "director"}
	// MoveInWriters take the move-in's steps (the flow table says which).
	MoveInWriters = []string{"front_desk", "engineer", "supervisor", "director"}
)
