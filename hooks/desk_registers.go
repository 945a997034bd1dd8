package hooks

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"wuye/migrations"
)

// The front desk's registers (docs/DESIGN.md, "Front desk registers"): mail
// and parcels (desk_parcels.go), lost and found (desk_lost_items.go), goods
// passes (desk_goods_passes.go) and enquiries (desk_enquiries.go). This
// file holds what they share: who keeps them, their messages and field
// labels, and the month's figures for the monthly report.

// The flow parties of the registers that are not staff roles.
const (
	actorOwner    = "owner"    // an owner of the pass's unit, in the portal (consents to a tenant's pass)
	actorGate     = "gate"     // security at the gate, through POST /api/wuye/goods-passes/check
	actorSchedule = "schedule" // the daily job (a pass not used on its day expires)
)

var (
	deskWriters    = migrations.DeskRegisterWriters
	deskReaders    = migrations.DeskRegisterReaders
	lostWriters    = migrations.LostItemWriters
	enquiryKeepers = migrations.EnquiryKeepers
)

// staffActor: a register's steps are taken by staff roles (the API rule has
// checked the community).
func staffActor(auth, r *core.Record) []string {
	if isStaff(auth) {
		return []string{auth.GetString("role")}
	}
	return nil
}

var deskMessages = map[string]text{
	"wuye_parcel_id_needed":   {"挂号信须凭身份证件领取：请登记领取人的证件号码", "Registered mail is handed over against an ID: enter the collector's ID number."},
	"wuye_found_in_future":    {"拾获时间不能晚于现在", "The time found cannot be in the future."},
	"wuye_lost_not_due":       {"保管期限到 %[1]v，期满前不能处理", "It is kept until %[2]v and cannot be disposed of before."},
	"wuye_pass_day_past":      {"出门日期不能早于今天", "The day the goods leave cannot be before today."},
	"wuye_pass_owner_consent": {"租户搬出家具、家电须经业主同意：请业主在住户服务中同意，或登记业主同意的方式", "A tenant's furniture or appliances leave only with the owner's consent: the owner agrees in the portal, or record how the owner agreed."},
	"wuye_pass_consent_owner": {"只有本房屋的业主可以同意出门条", "Only an owner of the unit can consent to a pass."},
	"wuye_pass_unknown":       {"没有这张出门条，请核对出门条上的验证码", "No pass has this code: check the code on the pass."},
	"wuye_pass_used":          {"这张出门条已经使用过，不能再次放行", "This pass has already been used: do not let the goods out again."},
	"wuye_pass_wrong_day":     {"这张出门条只在 %[1]v 当天有效，不能放行", "This pass is valid on %[2]v only: do not let the goods out."},
	"wuye_pass_not_approved":  {"这张出门条%[1]v，不能放行", "This pass is %[2]v: do not let the goods out."},
	"wuye_pass_gate_only":     {"放行须在门岗凭验证码核验", "A pass is used only by checking its code at the gate."},
	"wuye_enquiry_converted":  {"这条咨询已经转为投诉或派工单", "This enquiry has already become a complaint or work order."},
	"wuye_enquiry_convert_to": {"请选择转为投诉还是派工单", "Choose whether it becomes a complaint or a work order."},
	"wuye_unit_of_community":  {"房屋不属于这个小区", "The unit is not in this community."},
}

var deskFieldLabels = map[string]text{
	"kind": {"类别", "Kind"}, "recipient_name": {"收件人", "Recipient"}, "carrier": {"承运方", "Carrier"},
	"tracking_no": {"单号", "Tracking number"}, "note": {"备注", "Note"}, "notified_at": {"通知时间", "Notified at"},
	"called_at": {"电话联系时间", "Called at"}, "call_note": {"联系情况", "Call note"}, "picked_up_by": {"领取人", "Collected by"},
	"picked_up_id_no": {"领取人证件号", "Collector's ID number"}, "picked_up_at": {"领取时间", "Collected at"},
	"handed_by": {"经手人", "Handed over by"}, "return_reason": {"退件原因", "Reason for return"}, "returned_at": {"归还时间", "Returned at"},
	"received_by": {"签收人", "Signed for by"}, "description": {"物品名称及特征", "Item and features"}, "found_at": {"拾获时间", "Found at"},
	"found_place": {"拾获地点", "Found at (place)"}, "finder_name": {"拾获人", "Finder"}, "finder_phone": {"拾获人电话", "Finder's phone"},
	"photo": {"照片", "Photo"}, "value_class": {"物品类别", "Value class"}, "keep_until": {"保管期限", "Kept until"},
	"recorded_by": {"记录人", "Recorded by"}, "due": {"保管期满", "Period over"}, "claimant_name": {"认领人", "Claimant"},
	"claimant_id_no": {"认领人证件号", "Claimant's ID number"}, "claimant_phone": {"认领人电话", "Claimant's phone"},
	"claimed_at": {"认领时间", "Claimed at"}, "disposal_note": {"处理记录", "Disposal record"}, "disposed_at": {"处理时间", "Disposed of at"},
	"disposed_by": {"处理人", "Disposed of by"}, "applicant_name": {"申请人", "Applicant"}, "applicant_phone": {"申请人电话", "Applicant's phone"},
	"items": {"物品清单", "Items"}, "bulky": {"含家具、家电", "Furniture or appliances"}, "valid_on": {"出门日期", "Day of leaving"},
	"owner_consent": {"业主同意方式", "Owner's consent"}, "consent_by": {"同意的业主", "Consenting owner"},
	"approved_by": {"确认人", "Confirmed by"}, "approved_at": {"确认时间", "Confirmed at"}, "used_at": {"放行时间", "Let out at"},
	"checked_by": {"放行人", "Checked by"}, "expired_at": {"过期时间", "Expired at"}, "caller_name": {"来访/来电人", "Caller"},
	"caller_phone": {"联系电话", "Caller's phone"}, "topic": {"咨询事项", "Topic"}, "answer_due": {"约定答复日期", "Answer promised by"},
	"answered_at": {"答复时间", "Answered at"}, "converted_to": {"转为", "Became"}, "converted_kind": {"转为类别", "Became a"},
	"taken_by": {"受理人", "Taken by"}, "tenant": {"租户申请", "Tenant's application"},
}

