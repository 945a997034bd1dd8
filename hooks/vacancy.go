package hooks

import (
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/workcal"
)

// The vacant-unit schedule ([000] 管理员 3.2, [001] 中汇广场 十三): every vacant or handed-over,
// not-moved-in unit is patrolled weekly and fully inspected on the 20th of
// each month.
const monthlyInspectionDay = 20

// vacantStatuses are the unit statuses of the vacancy register.
var vacantStatuses = []any{"vacant", "handed_over"}

func registerVacancy(app core.App) {
	app.OnRecordCreateRequest("vacancy_patrols").BindFunc(recordPatrol)
	app.OnRecordDelete("vacancy_patrols").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_record_kept")})
	})
	addJob(app, "wuye_patrol_tasks", "5 0 * * *",
		jobStep{"plan patrols", daily(PlanPatrols)}, jobStep{"missed patrols", daily(FlagMissedPatrols)})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/vacancy", vacancyRegister).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// recordPatrol signs a patrol in through the API (see afterPatrol).
func recordPatrol(e *core.RecordRequestEvent) error {
	unit, err := preparePatrol(e.App, e.Record, e.Auth)
	if err != nil {
		return err
	}
	return inTx(e, func(tx core.App) error { return afterPatrol(tx, e.Record, unit, e.Auth) })
}

// RecordPatrol signs in patrol p by auth as the API would.
func RecordPatrol(app core.App, p, auth *core.Record) error {
	unit, err := preparePatrol(app, p, auth)
	if err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(p); err != nil {
			return err
		}
		return afterPatrol(tx, p, unit, auth)
	})
}

func preparePatrol(app core.App, p, auth *core.Record) (*core.Record, error) {
	unit, err := app.FindRecordById("units", p.GetString("unit"))
	if err != nil {
		return nil, badRequest(validation.Errors{"unit": codedError("validation_missing_rel_records")})
	}
	if status := unit.GetString("status"); status != "vacant" && status != "handed_over" {
		return nil, badRequest(validation.Errors{"unit": codedError("wuye_not_vacant")})
	}
	p.Set("patroller", actorID(auth))
	p.Set("signed_in_at", nowDateTime())
	p.Set("work_order", "")
	return unit, nil
}

// afterPatrol marks the unit's tasks the patrol fulfils and turns a
// finding into a work order (source vacancy_patrol).
//
// A task patrolled by its due day is done (on time). A missed task, or one
// patrolled after its due day, is made up (补巡): the unit
// has been seen again, so the task leaves the rounds screen and the
// escalation job ("超过一天未补") and stops counting against the dashboard's
// figure, but it is recorded as made_up, late, never as done on time.
func afterPatrol(tx core.App, p, unit, auth *core.Record) error {
	tasks, err := tx.FindAllRecords("patrol_tasks", dbx.HashExp{"unit": unit.Id, "status": []any{"open", "missed"}})
	if err != nil {
		return err
	}
	// Judged on the patrol's own Shanghai day, not on whether the nightly
	// job has flagged the task yet: a patrol after the due day is late.
	day := p.GetDateTime("signed_in_at").Time().In(workcal.Shanghai).Format(time.DateOnly)
	for _, t := range tasks {
		// A full inspection also counts as the week's patrol; and any patrol
		// makes up every overdue task of the unit, whatever its kind: the
		// unit has been seen, so it leaves the rounds screen in one visit
		// ([000] 管理员 3.2), recorded late.
		from := t.GetString("status")
		overdue := from == "missed" || t.GetString("due_on") < day
		if t.GetString("kind") != "weekly" && p.GetString("kind") != "monthly_full" && !overdue {
			continue
		}
		to := "done"
		if overdue {
			to = "made_up"
		}
		t.Set("status", to)
		t.Set("patrol", p.Id)
		if err := tx.Save(t); err != nil {
			return err
		}
		if to == "made_up" {
			if err := RecordEvent(tx, Event{Subject: t, Action: "status", From: from, To: to, Actor: auth,
				Note: fmt.Sprintf("补巡（应于 %s 前完成）", t.GetString("due_on"))}); err != nil {
				return err
			}
		}
	}
	if p.GetString("finding") != "" {
		category := p.GetString("finding_category")
		if category == "" {
			category = "other"
		}
		col, err := tx.FindCachedCollectionByNameOrId("work_orders")
		if err != nil {
			return err
		}
		o := core.NewRecord(col)
		for k, v := range map[string]any{"unit": unit.Id, "kind": "routine", "category": category,
			"description": "空置房巡查发现：" + p.GetString("finding"), "contact_name": auth.GetString("name"),
			"contact_phone": auth.GetString("phone"), "source": "vacancy_patrol", "source_ref": p.Id} {
			o.Set(k, v)
		}
		if err := prepareWorkOrder(tx, o, auth); err != nil {
			return err
		}
		if err := tx.Save(o); err != nil {
			return fmt.Errorf("work order for the finding: %w", err)
		}
		if err := RecordEvent(tx, Event{Subject: o, Action: "create", To: "new", Actor: auth, Note: "vacancy patrol"}); err != nil {
			return err
		}
		p.Set("work_order", o.Id)
		if err := tx.SaveNoValidate(p); err != nil {
			return err
		}
	}
	return RecordEvent(tx, Event{Subject: unit, Action: "patrol", Actor: auth, Note: p.GetString("kind") + " " + p.GetString("finding")})
}

