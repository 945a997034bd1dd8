package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(calendarDirectorUp, calendarDirectorDown, "0047_calendar_director.go")
}

// The working-day calendar decides every deadline of every community, so
// only the office director (and superusers) enter a year's schedule or
// correct a day; the director does it through the calendar routes, which
// preview and then move the open deadlines with it (hooks/base_calendar_moves.go).
// Everyone signed in still reads it.
func calendarDirectorUp(app core.App) error {
	return changeCollection(app, "work_calendar", "work_calendar rules", func(c *core.Collection) error {
		c.CreateRule, c.UpdateRule, c.DeleteRule = rule(isDirector), rule(isDirector), rule(isDirector)
		return nil
	})
}

func calendarDirectorDown(app core.App) error {
	return changeCollection(app, "work_calendar", "work_calendar rules", func(c *core.Collection) error {
		c.CreateRule, c.UpdateRule, c.DeleteRule = rule(registryWriter), rule(registryWriter), rule(registryWriter)
		return nil
	})
}
