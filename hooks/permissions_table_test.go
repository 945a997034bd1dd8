package hooks_test

// The declared permission matrix that TestPermissionMatrix checks the live
// schema and API against (see permissions_test.go for how each operation is
// observed). A new collection, a new field or a new kind of caller fails the
// test until it is declared here; docs/PERMISSIONS.md is generated from it.

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"wuye/internal/testapp"
)

// matrixCallers are the kinds of caller, each played by a demo account.
var matrixCallers = []struct{ name, email, about string }{
	{"anonymous", "", "not signed in"},
	{"owner", "owner1@example.com", "owner of 1-101 (let to a tenant)"},
	{"tenant", "tenant1@example.com", "tenant of 1-101"},
	{"family", "family1@example.com", "family member of 1-101's owner"},
	{"neighbour", "owner2@example.com", "owner of 1-102 and of parking space 3-P001, same building"},
	{"former", "former1@example.com", "former tenant of 1-102 (tenancy ended: lives nowhere, so community and unit give nothing)"},
	{"outsider", "owner.yx@example.com", "resident of the other community (银杏苑)"},
	{"front_desk", "frontdesk@example.com", "front desk (a complaint is about them)"},
	{"area_manager", "areamgr@example.com", "area manager of 一片区"},
	{"technician", "tech1@example.com", "technician (electrical, plumbing, appliances)"},
	{"engineer", "engineer@example.com", "engineering department"},
	{"security", "security@example.com", "security department"},
	{"cashier", "cashier@example.com", "cashier"},
	{"supervisor", "supervisor@example.com", "customer-service supervisor"},
	{"director", "director@example.com", "office director"},
	{"admin_office", "hr@example.com", "administration office (行政人事部): complaints about the service center"},
	{"other_staff", "supervisor.yx@example.com", "supervisor of the other community (银杏苑)"},
	{"superuser", "root@example.com", "platform administrator (_superusers)"},
}

var callerGroups = map[string][]string{
	"residents": {"owner", "tenant", "family", "neighbour", "former", "outsider"},
	"staff":     {"front_desk", "area_manager", "technician", "engineer", "security", "cashier", "supervisor", "director", "admin_office", "other_staff"},
}