// PlanPatrols makes sure every vacant unit has its task for the current
// week (due on the week's Sunday) and, from the 1st of the month, its full
// inspection (due on the 20th), assigned to the area's manager. Idempotent:
// a task exists once per unit, kind and period.
func PlanPatrols(app core.App, day string) (int, error) {
	d := civil(day)
	year, week := d.ISOWeek()
	weekPeriod := fmt.Sprintf("%d-W%02d", year, week)
	sunday := d.AddDate(0, 0, (7-int(d.Weekday()))%7).Format(time.DateOnly)
	monthPeriod := d.Format("2006-01")
	due20 := time.Date(d.Year(), d.Month(), monthlyInspectionDay, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	units, err := app.FindAllRecords("units", dbx.HashExp{"status": vacantStatuses})
	if err != nil {
		return 0, err
	}
	// Each building's area and its manager, read once.
	var places []struct {
		Building string `db:"building"`
		Area     string `db:"area"`
		Manager  string `db:"manager"`
	}
	if err := app.DB().NewQuery(`SELECT b.id AS building, b.area AS area, COALESCE(a.manager, '') AS manager
		FROM buildings b LEFT JOIN areas a ON a.id = b.area`).All(&places); err != nil {
		return 0, err
	}
	area, managerOf := map[string]string{}, map[string]string{}
	for _, pl := range places {
		area[pl.Building], managerOf[pl.Building] = pl.Area, pl.Manager
	}
	// Two tasks a unit, in short transactions (inBatches): on a community
	// of ten thousand units the first run of a week plans thousands.
	made := 0
	_, err = inBatches(app, len(units), func(tx core.App, i int) (bool, error) {
		u := units[i]
		areaID, manager := area[u.GetString("building")], managerOf[u.GetString("building")]
		for _, t := range []struct{ kind, period, due string }{{"weekly", weekPeriod, sunday}, {"monthly_full", monthPeriod, due20}} {
			if found, err := exists(tx, "patrol_tasks", dbx.HashExp{"unit": u.Id, "kind": t.kind, "period": t.period}, ""); err != nil {
				return false, err
			} else if found {
				continue
			}
			col, err := tx.FindCachedCollectionByNameOrId("patrol_tasks")
			if err != nil {
				return false, err
			}
			r := core.NewRecord(col)
			for k, v := range map[string]any{"community": u.GetString("community"), "area": areaID, "manager": manager,
				"unit": u.Id, "kind": t.kind, "period": t.period, "due_on": t.due, "status": "open"} {
				r.Set(k, v)
			}
			if err := tx.Save(r); err != nil {
				return false, err
			}
			made++
		}
		return true, nil
	})
	return made, err
}

// FlagMissedPatrols marks the open tasks whose due day has passed as missed
// and tells the area manager; a day later, a task still missed is escalated
// to the supervisors and the director. Each happens once per task. It
// returns how many tasks it marked missed.
//
// A patrol may be signed in (or another run finish) between the query and
// the write transaction: each task is read again inside the transaction and
// judged on what is stored then, so a patrol done meanwhile is neither put
// back to missed nor reported.
func FlagMissedPatrols(app core.App, day string) (int, error) {
	yesterday := civil(day).AddDate(0, 0, -1).Format(time.DateOnly)
	// Each query's status test is word for word its index's (migration
	// 0087), which SQLite needs to use a partial index. The escalations first: they are of tasks missed on an earlier run,
	// so a task this run marks missed is escalated a day later at the
	// earliest, as when both lists were read before either was written.
	_, err := eachCandidate(app, "escalated_patrols", "patrol_tasks",
		dbx.NewExp("status = 'missed' AND escalated = FALSE AND due_on < {:d}", dbx.Params{"d": yesterday}),
		func(tx core.App, t, _ *core.Record) (bool, error) {
			if t.GetString("status") != "missed" || t.GetBool("escalated") || t.GetString("due_on") >= yesterday {
				return false, nil
			}
			t.Set("escalated", true)
			if err := tx.Save(t); err != nil {
				return false, err
			}
			unit, _ := tx.FindRecordById("units", t.GetString("unit"))
			if unit == nil {
				return true, nil
			}
			return true, notifyManagers(tx, t, "patrol_missed_escalated",
				fmt.Sprintf("空置房 %s 的%s漏巡超过一天未补", unit.GetString("number"), patrolKindName[t.GetString("kind")]))
		})
	if err != nil {
		return 0, err
	}
	return eachCandidate(app, "missed_patrols", "patrol_tasks",
		dbx.NewExp("status = 'open' AND due_on < {:d}", dbx.Params{"d": day}),
		func(tx core.App, t, _ *core.Record) (bool, error) {
			if t.GetString("status") != "open" || t.GetString("due_on") >= day {
				return false, nil
			}
			t.Set("status", "missed")
			if err := tx.Save(t); err != nil {
				return false, err
			}
			unit, _ := tx.FindRecordById("units", t.GetString("unit"))
			if unit == nil {
				return true, nil
			}
			title := fmt.Sprintf("空置房 %s 漏巡（%s，应于 %s 前完成）", unit.GetString("number"), patrolKindName[t.GetString("kind")], t.GetString("due_on"))
			if m, err := tx.FindRecordById("staff", t.GetString("manager")); err == nil && m.GetBool("active") {
				return true, Notify(tx, Notice{Recipient: m, Kind: "patrol_missed", Subject: t, Title: title})
			}
			// An area with no (active) manager: the miss is not left
			// unreported until the escalation a day later; the
			// supervisors hear of it now.
			return true, notifyRoles(tx, t, "patrol_missed", title, RoleSupervisor)
		})
}

var patrolKindName = map[string]string{"weekly": "每周巡查", "monthly_full": "每月全面检查"}

// VacancyRow is one line of the vacancy register.
type VacancyRow struct {
	Unit         string  `db:"unit" json:"unit"`
	Building     string  `db:"building" json:"building"`
	Number       string  `db:"number" json:"number"`
	Status       string  `db:"status" json:"status"`
	AreaM2       float64 `db:"area_m2" json:"area_m2"`
	DaysVacant   int     `db:"days_vacant" json:"days_vacant"`
	LastPatrol   string  `db:"last_patrol" json:"last_patrol"`
	OpenFindings int     `db:"open_findings" json:"open_findings"`
}

// VacancyRegister lists the community's vacant and handed-over units with
// their area, days vacant (since handover, or since they were registered),
// last patrol and findings whose work order is still open, in SQL.
func VacancyRegister(app core.App, community, day string) ([]VacancyRow, error) {
	rows := []VacancyRow{}
	err := app.DB().NewQuery(`
		SELECT u.id AS unit, b.name AS building, u.number, u.status, u.area_m2,
			CAST(julianday({:day}) - julianday(COALESCE(NULLIF(u.handed_over_on, ''), substr(u.created, 1, 10))) AS INTEGER) AS days_vacant,
			COALESCE((SELECT MAX(p.signed_in_at) FROM vacancy_patrols p WHERE p.unit = u.id), '') AS last_patrol,
			(SELECT COUNT(*) FROM vacancy_patrols p JOIN work_orders w ON w.id = p.work_order
				WHERE p.unit = u.id AND w.status NOT IN ('closed', 'cancelled')) AS open_findings
		FROM units u JOIN buildings b ON b.id = u.building
		WHERE u.community = {:c} AND u.status IN ('vacant', 'handed_over')
		ORDER BY b.code, u.number`).Bind(dbx.Params{"c": community, "day": day}).All(&rows)
	return rows, err
}

// vacancyRegister answers GET /api/wuye/vacancy?community=….
func vacancyRegister(e *core.RequestEvent) error {
	community := e.Request.URL.Query().Get("community")
	if !e.HasSuperuserAuth() && !(isStaff(e.Auth) && servesCommunity(e.Auth, community) && !hasRole(e.Auth, RoleTechnician)) {
		return apis.NewForbiddenError("", nil)
	}
	rows, err := VacancyRegister(e.App, community, now().In(workcal.Shanghai).Format(time.DateOnly))
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"units": rows})
}
