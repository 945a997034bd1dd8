package hooks

import (
	"fmt"
	"math"
	"slices"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// inspectionChecks are the checklist items that must hold ([004] 四 3 5.2.3, 三 11.3).
var inspectionChecks = []string{"permit_posted", "working_hours_kept", "within_scope", "debris_cleared",
	"corridor_doors_closed", "no_open_flame", "wiring_safe"}

// ExtinguishersRequired is one 2 kg extinguisher per 50 m², a part counting
// as 50 m² [004 装修管理规定].
func ExtinguishersRequired(areaM2 float64) int {
	return int(math.Ceil(areaM2/50 - 1e-9))
}

func registerRenovationSite(app core.App) {
	app.OnRecordCreateRequest("renovation_inspections").BindFunc(func(e *core.RecordRequestEvent) error {
		in := e.Record
		reno, err := e.App.FindRecordById("renovations", in.GetString("renovation"))
		if err != nil || (reno.GetString("status") != "permitted" && reno.GetString("status") != "suspended") {
			return badRequest(validation.Errors{"renovation": codedError("wuye_not_on_site")})
		}
		unit, err := e.App.FindRecordById("units", reno.GetString("unit"))
		if err != nil {
			return err
		}
		in.Set("inspector", actorID(e.Auth))
		in.Set("inspected_on", today())
		required := ExtinguishersRequired(unit.GetFloat("area_m2"))
		in.Set("extinguishers_required", required)
		result := "ok"
		if in.GetInt("extinguishers") < required {
			result = "issues"
		}
		for _, c := range inspectionChecks {
			if !in.GetBool(c) {
				result = "issues"
			}
		}
		in.Set("result", result)
		return inTx(e, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: reno, Action: "inspection", Actor: e.Auth, Public: true, Note: result})
		})
	})
	app.OnRecordCreateRequest("renovation_violations").BindFunc(recordViolation)
	app.OnRecordUpdateRequest("renovation_violations").BindFunc(func(e *core.RecordRequestEvent) error {
		v, orig := e.Record, e.Record.Original()
		for _, f := range changedFields(orig, v) {
			if f != "status" && f != "recheck_note" {
				return badRequest(validation.Errors{f: codedError("wuye_field_locked")})
			}
		}
		if orig.GetString("status") != "open" {
			return badRequest(validation.Errors{"status": codedError("wuye_field_locked")})
		}
		return inTx(e, func(tx core.App) error {
			if v.GetString("status") == orig.GetString("status") {
				return nil
			}
			reno, err := tx.FindRecordById("renovations", v.GetString("renovation"))
			if err != nil {
				return err
			}
			if err := RecordEvent(tx, Event{Subject: reno, Action: "violation_" + v.GetString("status"), Actor: e.Auth, Public: true,
				Note: v.GetString("recheck_note")}); err != nil {
				return err
			}
			if v.GetString("status") == "escalated" {
				return notifyManagers(tx, reno, "renovation_violation_escalated",
					fmt.Sprintf("装修 %s 违规复查未整改，已升级", reno.GetString("serial")))
			}
			return nil
		})
	})
	app.OnRecordDelete("renovation_inspections", "renovation_violations").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_never_deleted_renovation")})
	})
	// At the end of the working day: which sites went uninspected?
	addJob(app, "wuye_missed_inspections", "0 18 * * *", jobStep{"missed inspections", daily(FlagMissedInspections)})
}

