package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(calendarUp, dropper("work_calendar"), "0003_calendar.go")
}

// calendarUp creates work_calendar: the exceptions to Mon–Fri that
// supervisors enter when the State Council publishes a new year's schedule
// (and corrections to the built-in years). Entries override the built-in data.
func calendarUp(app core.App) error {
	cal := core.NewBaseCollection("work_calendar")
	cal.Fields.Add(
		date("date", true),
		choice("kind", true, "holiday", "workday"),
		text("name", false, 50),
		text("note", false, 500),
	)
	withAutodates(cal)
	cal.AddIndex("idx_work_calendar_date", true, "date", "")
	writer := registryWriter
	setRules(cal, rule(signedIn), rule(signedIn), rule(writer), rule(writer), rule(writer))
	if err := app.Save(cal); err != nil {
		return fmt.Errorf("work_calendar: %w", err)
	}
	return nil
}
