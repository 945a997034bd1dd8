package hooks

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/workcal"
)

// Community activities (社区文化活动 and owners' forums 恳谈会, [000] 管理员
// 4.10): the office announces an activity with a start and a number of
// places; residents of the community sign up on the portal — once each,
// while places are left, until it starts — and may cancel before it
// starts; the organisers mark who came. The dashboard counts the quarter's
// activities, sign-ups and attendance.

func init() {
	messages["wuye_activity_full"] = text{"名额已满，报名未成功", "The activity is full; you are not signed up."}
	messages["wuye_activity_started"] = text{"活动已开始，不能再报名或取消", "The activity has started; sign-ups can no longer be made or cancelled."}
	messages["wuye_activity_signed_up"] = text{"您已报名该活动", "You have already signed up."}
	messages["wuye_activity_unit"] = text{"只能用您现在居住的房屋报名", "Sign up with a unit you live in now."}
	messages["wuye_activity_attendance_only"] = text{"报名记录只能登记是否到场", "Only attendance can be marked on a sign-up."}
	messages["wuye_activity_capacity"] = text{"名额不能少于已报名人数（%[1]v）", "The places cannot be fewer than those signed up (%[1]v)."}
	messages["wuye_activity_final"] = text{"活动记录不能删除", "An activity is never deleted."}
}

func registerActivities(app core.App) {
	app.OnRecordCreateRequest("activities").BindFunc(func(e *core.RecordRequestEvent) error {
		e.Record.Set("created_by", "")
		if isStaff(e.Auth) {
			e.Record.Set("created_by", e.Auth.Id)
		}
		return inTx(e, func(tx core.App) error {
			if err := RecordEvent(tx, Event{Subject: e.Record, Action: "activity_announced", Actor: e.Auth, Note: e.Record.GetString("title")}); err != nil {
				return err
			}
			return announceToResidents(tx, e.Record, Audience{Community: e.Record.GetString("community"), Kind: "community"}, "activity", e.Record.GetString("title"))
		})
	})
	app.OnRecordUpdateRequest("activities").BindFunc(func(e *core.RecordRequestEvent) error {
		orig := e.Record.Original()
		e.Record.Set("community", orig.GetString("community"))
		e.Record.Set("created_by", orig.GetString("created_by"))
		return inTxAround(e, func(tx core.App) error {
			var n int
			if err := tx.DB().NewQuery(`SELECT COUNT(*) FROM activity_signups WHERE activity = {:a}`).
				Bind(dbx.Params{"a": e.Record.Id}).Row(&n); err != nil {
				return err
			}
			if e.Record.GetInt("capacity") < n {
				return badRequest(validation.Errors{"capacity": codedError("wuye_activity_capacity", n)})
			}
			return nil
		}, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: e.Record, Action: "update", Actor: e.Auth, Note: e.Record.GetString("title")})
		})
	})
	app.OnRecordDelete("activities").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_activity_final")})
	})

	app.OnRecordCreateRequest("activity_signups").BindFunc(func(e *core.RecordRequestEvent) error {
		if isResident(e.Auth) {
			e.Record.Set("resident", e.Auth.Id)
		}
		e.Record.Set("attended", false)
		e.Record.Set("marked_by", "")
		return inTxAround(e, func(tx core.App) error { return checkSignup(tx, e.Record) }, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: e.Record, Action: "activity_signed_up", Actor: e.Auth})
		})
	})
	app.OnRecordUpdateRequest("activity_signups").BindFunc(func(e *core.RecordRequestEvent) error {
		orig := e.Record.Original()
		for _, f := range changedFields(orig, e.Record) {
			if f != "attended" {
				return badRequest(validation.Errors{f: codedError("wuye_activity_attendance_only")})
			}
		}
		e.Record.Set("marked_by", actorID(e.Auth))
		if !isStaff(e.Auth) {
			e.Record.Set("marked_by", "")
		}
		return inTx(e, func(tx core.App) error {
			action := "activity_attended"
			if !e.Record.GetBool("attended") {
				action = "activity_absent"
			}
			return RecordEvent(tx, Event{Subject: e.Record, Action: action, Actor: e.Auth})
		})
	})
	app.OnRecordDeleteRequest("activity_signups").BindFunc(func(e *core.RecordRequestEvent) error {
		if a, err := e.App.FindRecordById("activities", e.Record.GetString("activity")); err != nil || !a.GetDateTime("starts_at").Time().After(now()) {
			return badRequest(validation.Errors{"activity": codedError("wuye_activity_started")})
		}
		return inTx(e, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: e.Record, Action: "activity_cancelled", Actor: e.Auth})
		})
	})
}

