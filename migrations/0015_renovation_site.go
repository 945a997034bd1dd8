package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(renovationSiteUp, dropper("renovation_violations", "renovation_inspections"), "0015_renovation_site.go")
}

// renovationSiteUp adds the rest of the renovation's life (suspension,
// completion, acceptance, refund) and the site inspections and violations.
func renovationSiteUp(app core.App) error {
	r, err := app.FindCollectionByNameOrId("renovations")
	if err != nil {
		return err
	}
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	r.Fields.Add(
		text("suspend_reason", false, 1000),
		timestamp("completion_requested_at"),
		flag("resident_signed"), flag("contractor_signed"), flag("office_signed"), // joint acceptance
		text("acceptance_changes", false, 2000),
		timestamp("accepted_at"),
		timestamp("closed_at"),
		integer("refunded_fen", false, 0),
	)
	if err := app.Save(r); err != nil {
		return fmt.Errorf("renovations: %w", err)
	}
	siteStaff := `(@request.auth.role = "engineer" || @request.auth.role = "area_manager" || @request.auth.role = "security" || @request.auth.role = "supervisor" || @request.auth.role = "director")`
	officeRoles := `(@request.auth.role = "front_desk" || @request.auth.role = "area_manager" || @request.auth.role = "engineer" || @request.auth.role = "security" || @request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`
	read := or(and(staffOf("renovation.community"), officeRoles), and(isResident, `renovation.applicant = @request.auth.id`))
	write := and(staffOf("renovation.community"), siteStaff)

	in := core.NewBaseCollection("renovation_inspections")
	in.Fields.Add(
		&core.RelationField{Name: "renovation", CollectionId: r.Id, Required: true, MaxSelect: 1},
		rel("inspector", staff, false),
		date("inspected_on", false),
		flag("permit_posted"), flag("working_hours_kept"), flag("within_scope"), flag("debris_cleared"),
		flag("corridor_doors_closed"), flag("no_open_flame"), flag("wiring_safe"),
		integer("extinguishers", true, 0),
		integer("extinguishers_required", false, 0), // one 2 kg extinguisher per 50 m² or part of it
		&core.FileField{Name: "photos", MaxSelect: 10, MaxSize: 10 << 20, Protected: true, MimeTypes: []string{"image/jpeg", "image/png", "image/webp"}},
		choice("result", false, "ok", "issues"),
		text("note", false, 2000),
	)
	withCreated(in)
	in.AddIndex("idx_renovation_inspections", false, "renovation, inspected_on", "")
	setRules(in, rule(read), rule(read), rule(write), nil, nil)
	if err := app.Save(in); err != nil {
		return fmt.Errorf("renovation_inspections: %w", err)
	}

	v := core.NewBaseCollection("renovation_violations")
	v.Fields.Add(
		&core.RelationField{Name: "renovation", CollectionId: r.Id, Required: true, MaxSelect: 1},
		&core.RelationField{Name: "inspection", CollectionId: in.Id, MaxSelect: 1},
		choice("severity", true, "minor", "major"),
		choice("kind", true, ViolationKinds...),
		text("description", true, 2000),
		&core.SelectField{Name: "measures", MaxSelect: len(ViolationMeasures), Values: ViolationMeasures},
		date("rectify_by", false),
		integer("deduct_fen", false, 0),
		choice("status", true, "open", "rectified", "escalated"),
		rel("found_by", staff, false),
		text("recheck_note", false, 1000),
	)
	withAutodates(v)
	v.AddIndex("idx_renovation_violations", false, "renovation, status", "")
	setRules(v, rule(read), rule(read), rule(write), rule(write), nil)
	if err := app.Save(v); err != nil {
		return fmt.Errorf("renovation_violations: %w", err)
	}
	return nil
}
