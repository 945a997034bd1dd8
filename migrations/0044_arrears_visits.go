package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

func init() {
	m.Register(arrearsVisitsUp, arrearsVisitsDown, "0044_arrears_visits.go")
}

// arrearsVisitsUp makes the arrears ladder run from delivery and in steps
// (issue #18 item 5).
//
// A notice's ten days run from the day the household received it ([000]
// 收费员 4.2.1.9–4.2.1.10: 业主收到催款通知单后10日内), so a reminder's
// deadline is set when its delivery is recorded: the undelivered notices
// lose the deadline counted from their issue, and the delivered ones get
// theirs counted from the delivery (their Shanghai day, plus ten).
//
// After the final notice the household is visited, one step at a time
// ([000] 管理员 4.1.3.2–4.1.3.4, [002] 四 4.1.3): the area manager, then the
// supervisor, then the director. arrears_visits holds each step as a task
// on its visitor's list, with its outcome; the daily job makes them
// (hooks/fees_arrears.go) and nobody creates or deletes one through the API.
// The money readers of the community read them, as they read reminders; the
// area managers, supervisors and director may update them, and the hook lets
// only the task's own visitor record its outcome.
func arrearsVisitsUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	bills, err := app.FindCollectionByNameOrId("bills")
	if err != nil {
		return err
	}
	units, err := app.FindCollectionByNameOrId("units")
	if err != nil {
		return err
	}
	reminders, err := app.FindCollectionByNameOrId("reminders")
	if err != nil {
		return err
	}
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	v := core.NewBaseCollection("arrears_visits")
	v.Fields.Add(
		rel("community", communities, true),
		rel("bill", bills, true),
		rel("unit", units, true),
		rel("reminder", reminders, false), // the escalation record the visits follow
		choice("step", true, ArrearsSteps...),
		// The visitor: the unit's area manager; empty for the supervisor's
		// and the director's steps (any of the community's, by role).
		rel("assignee", staff, false),
		date("issued_on", true),
		integer("amount_fen", true, 0), // owed when the step was opened
		choice("status", true, ArrearsVisitStatuses...),
		choice("outcome", false, ArrearsOutcomes...),
		date("promised_on", false),
		text("outcome_note", false, 1000),
		integer("attempts", false, 0), // visits that found nobody home
		timestamp("recorded_at"),
		rel("recorded_by", staff, false),
		date("deadline", false), // pay by this day, or the next step is taken
	)
	// Money is bounded as migration 0032 bounds every *_fen field.
	if f, ok := v.Fields.GetByName("amount_fen").(*core.NumberField); ok {
		f.Max = types.Pointer(float64(MaxFen))
	}
	withAutodates(v)
	v.AddIndex("idx_arrears_visits_bill_step", true, "bill, step", "")
	v.AddIndex("idx_arrears_visits_list", false, "community, status, step", "")
	read := and(staffOf("community"), roleIn(moneyReaders))
	visitors := and(staffOf("community"), roleIn([]string{"area_manager", "supervisor", "director"}))
	setRules(v, rule(read), rule(read), nil, rule(visitors), nil)
	if err := app.Save(v); err != nil {
		return fmt.Errorf("arrears_visits: %w", err)
	}

	// The events of a visit are read by those who read the visit
	// (EventSubjectRoles, event_rules.go).
	if err := changeCollection(app, "events", "events readers", func(events *core.Collection) error {
		events.ListRule, events.ViewRule = rule(eventReadRule()), rule(eventReadRule())
		return nil
	}); err != nil {
		return err
	}

	for _, q := range []string{
		`UPDATE reminders SET deadline = '' WHERE stage != 'escalated' AND delivered_at = ''`,
		`UPDATE reminders SET deadline = date(delivered_at, '+8 hours', '+10 days') WHERE stage != 'escalated' AND delivered_at != ''`,
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return fmt.Errorf("reminder deadlines from delivery: %w", err)
		}
	}
	return nil
}

// arrearsVisitsDown drops the visits; the deadlines stay as delivery set them.
func arrearsVisitsDown(app core.App) error {
	return dropper("arrears_visits")(app)
}