// Scope words (a cell may join several with +):
//
//	none       nothing
//	all        every record, of every community
//	community  the records of the caller's communities (a resident's: those they currently live in),
//	           except a complaint (and its notes and timeline) about the caller themselves, and
//	           complaints about the service center, which only the administration office and the
//	           director see (the office sees no other complaint)
//	assigned   as community, but only records assigned to the caller (handler, technician,
//	           pool order of their trade, patrol task or unit of their area)
//	open       as community, less the records seen only when assigned (complaints' timelines)
//	unit       records of a unit the caller currently lives in
//	household  records of a unit the caller currently lives in, filed by someone who lives there
//	           now too, not anonymously (a household's work orders and complaints, migration 0052)
//	self       the caller's own: their account, what they filed or applied for, their notifications
//
// For create, a cell says for which existing records the caller could file
// one like it (same unit, community, renovation …).
//
// Fields: a bare name is shown to everyone who may read the record; name!
// to nobody; name{callers} only to those callers (self: the account
// itself); name~{callers} in full to those callers, masked to the others;
// name? depends on the record (anonymous complaints, hooks/complaints_anonymity.go);
// +name{callers} is a computed key that only those callers get.
const permissionTable = `
collection communities
fields id name code address phone hot_threshold deposit_refund_months created updated fee_start
anonymous                        none       none       none       none       none       none       -
residents                        community  community  none       none       none       community  -
front_desk area_manager technician engineer security cashier admin_office community community none none none community -
supervisor director other_staff  community  community  none       community  none       community  -
superuser                        all        all        all        all        all        all        -

collection staff
fields id password! tokenKey! email{self,director,superuser} emailVisibility verified name phone role communities active skills created updated
anonymous                        none       none       none       none       none       none       -
residents                        none       none       none       none       none       none       -
front_desk area_manager technician engineer security cashier admin_office community community none self none community -
supervisor other_staff           community  community  none       community  none       community  -
director                         community  community  all        community  none       community  -
superuser                        all        all        all        all        all        all        -
note the create rule admits any director; hooks/registry.go (guardStaffWrite) limits the communities they may give to their own; a supervisor passes the update rule for their community's staff and may change only skills (hooks/accounts_staff.go), nobody but the director a name

collection residents
fields id password! tokenKey! email{self,superuser} emailVisibility verified name phone{self,front_desk,area_manager,cashier,supervisor,director,other_staff,superuser} communities{superuser} buildings{superuser} units{superuser} created updated
anonymous                        none       none       none       none       none       none       -
residents                        self       self       none       self       none       self       -
front_desk area_manager technician engineer security cashier admin_office community community none none none community -
supervisor director other_staff  community  community  all        community  none       community  -
superuser                        all        all        all        all        all        all        -
note staff see the residents who currently live in their communities (a link waiting for the resident's confirmation grants nothing); no manage rule: staff never set a resident's password, e-mail or verified flag (hooks/accounts_residents.go); communities and buildings (where the resident currently lives, read by the rules of communities, buildings, service items, fee items and notices) are hidden and kept by hooks/registry_places.go

collection areas
fields id community name manager created updated
anonymous residents              none       none       none       none       none       none       -
front_desk area_manager technician engineer security cashier admin_office community community none none none community -
supervisor director other_staff  community  community  community  community  community  community  -
superuser                        all        all        all        all        all        all        -

collection buildings
fields id community area code name floors created updated
anonymous                        none       none       none       none       none       none       -
residents                        unit       unit       none       none       none       unit       -
front_desk area_manager technician engineer security cashier admin_office community community none none none community -
supervisor director other_staff  community  community  community  community  community  community  -
superuser                        all        all        all        all        all        all        -

collection units
fields id community building number floor type area_m2 status handed_over_on renovation_registered_on moved_in_on created updated notice_on
anonymous                        none       none       none       none       none       none       -
residents                        unit       unit       none       none       none       unit       -
front_desk area_manager technician engineer security cashier admin_office community community none none none community -
supervisor director other_staff  community  community  community  community  community  community  -
superuser                        all        all        all        all        all        all        -

collection unit_residents
fields id unit resident relation since until active pending created updated lease_contract_no lease_rent_fen
anonymous                        none       none       none       none       none       none       -
residents                        self       self       none       none       none       self       -
front_desk area_manager technician engineer security cashier admin_office community community none none none community -
supervisor director other_staff  community  community  community  community  community  community  -
superuser                        all        all        all        all        all        all        -

collection parking_spaces
fields id community building code holding unit plate lease_until monthly_fee_fen note created updated
anonymous                        none       none       none       none       none       none       -
residents                        unit       unit       none       none       none       unit       -
front_desk area_manager technician engineer security cashier admin_office community community none none none community -
supervisor director other_staff  community  community  community  community  none       community  -
superuser                        all        all        all        all        all        all        -
note the community's parking spaces (migration 0066): unassigned, owned or leased by a household (hooks/registry_screens.go); the household of the unit holding a space reads it; a space is never deleted

collection events
fields id subject_collection subject_id action from to actor_staff actor_resident? note community unit? resident? public complaint work_order about_resident about_staff patrol_task created
anonymous                        none       none       none       none       none       none       -
residents                        self+unit  self+unit  none       none       none       self+unit  -
staff                            community+assigned community+assigned none none none community+assigned -
superuser                        all        all        all        all        all        all        -
note staff read an event exactly when they may read its subject (migrations/0034_event_readers.go); events about a resident, the staff of every community the resident was ever linked to; residents read the public events of their current units, and those of their own complaints, work orders and renovations (only theirs, even after they moved out); nobody writes events through the API

collection notifications
fields id recipient_staff recipient_resident kind title body subject_collection subject_id read read_at created updated fanout
anonymous                        none       none       none       none       none       none       -
residents front_desk area_manager technician engineer security cashier supervisor director other_staff admin_office self self none self none self -
superuser                        all        all        all        all        all        all        -

collection deliveries
fields id notification recipient_staff recipient_resident community kind channel status to attempts next_attempt_at sent_at last_error provider urgent created updated push_subscription
anonymous residents              none       none       none       none       none       none       -
front_desk area_manager technician engineer security cashier admin_office none none none none none none -
supervisor director other_staff  community  community  none       none       none       community  -
superuser                        all        all        all        all        all        all        -
note the notification outbox (hooks/base_outbox.go): written with each notification, sent by the worker; the supervisor and the director read their community's log and retry a failed delivery through POST /api/wuye/deliveries/{id}/retry

collection fanouts
fields id subject_collection subject_id community kind title body audience buildings units urgent not_before expires_at status cursor count sms_count batches longest_ms started_at done_at created updated
anonymous residents              none       none       none       none       none       none       -
front_desk area_manager technician engineer security cashier admin_office none none none none none none -
supervisor director other_staff  community  community  none       none       none       community  -
superuser                        all        all        all        all        all        all        -
note the fan-out queue (hooks/base_fanout.go, migration 0086): written with a notice, an opened survey, a new activity or a found item, worked through in batches by Wuye; the supervisor and the director follow its progress, nobody writes it through the API

collection notification_preferences
fields id recipient_staff recipient_resident channels kind_channels wechat_openid created updated
anonymous                        none       none       none       none       none       none       -
residents front_desk area_manager technician engineer security cashier supervisor director other_staff admin_office self self self self none self -
superuser                        all        all        all        all        all        all        -
note each person's own channels (per kind where they want otherwise) and WeChat openid; without a row, residents get text messages and staff the app alone

collection push_subscriptions
fields id recipient_staff recipient_resident endpoint p256dh auth user_agent last_success failures created updated
anonymous                        none       none       none       none       none       none       -
residents front_desk area_manager technician engineer security cashier supervisor director other_staff admin_office self self self none self self -
superuser                        all        all        all        all        all        all        -
note the browsers each person turned Web Push on in (hooks/base_webpush.go): their own only, https endpoints (http on loopback for tests); turning pushes on again replaces the row, a push service's 404/410 removes it

collection wechat_sandbox
fields id openid template page data created
anonymous residents staff        none       none       none       none       none       none       -
superuser                        all        all        all        all        all        all        -
note the WeChat subscription messages the demo's sandbox sender kept instead of sending

collection work_calendar
fields id date kind name note created updated
anonymous                        none       none       none       none       none       none       -
residents front_desk area_manager technician engineer security cashier supervisor other_staff admin_office all all none none none all -
director                         all        all        all        all        all        all        -
superuser                        all        all        all        all        all        all        -
note the calendar decides every community's deadlines: only the director writes it (migrations/0047_calendar_director.go), usually through POST /api/wuye/calendar/{year}, which moves the open deadlines with the change (hooks/base_calendar_moves.go)

collection phone_changes
fields id account_collection account_id phone code_hash! sent_at expires_at attempts sent status by_staff created updated
anonymous residents staff        none       none       none       none       none       none       -
superuser                        all        all        all        all        all        all        -
note the codes that confirm a new phone number (hooks/accounts_phone.go), kept hashed; the routes read and write them

collection sms_sandbox
fields id to text purpose created
anonymous residents staff        none       none       none       none       none       none       -
superuser                        all        all        all        all        all        all        -
note the text messages the demo's sandbox SMS provider kept instead of sending (they carry one-time codes)

collection complaints
fields id serial community unit? building? location? resident? contact_name? contact_phone? channel category level content attachments about_service_center subject_staff status handler department receiver received_at first_response_due reply_due first_responded_at replied_at revisited_at closed_at result invalid_reason satisfaction revisit_note reopen_count first_response_overdue reply_overdue hot_group hot_reason hot_split anonymous solution_due solution_overdue created updated
anonymous                        none       none       none       none       none       none       none
residents                        self+household self+household unit self none self+household self+household
front_desk supervisor director other_staff community community community community none community community
area_manager                     community  community  assigned   community  none       community  community
technician engineer security cashier assigned assigned none assigned none assigned assigned
admin_office                     community  community  community  community  none       community  community
superuser                        all        all        all        all        all        all        all
note the administration office (行政人事部) reads, takes in and handles only the complaints about the service center ([003] 2.2.8, migrations/0045_admin_office.go): its create rule requires about_service_center, so it files only complaints like those; the supervisor no longer sees them

collection complaint_notes
fields id complaint author note created
anonymous residents              none       none       none       none       none       none       -
front_desk area_manager supervisor director other_staff admin_office community community community none none community -
technician engineer security cashier assigned assigned assigned none none assigned -
superuser                        all        all        all        all        all        all        -

collection service_items
fields id community code name category kind price_fen unit needs_estimate prepay active created updated
anonymous                        none       none       none       none       none       none       -
residents                        community  community  none       none       none       community  -
front_desk area_manager technician engineer security cashier admin_office community community none none none community -
supervisor director other_staff  community  community  community  community  none       community  -
superuser                        all        all        all        all        all        all        -
note residents see the active items of the communities they live in

collection service_demands
fields id community unit resident contact_name contact_phone~{residents,front_desk,area_manager,cashier,supervisor,director,other_staff,superuser} description status answer answered_by answered_at created updated
anonymous                        none       none       none       none       none       none       -
residents                        self       self       unit       none       none       self       -
area_manager technician engineer security cashier admin_office community community none none none community -
front_desk supervisor director other_staff community community community community none community -
superuser                        all        all        all        all        all        all        -

collection work_orders
fields id serial community unit building location requester? contact_name? contact_phone? kind category service_item description photos appointment_at dispatch_mode technician receiver status received_at reply_due replied_at accepted_at arrived_at arrival quote_fen quote_confirmed_at materials materials_fen amount_fen started_at completed_at signoff signature signed_off_at payment paid_at revisit_method satisfaction revisit_note revisited_at closed_at cancel_reason cancelled_at damage_report source source_ref reply_overdue revisit_overdue rework_round rework_of urgency arrival_due created updated pay_method quote_note +technician_name{residents}
anonymous                        none       none       none       none       none       none       none
residents                        self+household self+household unit self none self+household self+household
front_desk supervisor director other_staff community community community community none community community
area_manager                     community  community  assigned   community  none       community  community
cashier                          community  community  none       community  none       community  community
technician engineer security admin_office     assigned   assigned   none       assigned   none       assigned   assigned
superuser                        all        all        all        all        all        all        all

collection sla_policies
fields id community subject level urgency target amount unit early_minutes office_opens office_closes office_days starts_at ends_at changed_by created updated
anonymous                        none       none       none       none       none       none       -
residents                        community  community  none       none       none       community  -
front_desk area_manager technician engineer security cashier admin_office community community none none none community -
supervisor other_staff           community  community  none       none       none       community  -
director                         community  community  community  community  none       community  -
superuser                        all        all        all        all        all        all        -
note the service levels (hooks/base_sla.go): residents read their community's promises; only the director sets them, and anyone else writing is told so with a 403; an edit keeps the version it replaces (ends_at), and nobody but a platform administrator deletes one

collection fee_items
fields id community code name kind basis price_fen unit_types meter late_fee_rate cycle active_from active_to active created updated
anonymous                        none       none       none       none       none       none       -
residents                        community  community  none       none       none       community  -
front_desk area_manager technician engineer security cashier admin_office community community none none none community -
supervisor director other_staff  community  community  community  community  none       community  -
superuser                        all        all        all        all        all        all        -

collection meter_readings
fields id unit meter reading read_on read_by corrects reason created updated
anonymous                        none       none       none       none       none       none       -
residents                        unit       unit       none       none       none       unit       -
front_desk technician engineer security admin_office community community none none none community -
area_manager                     community  community  assigned   none       none       community  -
cashier supervisor director other_staff community community community none none  community  -
note readings are append-only: a wrong one is corrected by a new reading naming it (hooks/fees_meter_readings.go); the area manager enters those of their own area's units (migration 0074)
superuser                        all        all        all        all        all        all        -

collection meter_replacements
fields id community unit meter old_final_reading new_start_reading replaced_on new_meter_no reason recorded_by created updated
anonymous                        none       none       none       none       none       none       -
residents                        unit       unit       none       none       none       unit       -
front_desk technician engineer security admin_office community community none none none community -
area_manager                     community  community  assigned   none       none       community  -
cashier supervisor director other_staff community community community none none  community  -
note append-only like the readings; the next reading is compared with the new meter's start (hooks/fees_meter_replacements.go)
superuser                        all        all        all        all        all        all        -

collection billing_runs
fields id community period status total_units processed_units created_bills existing_bills skipped started_by started_at finished_at error created updated
anonymous residents              none       none       none       none       none       none       -
front_desk area_manager technician engineer security admin_office community community none none none community -
cashier supervisor director other_staff community community community none none community -
superuser                        all        all        all        all        all        all        -

collection import_batches
fields id community kind file file_name dry_run outcome rows created updated unchanged errors changes actor_staff ran_at
anonymous residents              none       none       none       none       none       none       none
front_desk technician engineer security admin_office none none none none none none none
area_manager cashier supervisor director other_staff community community none none none community community
superuser                        all        all        all        all        all        all        all
note written only by POST /api/wuye/imports (hooks/imports.go); created and updated count the records the batch wrote (its time is ran_at); the file is protected

collection bills
fields id serial community unit fee_item work_order source period period_start period_end payer? amount_fen discount_fen discount_reason late_fee_fen paid_fen due_on status reminder_stage run basis created updated renovation charge move_in
anonymous                        none       none       none       none       none       none       -
residents                        unit       unit       none       none       none       unit       -
technician engineer security admin_office     none       none       none       none       none       none       -
front_desk area_manager cashier  community  community  none       none       none       community  -
supervisor director other_staff  community  community  none       community  none       community  -
superuser                        all        all        all        all        all        all        -

collection payments
fields id serial community unit amount_fen method payer_name bills allocations received_by note reverses created updated
anonymous                        none       none       none       none       none       none       -
residents                        unit       unit       none       none       none       unit       -
technician engineer security admin_office     none       none       none       none       none       none       -
front_desk area_manager          community  community  none       none       none       community  -
cashier supervisor director other_staff community community community none none community -
superuser                        all        all        all        all        all        all        -

collection reminders
fields id community bill unit stage issued_on deadline amount_fen note created delivered_at delivered_by delivery_note
anonymous                        none       none       none       none       none       none       -
residents                        unit       unit       none       none       none       unit       -
technician engineer security admin_office     none       none       none       none       none       none       -
cashier                          community  community  none       none       none       community  -
front_desk area_manager supervisor director other_staff community community none community none community -
superuser                        all        all        all        all        all        all        -

collection arrears_visits
fields id community bill unit reminder step assignee issued_on amount_fen status outcome promised_on outcome_note attempts recorded_at recorded_by deadline created updated
anonymous residents              none       none       none       none       none       none       -
technician engineer security admin_office none       none       none       none       none       none       -
front_desk cashier               community  community  none       none       none       community  -
area_manager supervisor director other_staff community community none community none community -
superuser                        all        all        all        all        all        all        -
note the home visits after the final notice are made by the daily job (hooks/fees_arrears.go); the update rule admits the community's area managers, supervisors and director, and the hook lets only the visit's own visitor (its assignee, or for the supervisor's and director's steps anyone of that role) record its outcome — 403 for anyone else

collection deposits
fields id community unit kind holder_name source amount_fen balance_fen status received_by created updated method
anonymous                        none       none       none       none       none       none       -
residents                        unit       unit       none       none       none       unit       -
technician security admin_office              none       none       none       none       none       none       -
front_desk area_manager engineer community community none       none       none       community  -
cashier supervisor director other_staff community community community none none community -
superuser                        all        all        all        all        all        all        -

collection deposit_movements
fields id deposit kind amount_fen reason by created serial method
anonymous                        none       none       none       none       none       none       -
residents                        unit       unit       none       none       none       unit       -
technician admin_office                       none       none       none       none       none       none       -
front_desk area_manager engineer security community community none none none community -
cashier supervisor director other_staff community community community none none community -
superuser                        all        all        all        all        all        all        -

collection deposit_refunds
fields id serial renovation community unit deposit status refund_due deposit_fen deducted_fen amount_fen payee_name request_note requested_by director director_comment reject_reason decided_at method paid_by paid_at movement created updated
anonymous                        none       none       none       none       none       none       -
residents                        self       self       none       none       none       self       -
technician security admin_office none       none       none       none       none       none       -
area_manager engineer            community  community  none       none       none       community  -
front_desk supervisor other_staff community community community none       none       community  -
cashier director                 community  community  community  community  none       community  -
superuser                        all        all        all        all        all        all        -
note residents read the refunds of the renovations they applied for; the desk, the cashier, the supervisor and the director take a request after acceptance and the waiting period; the director approves, the cashier pays (the flow in hooks/renovation_refunds.go); the ledger refuses any other refund of a renovation deposit

collection online_orders
fields id trade_no community unit bills amount_fen provider status resident payment provider_txn_id paid_at created updated
anonymous                        none       none       none       none       none       none       -
residents                        self       self       none       none       none       self       -
front_desk area_manager technician engineer security admin_office none none none none none none -
cashier supervisor director other_staff community community none none none community -
superuser                        all        all        all        all        all        all        -
note orders are made and settled by Wuye's payment routes only

collection service_statements
fields id community month status orders amount_fen paid_fen difference_fen flagged lines drawn_by cashier cashier_signed_at supervisor supervisor_signed_at note created updated
anonymous residents              none       none       none       none       none       none       -
area_manager technician engineer security admin_office none none    none       none       none       none       -
front_desk                       community  community  none       none       none       community  -
cashier supervisor director other_staff community community community community none community -
superuser                        all        all        all        all        all        all        -
note the month's 特约服务收费明细及确认 (hooks/fees_service_statements.go): Wuye draws the lines up; the cashier signs, then the supervisor or director confirms

collection online_reconciliations
fields id community provider day status orders orders_fen statement_lines statement_fen mismatches statement lines checked_by created
anonymous residents              none       none       none       none       none       none       -
front_desk area_manager technician engineer security admin_office none none none none none none -
cashier supervisor director other_staff community community community none none community -
superuser                        all        all        all        all        all        all        -
note a day's online takings checked against the provider's statement (hooks/fees_online_reconcile.go); Wuye fills it in, and keeps every check

collection renovations
fields id serial community unit applicant tenant owner_consent contractor_name contractor_licence contractor_phone site_lead scope description drawings planned_start planned_end status submitted_at engineering_due approval_due engineer engineering_comment approver director_comment reject_reason review_overdue agreement_signed_at fees_fen fees_paid deposit_fen deposit permit_no permitted_at deposit_refund_due suspend_reason completion_requested_at resident_signed contractor_signed office_signed acceptance_changes accepted_at closed_at refunded_fen created updated
anonymous                        none       none       none       none       none       none       none
residents                        self       self       unit       self       none       self       self
technician admin_office                       none       none       none       none       none       none       none
front_desk area_manager engineer security cashier supervisor director other_staff community community none community none community community
superuser                        all        all        all        all        all        all        all

collection renovation_passes
fields id renovation serial worker_name id_no~{supervisor,director,other_staff,superuser} trade photo deposit_fen deposit valid_until returned_at issued_by created updated
anonymous                        none       none       none       none       none       none       none
residents                        self       self       none       none       none       self       self
technician admin_office                       none       none       none       none       none       none       none
area_manager engineer security cashier community community none none none community community
front_desk supervisor director other_staff community community community community none community community
superuser                        all        all        all        all        all        all        all

collection renovation_inspections
fields id renovation inspector inspected_on permit_posted working_hours_kept within_scope debris_cleared corridor_doors_closed no_open_flame wiring_safe extinguishers extinguishers_required photos result note created
anonymous                        none       none       none       none       none       none       none
residents                        self       self       none       none       none       self       self
technician admin_office                       none       none       none       none       none       none       none
front_desk cashier               community  community  none       none       none       community  community
area_manager engineer security supervisor director other_staff community community community none none community community
superuser                        all        all        all        all        all        all        all

collection renovation_violations
fields id renovation inspection severity kind description measures rectify_by deduct_fen status found_by recheck_note created updated
anonymous                        none       none       none       none       none       none       -
residents                        self       self       none       none       none       self       -
technician admin_office                       none       none       none       none       none       none       -
front_desk cashier               community  community  none       none       none       community  -
area_manager engineer security supervisor director other_staff community community community community none community -
superuser                        all        all        all        all        all        all        -

collection hot_work_permits
fields id renovation serial operator_name operator_cert place window_start window_end status security_by center_by approved_by reject_reason created updated
anonymous                        none       none       none       none       none       none       -
residents                        self       self       self       none       none       self       -
technician cashier admin_office               none       none       none       none       none       none       -
area_manager engineer security director community community none community none community -
front_desk supervisor other_staff community community  community  community  none       community  -
superuser                        all        all        all        all        all        all        -
note residents apply for their own renovations; the approvals are the flow in hooks/renovation_hot_work.go

collection vacancy_patrols
fields id unit patroller kind signed_in_at hygiene security doors_windows no_leaks structure fittings finding finding_category photos work_order created
anonymous residents              none       none       none       none       none       none       none
technician admin_office                       none       none       none       none       none       none       none
front_desk engineer security cashier community community none none none community community
area_manager                     community  community  assigned   none       none       community  community
supervisor director other_staff  community  community  community  none       none       community  community
superuser                        all        all        all        all        all        all        all

collection patrol_tasks
fields id community area manager unit kind period due_on status patrol escalated created updated
anonymous residents              none       none       none       none       none       none       -
front_desk area_manager technician engineer security cashier admin_office assigned assigned none none none assigned -
supervisor director other_staff  community  community  none       none       none       community  -
superuser                        all        all        all        all        all        all        -
note patrol tasks are planned by the cron job; a manager's page subscribes to patrol_tasks/* and hears of their own

collection keys
fields id community label kind unit building floor slot status created updated
anonymous residents              none       none       none       none       none       none       -
technician admin_office                       none       none       none       none       none       none       -
area_manager engineer security cashier community community none none none community -
front_desk supervisor director other_staff community community community community none community -
superuser                        all        all        all        all        all        all        -

collection key_loans
fields id key community borrower_staff borrower_name borrower_id_no~{supervisor,director,other_staff,superuser} borrower_phone~{front_desk,area_manager,supervisor,director,other_staff,superuser} purpose deposit_fen deposit lent_at due_at returned_at overdue lent_by created updated move_in
anonymous residents              none       none       none       none       none       none       -
technician admin_office                       none       none       none       none       none       none       -
area_manager engineer security cashier community community none none none community -
front_desk supervisor director other_staff community community community community none community -
superuser                        all        all        all        all        all        all        -

collection shift_handovers
fields id community from_staff to_staff status shift_start handed_at accepted_at cash_expected_fen cash_counted_fen cash_difference_fen items items_expected work_log open_items notes accept_note discrepancy created updated
anonymous residents              none       none       none       none       none       none       -
area_manager technician engineer security admin_office none none none none none none -
front_desk                       community  community  community  community  none       community  -
cashier                          community  community  none       none       none       community  -
supervisor director other_staff  community  community  none       community  none       community  -
superuser                        all        all        all        all        all        all        -
note the front desk's shift handover (交接班, hooks/desk_handovers.go): a clerk opens their own (one open at a time); the update rule admits the community's desk, supervisors and director, and the flow lets only the outgoing clerk hand over and only the incoming clerk accept; the work log, the cash expected and the expected counts are Wuye's

collection incidents
fields id serial community kind location building unit reported_at caller_name caller_phone description status reported_by responding_at response resolved_at resolution report_due reported_up_at report reported_up_by report_overdue created updated
anonymous residents              none       none       none       none       none       none       -
technician cashier admin_office  community  community  none       none       none       community  -
front_desk area_manager engineer security supervisor director other_staff community community community community none community -
superuser                        all        all        all        all        all        all        -
note emergencies and special incidents (hooks/desk_incidents.go): every member of staff of the community reads them; the desk, area managers, security, engineering and the managers register and act on them; the report is the desk's or the managers' (the flow)

collection visits
fields id community area unit building staff kind purpose resident contact_name contact_phone findings visited_at follow_up_kind follow_up_category follow_up follow_up_serial created updated revisit_of
anonymous residents              none       none       none       none       none       none       -
technician engineer security cashier admin_office none none none none none none -
front_desk                       community  community  none       none       none       community  -
area_manager                     community  community  assigned   none       none       community  -
supervisor director other_staff  community  community  community  none       none       community  -
superuser                        all        all        all        all        all        all        -
note the area managers' visits (hooks/field_visits.go): an area manager records them in their own area only, the supervisor and the director anywhere in their community; a visit is never changed or deleted
collection parcels
fields id community unit kind recipient_name carrier tracking_no note status received_at received_by notified_at called_at call_note picked_up_by picked_up_id_no~{supervisor,director,other_staff,superuser} signature picked_up_at handed_by return_reason returned_at created updated
anonymous                        none       none       none       none       none       none       none
residents                        unit       unit       none       none       none       unit       unit
technician engineer cashier admin_office none none     none       none       none       none       none
area_manager security            community  community  none       none       none       community  community
front_desk supervisor director other_staff community community community community none community community
superuser                        all        all        all        all        all        all        all
note the household's mail and parcels (hooks/desk_parcels.go): the desk signs for them, the unit's residents see theirs; the collector's ID number in full for the supervisor and the director only

collection lost_items
fields id serial community description found_at found_place finder_name finder_phone photo value_class keep_until status recorded_by due claimant_name claimant_id_no~{supervisor,director,other_staff,superuser} claimant_phone signature claimed_at handed_by disposal_note disposed_at disposed_by created updated item_name
anonymous residents              none       none       none       none       none       none       none
technician engineer cashier admin_office none none     none       none       none       none       none
area_manager                     community  community  none       none       none       community  community
front_desk security supervisor director other_staff community community community community none community community
superuser                        all        all        all        all        all        all        all
note residents see the held items without finder or claimant through GET /api/wuye/found-items (hooks/desk_lost_items.go), never the register

collection goods_passes
fields id serial community unit applicant? applicant_name applicant_phone~{front_desk,area_manager,security,supervisor,director,other_staff,superuser} items code bulky tenant valid_on status owner_consent consent_by? approved_by approved_at reject_reason used_at checked_by expired_at issued_by created updated
anonymous                        none       none       none       none       none       none       -
residents                        unit       unit       unit       unit       none       unit       -
technician engineer cashier admin_office none none     none       none       none       none       -
area_manager security            community  community  none       none       none       community  -
front_desk supervisor director other_staff community community community community none community -
superuser                        all        all        all        all        all        all        -
note a unit's residents ask for passes and an owner consents to a tenant's; the flow (hooks/desk_goods_passes.go) decides which change each may make; security uses a pass through POST /api/wuye/goods-passes/check

collection move_outs
fields id serial community unit resident resident_name relation requested_on move_out_on status note filed_by final_billed_at final_billed_by cleared_at cleared_by completed_at completed_by cancelled_at cancel_reason goods_pass created updated
anonymous                        none       none       none       none       none       none       -
residents                        self       self       unit       self       none       self       -
area_manager                     community  community  none       none       none       community  -
technician engineer security admin_office none none     none       none       none       none       -
front_desk cashier supervisor director other_staff community community community community none community -
superuser                        all        all        all        all        all        all        -
note the unit's owner or tenant asks (hooks/moveout.go refuses a family member) and follows their own move-out after their link ends; the flow decides which step each may take

collection enquiries
fields id community unit caller_name caller_phone channel topic answer answer_due answered_at converted_to converted_kind taken_by created updated
anonymous residents              none       none       none       none       none       none       -
technician engineer security cashier admin_office none none none none none     none       -
front_desk area_manager supervisor director other_staff community community community community none community -
superuser                        all        all        all        all        all        all        -

collection move_ins
fields id serial community building unit resident notice_date appointment_at status documents readings defects inspected_by documents_checked_at inspected_at ready_at keys_count keys_handed_at fees_billed_at covenant renovation_agreement fire_safety moved_in_on completed_at cancel_reason cancelled_at note handled_by created updated
anonymous                        none       none       none       none       none       none       none
residents                        self       self       none       none       none       self       self
technician security admin_office none       none       none       none       none       none       none
area_manager cashier             community  community  none       none       none       community  community
engineer                         community  community  none       community  none       community  community
front_desk supervisor director other_staff community community community community none community community
superuser                        all        all        all        all        all        all        all
note the move-in (入伙, hooks/movein.go): the desk, its supervisors and director open it; the flow decides which step each role takes (engineering inspects, the desk hands the keys, the supervisor or director cancels); the owner it is for follows it in the portal; never deleted
collection household_members
fields id community unit resident? name relation birth_year phone id_type id_no~{supervisor,director,other_staff,superuser} id_scans left_on active note created updated
anonymous                        none       none       none       none       none       none       none
owner neighbour outsider         unit       unit       unit       unit       unit       unit       none
tenant family former             unit       unit       none       none       none       unit       none
front_desk                       community  community  community  community  community  community  none
area_manager                     community  community  none       none       none       community  none
technician engineer security cashier admin_office none none none none none  none       none
supervisor director other_staff  community  community  community  community  community  community  community
superuser                        all        all        all        all        all        all        all
note the household file's members (hooks/households.go): the desk, the supervisors and the director keep it, the area managers read it, the household its own; an owner living in the unit keeps their own household's members; ID numbers in full for the supervisor and the director, and the ID scans for them only (householdScanGuard)

collection household_files
fields id community unit emergency_name emergency_phone emergency_relation tenant_link lease_start lease_end rent_fen lease_note note created updated
anonymous                        none       none       none       none       none       none       -
owner neighbour outsider         unit       unit       unit       unit       none       unit       -
tenant family former             unit       unit       none       none       none       unit       -
front_desk supervisor director other_staff community community community community none community -
area_manager                     community  community  none       none       none       community  -
technician engineer security cashier admin_office none none none none none  none       -
superuser                        all        all        all        all        all        all        -
note one per unit: the emergency contact and the tenancy terms; an owner changes only the emergency contact (hooks/households.go); never deleted

collection vehicles
fields id community unit plate new_energy brand color owner_name parking_space active note created updated
anonymous                        none       none       none       none       none       none       -
owner neighbour outsider         unit       unit       unit       unit       unit       unit       -
tenant family former             unit       unit       none       none       none       unit       -
front_desk supervisor director other_staff community community community community community community -
security                         community  community  none       none       none       community  -
area_manager                     community  community  none       none       none       community  -
technician engineer cashier admin_office none none     none       none       none       none       -
superuser                        all        all        all        all        all        all        -
note the household's vehicles: security reads them for the gate; a plate is validated and held once per community, a car stands on a space its unit holds

collection ownership_transfers
fields id serial community unit from_owners to_owners transferred_on reason documents note recorded_by created updated
anonymous residents              none       none       none       none       none       none       none
front_desk                       community  community  none       none       none       community  community
area_manager                     community  community  none       none       none       community  community
technician engineer security cashier admin_office none none none none none  none       none
supervisor director other_staff  community  community  community  none       none       community  community
superuser                        all        all        all        all        all        all        all
note 过户 (hooks/households_transfers.go): recorded by the supervisor or the director, it ends the old owners' (and their family's) links and starts the new owners'; history, never changed or deleted

collection notices
fields id community category title body pinned author published_at created updated audience buildings units starts_at ends_at urgent announced_at announced_count
anonymous                        none       none       none       none       none       none       -
residents                        unit       unit       none       none       none       unit       -
area_manager technician engineer security cashier admin_office community community none none none community -
front_desk supervisor director other_staff community community community community none community -
superuser                        all        all        all        all        all        all        -
note a notice's units are those of its audience (the community, some buildings or some units, migration 0082): a resident who lives in one reads it from starts_at until ends_at; staff of the community read every notice, scheduled and ended ones too

collection notice_reads
fields id notice resident read_at
anonymous                        none       none       none       none       none       none       -
residents                        self       self       none       none       none       self       -
front_desk area_manager technician engineer security cashier admin_office supervisor director other_staff community community none none none community -
superuser                        all        all        all        all        all        all        -
note read receipts, written by Wuye alone when a resident opens a notice (POST /api/wuye/notices/{id}/read, hooks/notices_reads.go): the resident reads their own, staff of the notice's community all

collection surveys
fields id community title intro kind questions audience buildings status created_by opened_at closed_at created updated
anonymous                        none       none       none       none       none       none       -
residents                        unit       unit       none       none       none       unit       -
technician engineer security cashier admin_office community community none none none community -
front_desk area_manager supervisor director other_staff community community community community none community -
superuser                        all        all        all        all        all        all        -
note a survey's units are those of its audience (the community or some buildings); residents read it once opened (hooks/surveys.go: draft → open → closed); the desk, area managers, supervisors and the director draw it up and run it; never deleted

collection survey_responses
fields id survey unit resident answers created
anonymous                        none       none       none       none       none       none       -
residents                        unit       unit       unit       none       none       unit       -
front_desk area_manager technician engineer security cashier admin_office supervisor director other_staff community community none none none community -
superuser                        all        all        all        all        all        all        -
note one per household (unit) per survey: a resident who lives in the unit answers for it as themselves while the survey is open and aimed at the unit (hooks/surveys.go); answers are kept

collection activities
fields id community title kind place description starts_at capacity created_by created updated
anonymous                        none       none       none       none       none       none       -
residents                        community  community  none       none       none       community  -
technician engineer security cashier admin_office community community none none none community -
front_desk area_manager supervisor director other_staff community community community community none community -
superuser                        all        all        all        all        all        all        -
note community activities and owners' forums ([000] 管理员 4.10); never deleted

collection activity_signups
fields id activity resident unit note attended marked_by created updated
anonymous                        none       none       none       none       none       none       -
residents                        self       self       community  none       self       self       -
technician engineer security cashier admin_office community community none none none community -
front_desk area_manager supervisor director other_staff community community none community none community -
superuser                        all        all        all        all        all        all        -
note a resident of the activity's community signs up as themselves and cancels their own until it starts (hooks/activities.go: places, once each, the start); the organisers mark attendance, and only that

collection kpi_targets
fields id community problem_solving_rate annual_satisfaction complaint_on_time_rate complaint_satisfaction reply_rate arrival_rate rework_rate order_satisfaction home_visit_share management_collection_rate utilities_collection_rate patrol_coverage renovation_reviews_overdue note updated_by created updated
anonymous residents              none       none       none       none       none       none       -
front_desk area_manager technician engineer security cashier supervisor admin_office other_staff community community none none none community -
director                         community  community  none       community  none       community  -
superuser                        all        all        all        all        all        all        -
note the dashboard's targets, one row per community with the manuals' defaults (migrations/0046_kpi_targets.go, hooks/reports_targets.go): every staff member of the community reads them, its director alone changes them; rows come with their community

# PocketBase's own collections.

collection _superusers
fields id password! tokenKey! email emailVisibility verified created updated
anonymous residents staff        none       none       none       none       none       none       -
superuser                        all        all        all        all        all        all        -

collection _mfas
fields id collectionRef recordRef method created updated
anonymous                        none       none       none       none       none       none       -
residents staff                  self       self       none       none       none       self       -
superuser                        all        all        all        all        all        all        -
note an account's multi-factor sign-in sessions: its own to read; PocketBase writes them

collection _otps
fields id collectionRef recordRef password{superuser} sentTo{superuser} created updated
anonymous                        none       none       none       none       none       none       -
residents staff                  self       self       none       none       none       self       -
superuser                        all        all        all        all        all        all        -
note one-time passwords: the account reads that one exists, never the code (hashed) nor where it went

collection _authOrigins
fields id collectionRef recordRef fingerprint created updated
anonymous                        none       none       none       none       none       none       -
residents staff                  self       self       none       none       self       self       -
superuser                        all        all        all        all        all        all        -
note the devices an account signed in from; the account may forget one

collection _externalAuths
fields id collectionRef recordRef provider providerId created updated
anonymous                        none       none       none       none       none       none       -
residents staff                  self       self       none       none       self       self       -
superuser                        all        all        all        all        all        all        -
note OAuth2 links of an account (none are configured); the account may unlink one
`