func init() {
	for k, v := range deskMessages {
		messages[k] = v
	}
	for k, v := range deskFieldLabels {
		if _, ok := fieldLabels[k]; !ok {
			fieldLabels[k] = v
		}
	}
}

// refuseDelete keeps a register's records: a mistake is corrected, never
// erased (docs/DESIGN.md, "Front desk registers").
func refuseDelete(e *core.RecordEvent) error {
	return badRequest(validation.Errors{"id": codedError("wuye_record_kept")})
}

// unitCommunity is the community of the unit with id, or a 400 on field.
func unitCommunity(app core.App, id, field string) (string, error) {
	u, err := app.FindRecordById("units", id)
	if err != nil {
		return "", badRequest(validation.Errors{field: codedError("validation_missing_rel_records")})
	}
	return u.GetString("community"), nil
}

// DeskMonth are a community's front-desk figures for one Shanghai month,
// for the monthly service-center report (issue #21 item 8).
type DeskMonth struct {
	Enquiries          int `db:"enquiries" json:"enquiries"`
	EnquiriesConverted int `db:"enquiries_converted" json:"enquiries_converted"`
	ParcelsReceived    int `db:"parcels_received" json:"parcels_received"`
	ParcelsPickedUp    int `db:"parcels_picked_up" json:"parcels_picked_up"`
	ParcelsReturned    int `db:"parcels_returned" json:"parcels_returned"`
	LostFound          int `db:"lost_found" json:"lost_found"`
	LostClaimed        int `db:"lost_claimed" json:"lost_claimed"`
	LostDisposed       int `db:"lost_disposed" json:"lost_disposed"`
	PassesIssued       int `db:"passes_issued" json:"passes_issued"`
	PassesUsed         int `db:"passes_used" json:"passes_used"`
}

// deskMonthSQL counts each register's records of the month (:from–:to,
// UTC timestamps of the Shanghai month) in one query.
const deskMonthSQL = `SELECT
	(SELECT COUNT(*) FROM enquiries WHERE community = {:c} AND created >= {:from} AND created < {:to}) AS enquiries,
	(SELECT COUNT(*) FROM enquiries WHERE community = {:c} AND created >= {:from} AND created < {:to} AND converted_to != '') AS enquiries_converted,
	(SELECT COUNT(*) FROM parcels WHERE community = {:c} AND received_at >= {:from} AND received_at < {:to}) AS parcels_received,
	(SELECT COUNT(*) FROM parcels WHERE community = {:c} AND picked_up_at >= {:from} AND picked_up_at < {:to}) AS parcels_picked_up,
	(SELECT COUNT(*) FROM parcels WHERE community = {:c} AND returned_at >= {:from} AND returned_at < {:to}) AS parcels_returned,
	(SELECT COUNT(*) FROM lost_items WHERE community = {:c} AND found_at >= {:from} AND found_at < {:to}) AS lost_found,
	(SELECT COUNT(*) FROM lost_items WHERE community = {:c} AND claimed_at >= {:from} AND claimed_at < {:to}) AS lost_claimed,
	(SELECT COUNT(*) FROM lost_items WHERE community = {:c} AND disposed_at >= {:from} AND disposed_at < {:to}) AS lost_disposed,
	(SELECT COUNT(*) FROM goods_passes WHERE community = {:c} AND approved_at >= {:from} AND approved_at < {:to}) AS passes_issued,
	(SELECT COUNT(*) FROM goods_passes WHERE community = {:c} AND used_at >= {:from} AND used_at < {:to}) AS passes_used`

// DeskMonthFigures are community's front-desk figures for the month of
// month (any time in it, Shanghai), for the monthly report.
func DeskMonthFigures(app core.App, community string, month time.Time) (DeskMonth, error) {
	var out DeskMonth
	_, _, p := monthBounds(month)
	p["c"] = community
	if err := app.DB().NewQuery(deskMonthSQL).Bind(p).One(&out); err != nil {
		return out, fmt.Errorf("front desk figures: %w", err)
	}
	return out, nil
}

// deskCount is COUNT(*) of collection where cond, with params.
func deskCount(app core.App, collection, cond string, params dbx.Params) (int, error) {
	var n int
	err := app.DB().NewQuery("SELECT COUNT(*) FROM " + collection + " WHERE " + cond).Bind(params).Row(&n)
	return n, err
}
