package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(vacancyUp, dropper("key_loans", "keys", "patrol_tasks", "vacancy_patrols"), "0017_vacancy.go")
}

// vacancyUp creates vacant-unit patrols, the patrol task list and the key
// cabinet with its loans.
func vacancyUp(app core.App) error {
	communities, _ := app.FindCollectionByNameOrId("communities")
	areas, _ := app.FindCollectionByNameOrId("areas")
	buildings, _ := app.FindCollectionByNameOrId("buildings")
	units, _ := app.FindCollectionByNameOrId("units")
	workOrders, _ := app.FindCollectionByNameOrId("work_orders")
	deposits, _ := app.FindCollectionByNameOrId("deposits")
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	manages := `(@request.auth.id = unit.building.area.manager || @request.auth.role = "supervisor" || @request.auth.role = "director")`

	p := core.NewBaseCollection("vacancy_patrols")
	p.Fields.Add(
		rel("unit", units, true),
		rel("patroller", staff, false),
		choice("kind", true, PatrolKinds...),
		timestamp("signed_in_at"),
		// the checklist: true is "in order"
		flag("hygiene"), flag("security"), flag("doors_windows"), flag("no_leaks"), flag("structure"), flag("fittings"),
		text("finding", false, 2000),
		choice("finding_category", false, WorkCategories...),
		&core.FileField{Name: "photos", MaxSelect: 10, MaxSize: 10 << 20, Protected: true, MimeTypes: []string{"image/jpeg", "image/png", "image/webp"}},
		rel("work_order", workOrders, false),
	)
	withCreated(p)
	p.AddIndex("idx_vacancy_patrols_unit", false, "unit, signed_in_at", "")
	read := and(staffOf("unit.community"), `@request.auth.role != "technician"`)
	// Only the area's manager (or a supervisor or the director) records
	// patrols of the area's units.
	setRules(p, rule(read), rule(read), rule(and(staffOf("unit.community"), manages)), nil, nil)
	if err := app.Save(p); err != nil {
		return fmt.Errorf("vacancy_patrols: %w", err)
	}

	t := core.NewBaseCollection("patrol_tasks")
	t.Fields.Add(
		rel("community", communities, true),
		rel("area", areas, false),
		rel("manager", staff, false),
		rel("unit", units, true),
		choice("kind", true, PatrolKinds...),
		text("period", true, 10), // the ISO week (2026-W48) or the month (2026-11)
		date("due_on", true),
		choice("status", true, "open", "done", "missed"),
		rel("patrol", p, false),
		flag("escalated"),
	)
	withAutodates(t)
	t.AddIndex("idx_patrol_tasks_unit", true, "unit, kind, period", "")
	t.AddIndex("idx_patrol_tasks_manager", false, "manager, status, due_on", "")
	// The task list is narrow for realtime: an area manager's page
	// subscribes to patrol_tasks/* and is sent their own tasks only.
	tasks := or(and(isStaff, `manager = @request.auth.id`),
		and(staffOf("community"), `(@request.auth.role = "supervisor" || @request.auth.role = "director")`))
	setRules(t, rule(tasks), rule(tasks), nil, nil, nil)
	if err := app.Save(t); err != nil {
		return fmt.Errorf("patrol_tasks: %w", err)
	}

	k := core.NewBaseCollection("keys")
	k.Fields.Add(
		rel("community", communities, true),
		text("label", true, 50),
		choice("kind", true, KeyKinds...),
		rel("unit", units, false),
		rel("building", buildings, false),
		&core.NumberField{Name: "floor", OnlyInt: true},
		text("slot", false, 20), // cabinet slot
		choice("status", true, "in", "out", "lost"),
	)
	withAutodates(k)
	k.AddIndex("idx_keys_label", true, "community, label", "")
	desk := and(staffOf("community"), `(@request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	keyRead := and(staffOf("community"), `@request.auth.role != "technician"`)
	setRules(k, rule(keyRead), rule(keyRead), rule(desk), rule(desk), nil)
	if err := app.Save(k); err != nil {
		return fmt.Errorf("keys: %w", err)
	}

	l := core.NewBaseCollection("key_loans")
	l.Fields.Add(
		rel("key", k, true),
		rel("community", communities, true),
		rel("borrower_staff", staff, false),
		text("borrower_name", false, 50),
		&core.TextField{Name: "borrower_id_no", Pattern: `^\d{17}[\dXx]$`, Max: 18},
		&core.TextField{Name: "borrower_phone", Pattern: PhonePattern, Max: 20},
		text("purpose", false, 200),
		integer("deposit_fen", false, 0),
		rel("deposit", deposits, false),
		timestamp("lent_at"),
		timestamp("due_at"),
		timestamp("returned_at"),
		flag("overdue"),
		rel("lent_by", staff, false),
	)
	withAutodates(l)
	l.AddIndex("idx_key_loans_key", false, "key, returned_at", "")
	setRules(l, rule(keyRead), rule(keyRead), rule(and(isStaff, `(@request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`,
		`@request.auth.communities.id ?= key.community`)), rule(desk), nil)
	if err := app.Save(l); err != nil {
		return fmt.Errorf("key_loans: %w", err)
	}
	return nil
}