// recordFacts says, per collection, whom a record belongs to: the facts the
// scope words are defined over.
var recordFacts = map[string]func(w *world, r *core.Record) facts{
	core.CollectionNameSuperusers:    func(w *world, r *core.Record) facts { return facts{owners: []string{r.Id}} },
	core.CollectionNameMFAs:          ofAccount,
	core.CollectionNameOTPs:          ofAccount,
	core.CollectionNameAuthOrigins:   ofAccount,
	core.CollectionNameExternalAuths: ofAccount,
	"communities":                    func(w *world, r *core.Record) facts { return facts{communities: []string{r.Id}} },
	"staff": func(w *world, r *core.Record) facts {
		return facts{communities: r.GetStringSlice("communities"), owners: []string{r.Id}}
	},
	"residents": func(w *world, r *core.Record) facts {
		f := facts{owners: []string{r.Id}}
		for _, l := range w.linksOf[r.Id] {
			if l.GetBool("active") {
				f.communities = append(f.communities, w.str(l, "unit", "units", "community"))
			}
		}
		return f
	},
	"areas": func(w *world, r *core.Record) facts {
		return facts{communities: []string{r.GetString("community")}, assigned: []string{r.GetString("manager")}}
	},
	"buildings": func(w *world, r *core.Record) facts {
		return facts{communities: []string{r.GetString("community")}, units: w.unitsInBuilding[r.Id]}
	},
	"units": func(w *world, r *core.Record) facts {
		return facts{communities: []string{r.GetString("community")}, units: []string{r.Id}}
	},
	"unit_residents": func(w *world, r *core.Record) facts {
		return facts{communities: []string{w.str(r, "unit", "units", "community")}, units: []string{r.GetString("unit")},
			owners: []string{r.GetString("resident")}}
	},
	"notifications": func(w *world, r *core.Record) facts {
		return facts{owners: []string{r.GetString("recipient_staff"), r.GetString("recipient_resident")}}
	},
	"work_calendar": func(w *world, r *core.Record) facts { return facts{} },
	"complaints":    complaintFacts,
	"complaint_notes": func(w *world, r *core.Record) facts {
		c := w.get("complaints", r.GetString("complaint"))
		if c == nil {
			return facts{}
		}
		f := complaintFacts(w, c)
		f.units, f.owners = nil, nil
		return f
	},
	"service_items": func(w *world, r *core.Record) facts {
		return facts{communities: []string{r.GetString("community")}, staffOnly: !r.GetBool("active")}
	},
	"service_demands": ofUnit("resident"),
	"work_orders": func(w *world, r *core.Record) facts {
		f := ofUnit("requester")(w, r)
		f.household = livesThere(w, r.GetString("requester"), r.GetString("unit"))
		f.assigned, f.assignedOnly = []string{r.GetString("technician"), areaManagerFor(w, r)}, true
		if r.GetString("dispatch_mode") == "pool" && r.GetString("status") == "dispatched" && r.GetString("technician") == "" {
			for _, s := range w.recs["staff"] {
				if s.GetString("role") == "technician" && slices.Contains(s.GetStringSlice("communities"), r.GetString("community")) &&
					slices.Contains(s.GetStringSlice("skills"), r.GetString("category")) {
					f.assigned = append(f.assigned, s.Id)
				}
			}
		}
		return f
	},
	"fee_items":      ofCommunity,
	"sla_policies":   ofCommunity,
	"kpi_targets":    ofCommunity,
	"billing_runs":   ofCommunity,
	"import_batches": ofCommunity,
	"notices":        audienceFacts,
	"notice_reads": func(w *world, r *core.Record) facts {
		return facts{communities: []string{w.str(r, "notice", "notices", "community")}, owners: []string{r.GetString("resident")}}
	},
	"surveys": audienceFacts,
	"survey_responses": func(w *world, r *core.Record) facts {
		return facts{communities: []string{w.str(r, "survey", "surveys", "community")}, units: []string{r.GetString("unit")}}
	},
	"activities": ofCommunity,
	"activity_signups": func(w *world, r *core.Record) facts {
		return facts{communities: []string{w.str(r, "activity", "activities", "community")}, owners: []string{r.GetString("resident")}}
	},
	"meter_readings":         meterFacts,
	"meter_replacements":     meterFacts,
	"move_outs":              ofUnit("resident"),
	"bills":                  ofUnit(""),
	"payments":               ofUnit(""),
	"reminders":              ofUnit(""),
	"arrears_visits":         ofUnit(""),
	"deposits":               ofUnit(""),
	"deposit_refunds":        ofRenovation,
	"shift_handovers":        ofCommunity,
	"incidents":              ofCommunity,
	"visits":                 visitFacts,
	"online_orders":          ofUnit("resident"),
	"service_statements":     ofCommunity,
	"online_reconciliations": ofCommunity,
	"renovations":            ofUnit("applicant"),
	"deposit_movements": func(w *world, r *core.Record) facts {
		d := w.get("deposits", r.GetString("deposit"))
		if d == nil {
			return facts{}
		}
		return ofUnit("")(w, d)
	},
	"renovation_passes":      ofRenovation,
	"renovation_inspections": ofRenovation,
	"renovation_violations":  ofRenovation,
	"hot_work_permits":       ofRenovation,
	"vacancy_patrols": func(w *world, r *core.Record) facts {
		u := w.get("units", r.GetString("unit"))
		f := facts{communities: []string{w.str(r, "unit", "units", "community")}, units: []string{r.GetString("unit")}}
		if u != nil {
			if b := w.get("buildings", u.GetString("building")); b != nil {
				f.assigned = []string{w.str(b, "area", "areas", "manager")}
			}
		}
		return f
	},
	"patrol_tasks": func(w *world, r *core.Record) facts {
		return facts{communities: []string{r.GetString("community")}, units: []string{r.GetString("unit")}, assigned: []string{r.GetString("manager")}}
	},
	"keys": func(w *world, r *core.Record) facts {
		return facts{communities: []string{r.GetString("community")}, units: []string{r.GetString("unit")}}
	},
	"key_loans": func(w *world, r *core.Record) facts {
		return facts{communities: []string{r.GetString("community")}, owners: []string{r.GetString("borrower_staff")}}
	},
	"parcels":        ofUnit(""),
	"lost_items":     ofCommunity,
	"fanouts":        ofCommunity,
	"goods_passes":   ofUnit(""),
	"enquiries":      ofCommunity,
	"parking_spaces": ofUnit(""),
	"move_ins":       ofUnit("resident"),
	// The household file: of its unit.
	"household_members":   ofUnit(""),
	"household_files":     ofUnit(""),
	"vehicles":            ofUnit(""),
	"ownership_transfers": ofUnit(""),
}

