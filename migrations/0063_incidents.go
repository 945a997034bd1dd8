package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(incidentsUp, dropper("incidents"), "0063_incidents.go")
}

// incidentsUp adds emergencies and special incidents (紧急求援 / 特别事件,
// [000] 前台接待工作规程 4.1.4): registered at once and told to security,
// engineering and the director; a timeline of what was done (events); the
// special incident report (特别事件报告单, 前台 5.14) to management within one
// working day ([004] 三 4.3) — hooks/desk_incidents.go.
func incidentsUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	buildings, _ := app.FindCollectionByNameOrId("buildings")
	units, _ := app.FindCollectionByNameOrId("units")
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("incidents")
	c.Fields.Add(
		text("serial", false, 30),
		rel("community", communities, true),
		choice("kind", true, IncidentKinds...),
		text("location", true, 200),
		rel("building", buildings, false),
		rel("unit", units, false),
		timestamp("reported_at"), // when it was reported to the desk
		text("caller_name", false, 50),
		&core.TextField{Name: "caller_phone", Pattern: PhonePattern, Max: 20},
		text("description", true, 2000),
		choice("status", true, IncidentStatuses...),
		rel("reported_by", staff, false),
		timestamp("responding_at"),
		text("response", false, 2000), // who went, what they did first
		timestamp("resolved_at"),
		text("resolution", false, 2000),
		timestamp("report_due"), // one working day after reported_at
		timestamp("reported_up_at"),
		text("report", false, 8000), // the 特别事件报告单: cause, handling, losses, measures
		rel("reported_up_by", staff, false),
		flag("report_overdue"),
	)
	withAutodates(c)
	c.AddIndex("idx_incidents_serial", true, "serial", "serial != ''")
	c.AddIndex("idx_incidents_community", false, "community, reported_at", "")
	c.AddIndex("idx_incidents_due", false, "status, report_due", "status != 'reported_up'")
	// Every member of staff of the community reads them: security and
	// engineering act on them, the desk and the managers follow them.
	read := staffOf("community")
	write := and(staffOf("community"), roleIn([]string{"front_desk", "area_manager", "security", "engineer", "supervisor", "director"}))
	// The flow table in hooks/desk_incidents.go decides every change.
	setRules(c, rule(read), rule(read), rule(write), rule(write), nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("incidents: %w", err)
	}
	return nil
}
