package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(visitsUp, dropper("visits"), "0064_visits.go")
}

// visitsUp adds the area managers' visit records (走访/巡访记录, the 巡访、回访
// 记录表 of [000] 前台 5.13): door-to-door visits ([000] 管理员 4.6.1), building
// patrols (3.10) and revisits (4.6.2; [003] 2.7.3), each with what was found
// and the complaint or work order it gave rise to, created in the same step
// (hooks/field_visits.go).
func visitsUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	areas, _ := app.FindCollectionByNameOrId("areas")
	buildings, _ := app.FindCollectionByNameOrId("buildings")
	units, _ := app.FindCollectionByNameOrId("units")
	staff, residents, err := authCollections(app)
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("visits")
	c.Fields.Add(
		rel("community", communities, false), // the unit's or building's, set by the server
		rel("area", areas, false),            // likewise
		rel("unit", units, false),
		rel("building", buildings, false),
		rel("staff", staff, false), // the visitor: the signed-in member of staff
		choice("kind", true, VisitKinds...),
		choice("purpose", true, VisitPurposes...),
		rel("resident", residents, false), // the resident met, if they have an account
		text("contact_name", false, 50),
		&core.TextField{Name: "contact_phone", Pattern: PhonePattern, Max: 20},
		text("findings", true, 2000),
		timestamp("visited_at"),
		// The follow-up created in the same step: a complaint or a work order
		// of the unit (or the building), with the findings as its content.
		choice("follow_up_kind", false, "complaint", "work_order"),
		text("follow_up_category", false, 30),
		text("follow_up", false, 15), // the complaint's or work order's id
		text("follow_up_serial", false, 30),
	)
	withAutodates(c)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("visits: %w", err)
	}
	c.Fields.Add(&core.RelationField{Name: "revisit_of", CollectionId: c.Id, MaxSelect: 1})
	c.AddIndex("idx_visits_community", false, "community, visited_at", "")
	c.AddIndex("idx_visits_staff", false, "staff, visited_at", "")
	c.AddIndex("idx_visits_unit", false, "unit", "unit != ''")
	read := and(staffOf("community"), roleIn([]string{"front_desk", "area_manager", "supervisor", "director"}))
	// The server places the visit from its unit or building (the create
	// rule is read on the request, before that): an area manager in their
	// own area, the supervisor and the director in their communities.
	create := or(
		and(isStaff, roleIn([]string{"supervisor", "director"}),
			or(`@request.auth.communities.id ?= unit.community`, `@request.auth.communities.id ?= building.community`)),
		and(isStaff, `@request.auth.role = "area_manager"`,
			or(`unit.building.area.manager = @request.auth.id`, `(unit = "" && building.area.manager = @request.auth.id)`)))
	// A visit is a record of what was seen: never changed or deleted; a
	// revisit is a new record pointing at the first.
	setRules(c, rule(read), rule(read), rule(create), nil, nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("visits: %w", err)
	}
	// The events of handovers, incidents and visits are read by their
	// readers (migrations/event_rules.go).
	return changeCollection(app, "events", "events readers", func(events *core.Collection) error {
		events.ListRule, events.ViewRule = rule(eventReadRuleSince0045()), rule(eventReadRuleSince0045())
		return nil
	})
}