// meterFacts: a meter's readings and replacements are the unit's; the area
// manager of the unit's area is assigned them (enters them).
func meterFacts(w *world, r *core.Record) facts {
	f := facts{communities: []string{w.str(r, "unit", "units", "community")}, units: []string{r.GetString("unit")}}
	if u := w.get("units", r.GetString("unit")); u != nil {
		if b := w.get("buildings", u.GetString("building")); b != nil {
			f.assigned = []string{w.str(b, "area", "areas", "manager")}
		}
	}
	return f
}

// (Set in init: eventFacts reads recordFacts.)
func init() { recordFacts["events"] = eventFacts }

// eventFacts: staff read an event as they may view its subject (the
// subject's declared view scope, by role, and its facts); a link to a unit
// is also about the resident (their communities). Residents read the
// public ones of their units, or those meant for them alone.
func eventFacts(w *world, r *core.Record) facts {
	f := facts{readers: []string{}}
	subject := r.GetString("subject_collection")
	if s := w.get(subject, r.GetString("subject_id")); s != nil && recordFacts[subject] != nil && w.decls[subject] != nil {
		sf := recordFacts[subject](w, s)
		f.communities, f.assigned, f.about, f.confidential, f.complaint = sf.communities, sf.assigned, sf.about, sf.confidential, sf.complaint
		if subject == "unit_residents" {
			if res := w.get("residents", s.GetString("resident")); res != nil {
				f.communities = append(f.communities, recordFacts["residents"](w, res).communities...)
			}
		}
		for _, role := range callerGroups["staff"] {
			scope := w.decls[subject].rows[role][slices.Index(matrixOps, "view")]
			if role != "other_staff" && (strings.Contains(scope, "community") || strings.Contains(scope, "open") || scope == "all") {
				f.readers = append(f.readers, role)
			}
		}
	}
	if r.GetBool("public") {
		if res := r.GetString("resident"); res != "" {
			f.owners = []string{res}
		} else {
			f.units = []string{r.GetString("unit")}
		}
	}
	return f
}