// checkSignup, in the sign-up's transaction (writes are one at a time, so
// the count cannot change under it): the activity has not started, the
// resident has not signed up already, a place is left, and the unit given
// (if any) is one they live in.
func checkSignup(tx core.App, r *core.Record) error {
	a, err := tx.FindRecordById("activities", r.GetString("activity"))
	if err != nil {
		return badRequest(validation.Errors{"activity": codedError("validation_missing_rel_records")})
	}
	if !a.GetDateTime("starts_at").Time().After(now()) {
		return badRequest(validation.Errors{"activity": codedError("wuye_activity_started")})
	}
	if _, err := tx.FindFirstRecordByFilter("activity_signups", "activity = {:a} && resident = {:r}",
		dbx.Params{"a": a.Id, "r": r.GetString("resident")}); err == nil {
		return badRequest(validation.Errors{"activity": codedError("wuye_activity_signed_up")})
	}
	var n int
	if err := tx.DB().NewQuery(`SELECT COUNT(*) FROM activity_signups WHERE activity = {:a}`).Bind(dbx.Params{"a": a.Id}).Row(&n); err != nil {
		return err
	}
	if n >= a.GetInt("capacity") {
		return badRequest(validation.Errors{"activity": codedError("wuye_activity_full")})
	}
	if u := r.GetString("unit"); u != "" {
		if _, err := tx.FindFirstRecordByFilter("unit_residents", "unit = {:u} && resident = {:r} && active = true",
			dbx.Params{"u": u, "r": r.GetString("resident")}); err != nil {
			return badRequest(validation.Errors{"unit": codedError("wuye_activity_unit")})
		}
	}
	return nil
}

// ActivityQuarter is the dashboard's count of community activities in the
// Shanghai quarter of a month ([000] 管理员 4.10).
type ActivityQuarter struct {
	Quarter    string `db:"-" json:"quarter"` // 2026-Q4
	Activities int    `db:"activities" json:"activities"`
	Held       int    `db:"held" json:"held"` // started by now
	Signups    int    `db:"signups" json:"signups"`
	Attended   int    `db:"attended" json:"attended"`
}

// ActivitiesOfQuarter counts the community's activities starting in the
// quarter of month, those held by at, their sign-ups and attendance.
func ActivitiesOfQuarter(app core.App, community string, month, at time.Time) (ActivityQuarter, error) {
	q := (int(month.Month()) - 1) / 3
	from := time.Date(month.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, workcal.Shanghai)
	to := from.AddDate(0, 3, 0)
	out := ActivityQuarter{Quarter: fmt.Sprintf("%d-Q%d", month.Year(), q+1)}
	err := app.DB().NewQuery(`SELECT COUNT(*) AS activities, COALESCE(SUM(a.starts_at <= {:now}), 0) AS held,
			COALESCE(SUM((SELECT COUNT(*) FROM activity_signups s WHERE s.activity = a.id)), 0) AS signups,
			COALESCE(SUM((SELECT COUNT(*) FROM activity_signups s WHERE s.activity = a.id AND s.attended = TRUE)), 0) AS attended
		FROM activities a WHERE a.community = {:c} AND a.starts_at >= {:from} AND a.starts_at < {:to}`).Bind(dbx.Params{
		"c": community, "now": at.UTC().Format(types.DefaultDateLayout),
		"from": from.UTC().Format(types.DefaultDateLayout), "to": to.UTC().Format(types.DefaultDateLayout)}).One(&out)
	if err != nil {
		return out, fmt.Errorf("activities of quarter: %w", err)
	}
	return out, nil
}