// recordViolation takes a violation found on site and applies its measures:
// stopping work suspends the renovation; a deduction comes off the deposit
// (and so off the refund); a major violation goes to the supervisors and the
// director with the rectification notice.
func recordViolation(e *core.RecordRequestEvent) error {
	v := e.Record
	reno, err := e.App.FindRecordById("renovations", v.GetString("renovation"))
	if err != nil || !slices.Contains([]string{"permitted", "suspended"}, reno.GetString("status")) {
		return badRequest(validation.Errors{"renovation": codedError("wuye_not_on_site")})
	}
	measures := v.GetStringSlice("measures")
	if slices.Contains(measures, "deduct") && v.GetInt("deduct_fen") <= 0 {
		return badRequest(validation.Errors{"deduct_fen": codedError("wuye_amount_positive")})
	}
	v.Set("status", "open")
	v.Set("recheck_note", nil) // written at the recheck
	v.Set("found_by", actorID(e.Auth))
	return inTx(e, func(tx core.App) error {
		if slices.Contains(measures, "deduct") {
			d, err := tx.FindRecordById("deposits", reno.GetString("deposit"))
			if err != nil {
				return badRequest(validation.Errors{"deduct_fen": codedError("wuye_no_deposit")})
			}
			if err := moveDeposit(tx, d, "deduct", int64(v.GetInt("deduct_fen")), "装修违规："+v.GetString("description"), e.Auth); err != nil {
				return err
			}
		}
		if slices.Contains(measures, "stop_work") && reno.GetString("status") == "permitted" {
			if _, err := AdvanceRenovation(tx, reno.Id, nil, "suspended", map[string]any{"suspend_reason": v.GetString("description")}); err != nil {
				return err
			}
		}
		if err := RecordEvent(tx, Event{Subject: reno, Action: "violation", Actor: e.Auth, Public: true,
			Note: severityLabels[v.GetString("severity")] + "：" + v.GetString("description")}); err != nil {
			return err
		}
		if v.GetString("severity") == "major" {
			return notifyManagers(tx, reno, "renovation_violation",
				fmt.Sprintf("装修 %s 重大违规：%s，已发整改通知书", reno.GetString("serial"), shorten(v.GetString("description"), 30)))
		}
		return nil
	})
}

// FlagMissedInspections records, once per site and day, every permitted
// renovation that had no inspection on day (YYYY-MM-DD), and tells the
// area manager of its building. Each site is judged again inside the write
// transaction, so one inspected (or stopped) between the job's query and its
// write is not reported.
func FlagMissedInspections(app core.App, day string) (int, error) {
	flagged, err := eachCandidate(app, "missed_inspections", "renovations", missedInspectionOn(day, ""), func(tx core.App, r, _ *core.Record) (bool, error) {
		if still, err := exists(tx, "renovations", missedInspectionOn(day, r.Id), ""); err != nil || !still {
			return false, err
		}
		if err := RecordEvent(tx, Event{Subject: r, Action: "missed_inspection", Note: day}); err != nil {
			return false, err
		}
		if m := areaManagerOf(tx, r.GetString("unit")); m != nil {
			if err := Notify(tx, Notice{Recipient: m, Kind: "renovation_missed_inspection", Subject: r,
				Title: fmt.Sprintf("装修 %s 今天（%s）没有巡查记录", r.GetString("serial"), day)}); err != nil {
				return false, err
			}
		}
		return true, nil
	})
	if err != nil {
		return 0, fmt.Errorf("missed inspections: %w", err)
	}
	return flagged, nil
}

// missedInspectionOn selects the permitted renovations (only id, if given)
// with no inspection on day and not yet reported for it.
func missedInspectionOn(day, id string) dbx.Expression {
	where := dbx.And(dbx.HashExp{"status": "permitted"},
		dbx.NewExp(`NOT EXISTS (SELECT 1 FROM renovation_inspections i WHERE i.renovation = renovations.id AND i.inspected_on = {:day})
			AND NOT EXISTS (SELECT 1 FROM events ev WHERE ev.subject_id = renovations.id AND ev.action = 'missed_inspection' AND ev.note = {:day})`,
			dbx.Params{"day": day}))
	if id != "" {
		where = dbx.And(where, dbx.HashExp{"id": id})
	}
	return where
}

// severityLabels name a violation's severity in the resident's timeline.
var severityLabels = map[string]string{"minor": "一般违规", "major": "严重违规"}