// ofAccount: PocketBase's record about an account (collectionRef,
// recordRef) is that account's own.
func ofAccount(w *world, r *core.Record) facts {
	for name, col := range w.cols {
		if col.Id == r.GetString("collectionRef") && w.get(name, r.GetString("recordRef")) != nil {
			return facts{owners: []string{r.GetString("recordRef")}}
		}
	}
	return facts{}
}

// audienceFacts: a notice or survey of a community, aimed at the units of
// its audience (every unit of the community, of some buildings, or some
// units); never for residents outside its time (a notice before starts_at
// or after ends_at, a survey still a draft).
func audienceFacts(w *world, r *core.Record) facts {
	f := facts{communities: []string{r.GetString("community")}}
	for _, u := range w.recs["units"] {
		in := u.GetString("community") == r.GetString("community")
		switch r.GetString("audience") {
		case "buildings":
			in = in && slices.Contains(r.GetStringSlice("buildings"), u.GetString("building"))
		case "units":
			in = in && slices.Contains(r.GetStringSlice("units"), u.Id)
		}
		if in {
			f.units = append(f.units, u.Id)
		}
	}
	if r.Collection().Name == "surveys" {
		f.staffOnly = r.GetString("status") == "draft"
	} else {
		at := time.Now()
		start, end := r.GetDateTime("starts_at"), r.GetDateTime("ends_at")
		f.staffOnly = start.IsZero() || start.Time().After(at) || (!end.IsZero() && !end.Time().After(at))
	}
	return f
}

func ofCommunity(w *world, r *core.Record) facts {
	return facts{communities: []string{r.GetString("community")}}
}

// ofUnit: a record of a community and a unit, filed by the resident in
// field owner (if any).
func ofUnit(owner string) func(w *world, r *core.Record) facts {
	return func(w *world, r *core.Record) facts {
		f := facts{communities: []string{r.GetString("community")}, units: []string{r.GetString("unit")}}
		if owner != "" {
			f.owners = []string{r.GetString(owner)}
		}
		return f
	}
}

func ofRenovation(w *world, r *core.Record) facts {
	if rn := w.get("renovations", r.GetString("renovation")); rn != nil {
		return ofUnit("applicant")(w, rn)
	}
	return facts{}
}

func complaintFacts(w *world, r *core.Record) facts {
	return facts{communities: []string{r.GetString("community")}, units: []string{r.GetString("unit")},
		owners: []string{r.GetString("resident")}, assigned: []string{r.GetString("handler"), areaManagerFor(w, r)}, assignedOnly: true,
		confidential: r.GetBool("about_service_center"), complaint: true, about: r.GetString("subject_staff"),
		household: !r.GetBool("anonymous") && livesThere(w, r.GetString("resident"), r.GetString("unit"))}
}

// livesThere: resident currently lives in unit (an active link).
func livesThere(w *world, resident, unit string) bool {
	if resident == "" || unit == "" {
		return false
	}
	for _, l := range w.linksOf[resident] {
		if l.GetString("unit") == unit && l.GetBool("active") {
			return true
		}
	}
	return false
}

// visitFacts: a visit of a community, assigned to the manager of its area
// (who alone of the area managers records one there).
func visitFacts(w *world, r *core.Record) facts {
	f := ofCommunity(w, r)
	if a := w.get("areas", r.GetString("area")); a != nil {
		f.assigned = []string{a.GetString("manager")}
	}
	return f
}

// areaManagerFor is the manager of the area of r's unit (or, without one,
// its building): who takes complaints and requests there
// (migrations/0065_area_manager_intake.go).
func areaManagerFor(w *world, r *core.Record) string {
	building := r.GetString("building")
	if u := w.get("units", r.GetString("unit")); u != nil {
		building = u.GetString("building")
	} else if r.GetString("unit") != "" {
		return ""
	}
	if b := w.get("buildings", building); b != nil {
		return w.str(b, "area", "areas", "manager")
	}
	return ""
}

// ---- data the demo lacks

// seedMatrix adds, without the hooks' validation, the records the demo
// does not have, so that every collection has records of the caller's own
// unit, a neighbour's and the other community, and every file field a file.
func seedMatrix(t *testing.T, app *tests.TestApp) {
	s := &seeder{t: t, app: app}
	id := func(key string) string { return testapp.ID(t, key) }
	ch, yx := id("community:CH"), id("community:YX")
	u101, u102, uA := id("unit:1-101"), id("unit:1-102"), id("unit:A-101")
	uA2 := id("unit:A-102")
	owner1, tenant1, owner2, former1, ownerYX := id("residents:owner1@example.com"), id("residents:tenant1@example.com"),
		id("residents:owner2@example.com"), id("residents:former1@example.com"), id("residents:owner.yx@example.com")
	desk, sup, tech1, supYX := id("staff:frontdesk@example.com"), id("staff:supervisor@example.com"),
		id("staff:tech1@example.com"), id("staff:supervisor.yx@example.com")

	complaint := func(community, unit, resident, phone, content string, extra map[string]any) *core.Record {
		f := map[string]any{"community": community, "unit": unit, "resident": resident, "contact_name": "住户",
			"contact_phone": phone, "channel": "portal", "category": "cleaning", "content": content, "status": "received"}
		for k, v := range extra {
			f[k] = v
		}
		return s.save("complaints", f)
	}
	cYX := complaint(yx, uA, ownerYX, "13800000021", "银杏苑楼道照明坏了", map[string]any{"handler": supYX})
	cTenant := complaint(ch, u101, tenant1, "13800000002", "租户投诉：空调外机噪音", nil)
	complaint(ch, u102, former1, "13800000005", "前租户的旧投诉", nil)
	// The household sees the others' complaints, not an anonymous one (migration 0052).
	complaint(ch, u101, owner1, "13800000001", "业主的匿名投诉", map[string]any{"anonymous": true})
	for _, c := range []*core.Record{cYX, cTenant, s.first("complaints", "resident = {:r}", owner1), s.first("complaints", "resident = {:r}", owner2)} {
		s.attach(c, "attachments")
	}
	s.save("complaint_notes", map[string]any{"complaint": cYX.Id, "author": supYX, "note": "内部备注"})
	for _, c := range []*core.Record{s.first("complaints", "resident = {:r}", owner1), s.first("complaints", "subject_staff = {:r}", desk),
		s.first("complaints", "handler = {:r}", tech1)} {
		s.save("complaint_notes", map[string]any{"complaint": c.Id, "author": sup, "note": "内部备注"})
	}
	s.save("events", map[string]any{"subject_collection": "complaints", "subject_id": cTenant.Id, "complaint": cTenant.Id, "action": "create",
		"community": ch, "unit": u101, "resident": tenant1, "public": true, "actor_resident": tenant1})
	s.save("events", map[string]any{"subject_collection": "complaints", "subject_id": cYX.Id, "complaint": cYX.Id, "action": "create",
		"community": yx, "unit": uA, "resident": ownerYX, "public": true, "actor_resident": ownerYX})
	s.save("events", map[string]any{"subject_collection": "units", "subject_id": uA, "action": "update", "community": yx, "unit": uA, "public": true})
	nYX := s.save("notifications", map[string]any{"recipient_resident": ownerYX, "kind": "probe", "title": "银杏苑通知"})
	s.save("notifications", map[string]any{"recipient_staff": supYX, "kind": "probe", "title": "银杏苑员工通知"})
	nTenant := s.save("notifications", map[string]any{"recipient_resident": tenant1, "kind": "probe", "title": "租户通知"})
	s.save("deliveries", map[string]any{"notification": nYX.Id, "recipient_resident": ownerYX, "community": yx, "kind": "probe", "channel": "sms",
		"status": "failed", "to": "138****0021", "attempts": 6, "last_error": "provider said 503", "provider": "sandbox"})
	s.save("deliveries", map[string]any{"notification": nTenant.Id, "recipient_resident": tenant1, "community": ch, "kind": "probe", "channel": "sms",
		"status": "pending", "to": "138****0002", "next_attempt_at": "2026-12-08 00:00:00.000Z", "provider": "sandbox"})
	s.save("notification_preferences", map[string]any{"recipient_resident": tenant1, "channels": []string{"sms", "email"}, "kind_channels": map[string]any{"notice": []string{}}})
	s.save("notification_preferences", map[string]any{"recipient_resident": ownerYX, "channels": []string{"wechat"}, "wechat_openid": "oPROBE-yx"})
	s.save("notification_preferences", map[string]any{"recipient_staff": supYX, "channels": []string{"email"}})
	s.save("push_subscriptions", map[string]any{"recipient_resident": tenant1, "endpoint": "https://push.example.com/probe/tenant1",
		"p256dh": "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4", "auth": "BTBZMqHH6r4Tts7J_aSIgg"})
	s.save("push_subscriptions", map[string]any{"recipient_staff": supYX, "endpoint": "https://push.example.com/probe/supYX",
		"p256dh": "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4", "auth": "BTBZMqHH6r4Tts7J_aSIgg"})
	s.save("wechat_sandbox", map[string]any{"openid": "oPROBE-yx", "template": "probe", "data": map[string]any{"title": "探测"}})
	s.save("work_calendar", map[string]any{"date": "2027-01-01", "kind": "holiday", "name": "元旦"})

	item := s.save("service_items", map[string]any{"community": yx, "code": "YX01", "name": "银杏苑保洁", "category": "cleaning", "kind": "paid", "price_fen": 5000, "active": true})
	s.save("service_items", map[string]any{"community": ch, "code": "OLD1", "name": "停用项目", "category": "other", "kind": "paid", "price_fen": 100, "active": false})
	s.save("service_demands", map[string]any{"community": yx, "unit": uA, "resident": ownerYX, "contact_name": "钱进", "contact_phone": "13800000021", "description": "银杏苑需求", "status": "open"})
	s.save("service_demands", map[string]any{"community": ch, "unit": u101, "resident": tenant1, "contact_name": "张伟", "contact_phone": "13800000002", "description": "租户需求", "status": "open"})
	order := func(community, unit, requester, phone, item string) *core.Record {
		return s.save("work_orders", map[string]any{"community": community, "unit": unit, "requester": requester, "contact_name": "住户",
			"contact_phone": phone, "kind": "paid", "category": "cleaning", "service_item": item, "description": "保洁", "status": "new"})
	}
	woYX := order(yx, uA, ownerYX, "13800000021", item.Id)
	order(ch, u102, former1, "13800000005", "") // a former household's order: not the new one's
	for _, o := range []*core.Record{woYX, order(ch, u101, tenant1, "13800000002", ""), s.first("work_orders", "requester = {:r}", owner1),
		s.first("work_orders", "requester = {:r}", owner2)} {
		s.attach(o, "photos")
	}

	fee := s.save("fee_items", map[string]any{"community": yx, "code": "WY", "name": "银杏苑物业费", "kind": "management", "basis": "per_m2_month",
		"price_fen": 200, "unit_types": []string{"residential"}, "cycle": "monthly", "active": true})
	s.save("meter_readings", map[string]any{"unit": uA, "meter": "water", "reading": 12, "read_on": "2026-11-01"})
	run := s.save("billing_runs", map[string]any{"community": yx, "period": "2026-11", "status": "done"})
	bill := s.save("bills", map[string]any{"community": yx, "unit": uA, "fee_item": fee.Id, "period": "2026-11", "period_start": "2026-11-01",
		"period_end": "2026-11-30", "amount_fen": 19720, "due_on": "2026-11-30", "status": "issued", "run": run.Id, "payer": ownerYX})
	s.save("payments", map[string]any{"community": yx, "unit": uA, "amount_fen": 100, "method": "cash", "payer_name": "钱进", "bills": []string{bill.Id}})
	s.save("reminders", map[string]any{"community": yx, "bill": bill.Id, "unit": uA, "stage": "1", "issued_on": "2026-12-01", "amount_fen": 19720})
	s.save("arrears_visits", map[string]any{"community": yx, "bill": bill.Id, "unit": uA, "step": "supervisor", "issued_on": "2026-12-01",
		"amount_fen": 19720, "status": "open"})
	deposit := func(community, unit, holder string) *core.Record {
		d := s.save("deposits", map[string]any{"community": community, "unit": unit, "kind": "other", "holder_name": holder,
			"amount_fen": 1000, "balance_fen": 1000, "status": "held"})
		s.save("deposit_movements", map[string]any{"deposit": d.Id, "kind": "deduct", "amount_fen": 100, "reason": "扣除"})
		return d
	}
	deposit(yx, uA, "钱进")
	deposit(ch, u101, "李明")
	deposit(ch, u102, "王芳")
	for i, o := range []struct{ community, unit, resident string }{{ch, u101, owner1}, {ch, u101, tenant1}, {ch, u102, owner2}, {yx, uA, ownerYX}} {
		s.save("online_orders", map[string]any{"trade_no": "PROBE" + string(rune('A'+i)), "community": o.community, "unit": o.unit,
			"bills": []string{bill.Id}, "amount_fen": 100, "provider": "wechat", "status": "pending", "resident": o.resident})
	}
	s.save("service_statements", map[string]any{"community": yx, "month": "2026-11", "status": "draft", "orders": 0, "lines": []any{}})
	s.save("online_reconciliations", map[string]any{"community": yx, "provider": "wechat", "day": "2026-11-30", "status": "matched",
		"statement": []any{}, "lines": []any{}})

	for _, a := range []struct{ community, unit, applicant string }{{ch, u101, owner1}, {ch, u101, tenant1}, {ch, u102, owner2}, {yx, uA, ownerYX}} {
		r := s.save("renovations", map[string]any{"community": a.community, "unit": a.unit, "applicant": a.applicant,
			"contractor_name": "装修公司", "contractor_phone": "13600000000", "scope": []string{"walls"},
			"planned_start": "2026-12-01", "planned_end": "2026-12-31", "status": "submitted"})
		s.attach(r, "drawings")
		s.attach(r, "owner_consent")
		pass := s.save("renovation_passes", map[string]any{"renovation": r.Id, "worker_name": "工人", "id_no": "500101199001011234"})
		s.attach(pass, "photo")
		in := s.save("renovation_inspections", map[string]any{"renovation": r.Id, "inspected_on": "2026-12-02", "extinguishers": 1, "result": "ok"})
		s.attach(in, "photos")
		s.save("renovation_violations", map[string]any{"renovation": r.Id, "severity": "minor", "kind": "debris", "description": "垃圾", "status": "open"})
		s.save("hot_work_permits", map[string]any{"renovation": r.Id, "operator_name": "焊工", "operator_cert": "T123", "place": "阳台",
			"window_start": "2026-12-03 01:00:00.000Z", "window_end": "2026-12-03 09:00:00.000Z", "status": "requested"})
		s.save("deposit_refunds", map[string]any{"renovation": r.Id, "community": a.community, "unit": a.unit, "status": "paid",
			"deposit_fen": 1000, "amount_fen": 1000, "payee_name": "业主", "method": "cash", "paid_by": supYX})
	}

	patrol := s.save("vacancy_patrols", map[string]any{"unit": uA2, "patroller": supYX, "kind": "weekly"})
	s.attach(patrol, "photos")
	s.attach(s.first("vacancy_patrols", "unit.community = {:r}", ch), "photos")
	s.save("patrol_tasks", map[string]any{"community": yx, "manager": supYX, "unit": uA2, "kind": "weekly", "period": "2026-W48", "due_on": "2026-11-29", "status": "open"})
	key := s.save("keys", map[string]any{"community": yx, "label": "A-102 入户门", "kind": "vacant_unit", "unit": uA2, "status": "out"})
	s.save("key_loans", map[string]any{"key": key.Id, "community": yx, "borrower_name": "钱进", "borrower_id_no": "500101198001011234",
		"borrower_phone": "13800000021", "purpose": "看房"})
	deskYX := id("staff:frontdesk.yx@example.com")
	for _, hv := range []struct{ community, from, to string }{{ch, desk, id("staff:frontdesk2@example.com")}, {yx, deskYX, ""}} {
		s.save("shift_handovers", map[string]any{"community": hv.community, "from_staff": hv.from, "to_staff": hv.to, "status": "accepted",
			"items": map[string]int{"remotes": 3}, "cash_counted_fen": 100, "cash_expected_fen": 100})
	}
	for _, c := range []string{ch, yx} {
		s.save("incidents", map[string]any{"community": c, "kind": "power_outage", "location": "配电房", "description": "停电",
			"status": "reported", "reported_at": "2026-12-01 02:00:00.000Z"})
	}
	s.save("visits", map[string]any{"community": ch, "area": id("area:一片区"), "unit": u102, "building": id("building:CH-1"),
		"staff": id("staff:areamgr@example.com"), "kind": "door_to_door", "purpose": "routine", "findings": "走访"})
	s.save("visits", map[string]any{"community": ch, "area": id("area:二片区"), "building": id("building:CH-3"),
		"staff": id("staff:areamgr2@example.com"), "kind": "building_patrol", "purpose": "routine", "findings": "巡查"})
	s.save("visits", map[string]any{"community": yx, "unit": uA, "staff": supYX, "kind": "door_to_door", "purpose": "routine", "findings": "走访"})

	// The front desk's registers: of the caller's unit, a neighbour's and
	// the other community.
	for i, p := range []struct{ community, unit string }{{ch, u101}, {ch, u102}, {yx, uA}} {
		parcel := s.save("parcels", map[string]any{"community": p.community, "unit": p.unit, "kind": "registered_mail", "carrier": "中国邮政",
			"tracking_no": "XA" + p.unit, "status": "picked_up", "picked_up_by": "收件人", "picked_up_id_no": "500101199001011234"})
		s.attach(parcel, "signature")
		s.save("goods_passes", map[string]any{"community": p.community, "unit": p.unit, "applicant_name": "搬家人", "applicant_phone": "13800000031",
			"items": "沙发", "valid_on": "2026-12-01", "status": "requested", "code": "PROBE" + strconv.Itoa(i)})
	}
	lost := s.save("lost_items", map[string]any{"community": yx, "description": "银杏苑拾到的手机", "found_at": "2026-11-30 02:00:00.000Z",
		"found_place": "银杏苑大门", "finder_name": "保安甲", "finder_phone": "13800000032", "value_class": "valuable", "keep_until": "2027-11-30",
		"status": "claimed", "claimant_name": "失主", "claimant_id_no": "500101199001011234"})
	s.attach(lost, "photo")
	s.attach(lost, "signature")
	s.save("enquiries", map[string]any{"community": yx, "unit": uA, "caller_name": "钱进", "caller_phone": "13800000021", "channel": "phone",
		"topic": "银杏苑咨询"})
	// Move-ins: of the caller's unit (theirs), and of the other community.
	for _, mi := range []struct{ community, unit, resident string }{{ch, u101, owner1}, {yx, uA, ownerYX}} {
		m := s.save("move_ins", map[string]any{"community": mi.community, "unit": mi.unit, "resident": mi.resident,
			"notice_date": "2026-11-01", "status": "completed"})
		s.attach(m, "covenant")
	}

	// The household file: 银杏苑's file and a transfer of each community,
	// and the scans and documents to probe.
	s.save("household_files", map[string]any{"community": yx, "unit": uA, "emergency_name": "钱母", "emergency_phone": "13800000022"})
	for _, u := range []string{u102, uA} {
		community := ch
		if u == uA {
			community = yx
		}
		tr := s.save("ownership_transfers", map[string]any{"community": community, "unit": u, "to_owners": []string{former1},
			"transferred_on": "2024-01-01", "reason": "sale", "serial": "GH-PROBE-" + u})
		s.attach(tr, "documents")
	}
	for _, u := range []string{u101, u102, uA} {
		s.attach(s.first("household_members", "unit = {:r} && id_no != ''", u), "id_scans")
	}

	// An import of each community, with its file (the demo has a dry run of
	// 翠湖花园's; hooks/imports.go).
	for _, c := range []struct{ community, staff string }{{ch, sup}, {yx, supYX}} {
		b := s.save("import_batches", map[string]any{"community": c.community, "kind": "buildings", "file_name": "b.csv", "dry_run": false,
			"outcome": "applied", "rows": 1, "created": 1, "actor_staff": c.staff, "errors": []any{}, "changes": map[string]any{}})
		s.attach(b, "file")
	}

	// PocketBase's records about accounts: of a resident, a former resident,
	// a resident and a supervisor of the other community, a clerk and a
	// superuser.
	root, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, "root@example.com")
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range []struct{ collection, id string }{{"residents", owner1}, {"residents", former1}, {"residents", ownerYX},
		{"staff", desk}, {"staff", supYX}, {core.CollectionNameSuperusers, root.Id}} {
		col, err := app.FindCachedCollectionByNameOrId(a.collection)
		if err != nil {
			t.Fatal(err)
		}
		ref := map[string]any{"collectionRef": col.Id, "recordRef": a.id}
		with := func(more map[string]any) map[string]any {
			out := maps.Clone(ref)
			maps.Copy(out, more)
			return out
		}
		n := strconv.Itoa(i)
		s.save(core.CollectionNameMFAs, with(map[string]any{"method": "password"}))
		s.save(core.CollectionNameOTPs, with(map[string]any{"password": "12345678", "sentTo": "probe" + n + "@example.com"}))
		s.save(core.CollectionNameAuthOrigins, with(map[string]any{"fingerprint": "probe-device-" + n}))
		s.save(core.CollectionNameExternalAuths, with(map[string]any{"provider": "google", "providerId": "probe-" + n}))
	}
}

type seeder struct {
	t   *testing.T
	app *tests.TestApp
}

func (s *seeder) save(collection string, fields map[string]any) *core.Record {
	s.t.Helper()
	col, err := s.app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		s.t.Fatal(err)
	}
	r := core.NewRecord(col)
	for k, v := range fields {
		r.Set(k, v)
	}
	if err := s.app.SaveNoValidate(r); err != nil {
		s.t.Fatalf("seed %s: %v", collection, err)
	}
	return r
}

func (s *seeder) first(collection, filter, value string) *core.Record {
	s.t.Helper()
	r, err := s.app.FindFirstRecordByFilter(collection, filter, map[string]any{"r": value})
	if err != nil {
		s.t.Fatalf("seed: no %s with %s = %s", collection, filter, value)
	}
	return r
}

// onePixel is a 1×1 PNG.
var onePixel = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0,
	0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 13, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d, 0x0a, 0x2d, 0xb4, 0, 0, 0, 0,
	'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82}

func (s *seeder) attach(r *core.Record, field string) {
	s.t.Helper()
	f, err := filesystem.NewFileFromBytes(onePixel, "probe.png")
	if err != nil {
		s.t.Fatal(err)
	}
	// A fresh copy: the one just created still has its pre-save original.
	fresh, err := s.app.FindRecordById(r.Collection(), r.Id)
	if err != nil {
		s.t.Fatal(err)
	}
	fresh.Set(field, []*filesystem.File{f})
	if err := s.app.SaveNoValidate(fresh); err != nil {
		s.t.Fatalf("seed file %s.%s: %v", r.Collection().Name, field, err)
	}
}
