package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Renovation vocabularies (SPEC §5, §11).
var (
	RenovationStatuses = []string{"submitted", "engineering_passed", "approved", "permitted", "completion_requested",
		"accepted", "closed", "rejected", "suspended", "acceptance_failed"}
	RenovationScopes = []string{"walls", "electrical", "plumbing", "waterproofing", "facade", "flooring", "ceiling", "doors_windows", "other"}
)

func init() {
	m.Register(renovationUp, dropper("renovation_passes", "renovations"), "0014_renovation.go")
	m.Register(renovationSiteUp, dropper("renovation_violations", "renovation_inspections"), "0015_renovation_site.go")
	m.Register(hotWorkUp, dropper("hot_work_permits"), "0016_hot_work.go")
	m.Register(zeroExtinguishersUp, nil, "0021_zero_extinguishers.go")
}

// zeroExtinguishersUp lets an inspection record a site with no extinguisher
// at all: PocketBase reads a required number as "not zero", so the count is
// optional (and never negative); the checklist always sends it.
func zeroExtinguishersUp(app core.App) error {
	c, err := app.FindCollectionByNameOrId("renovation_inspections")
	if err != nil {
		return err
	}
	f, ok := c.Fields.GetByName("extinguishers").(*core.NumberField)
	if !ok {
		return fmt.Errorf("renovation_inspections.extinguishers is not a number field")
	}
	f.Required = false
	return app.Save(c)
}

// HotWorkStatuses are the hot-work permit's approvals in order (SPEC §5).
var HotWorkStatuses = []string{"requested", "security_reviewed", "center_reviewed", "approved", "rejected"}

// hotWorkUp creates hot-work permits (动火证).
func hotWorkUp(app core.App) error {
	r, err := app.FindCollectionByNameOrId("renovations")
	if err != nil {
		return err
	}
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	h := core.NewBaseCollection("hot_work_permits")
	h.Fields.Add(
		&core.RelationField{Name: "renovation", CollectionId: r.Id, Required: true, MaxSelect: 1},
		text("serial", false, 30),
		text("operator_name", true, 50),
		text("operator_cert", true, 50), // the welder's operating certificate
		text("place", true, 200),
		&core.DateField{Name: "window_start", Required: true},
		&core.DateField{Name: "window_end", Required: true},
		choice("status", true, HotWorkStatuses...),
		rel("security_by", staff, false),
		rel("center_by", staff, false),
		rel("approved_by", staff, false),
		text("reject_reason", false, 1000),
	)
	withAutodates(h)
	h.AddIndex("idx_hot_work_renovation", false, "renovation, status", "")
	h.AddIndex("idx_hot_work_serial", true, "serial", "serial != ''")
	officeRoles := `(@request.auth.role = "front_desk" || @request.auth.role = "area_manager" || @request.auth.role = "engineer" || @request.auth.role = "security" || @request.auth.role = "supervisor" || @request.auth.role = "director")`
	read := or(and(staffOf("renovation.community"), officeRoles), and(isResident, `renovation.applicant = @request.auth.id`))
	create := or(and(staffOf("renovation.community"), `(@request.auth.role = "front_desk" || @request.auth.role = "supervisor")`),
		and(isResident, `renovation.applicant = @request.auth.id`))
	setRules(h, rule(read), rule(read), rule(create), rule(and(staffOf("renovation.community"), officeRoles)), nil)
	return app.Save(h)
}

// Inspection and violation vocabularies (SPEC §5).
var (
	ViolationKinds    = []string{"load_bearing", "facade", "waterproofing", "scope", "fire", "hours", "debris", "other"}
	ViolationMeasures = []string{"stop_work", "rectify", "deduct", "remove_contractor", "cut_utilities"}
)

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

// renovationUp creates renovation applications and worker passes.
func renovationUp(app core.App) error {
	communities, _ := app.FindCollectionByNameOrId("communities")
	units, _ := app.FindCollectionByNameOrId("units")
	deposits, _ := app.FindCollectionByNameOrId("deposits")
	staff, residents, err := authCollections(app)
	if err != nil {
		return err
	}
	r := core.NewBaseCollection("renovations")
	r.Fields.Add(
		text("serial", false, 30),
		rel("community", communities, true),
		rel("unit", units, true),
		rel("applicant", residents, false),
		// A tenant applies only with the owner's written consent [004 §3 5.1.1].
		flag("tenant"),
		&core.FileField{Name: "owner_consent", MaxSelect: 1, MaxSize: 10 << 20, Protected: true,
			MimeTypes: []string{"image/jpeg", "image/png", "image/webp", "application/pdf"}},
		text("contractor_name", true, 100),
		text("contractor_licence", false, 50),
		&core.TextField{Name: "contractor_phone", Required: true, Pattern: PhonePattern, Max: 20},
		text("site_lead", false, 50),
		&core.SelectField{Name: "scope", Required: true, MaxSelect: len(RenovationScopes), Values: RenovationScopes},
		text("description", false, 2000),
		&core.FileField{Name: "drawings", MaxSelect: 10, MaxSize: 20 << 20, Protected: true,
			MimeTypes: []string{"image/jpeg", "image/png", "image/webp", "application/pdf"}},
		date("planned_start", true),
		date("planned_end", true),
		choice("status", true, RenovationStatuses...),
		timestamp("submitted_at"),
		timestamp("engineering_due"), // 2 working days from submission
		timestamp("approval_due"),    // 1 working day from the engineering pass
		rel("engineer", staff, false),
		text("engineering_comment", false, 2000),
		rel("approver", staff, false),
		text("director_comment", false, 2000),
		text("reject_reason", false, 2000),
		flag("review_overdue"),
		timestamp("agreement_signed_at"), // resident, contractor and office signed the agreement
		integer("fees_fen", false, 0),    // management and debris-removal fees for the works
		flag("fees_paid"),
		integer("deposit_fen", false, 0),
		rel("deposit", deposits, false), // the renovation deposit in the deposits ledger
		text("permit_no", false, 30),
		timestamp("permitted_at"),
		date("deposit_refund_due", false),
	)
	withAutodates(r)
	r.AddIndex("idx_renovations_serial", true, "serial", "serial != ''")
	r.AddIndex("idx_renovations_community_status", false, "community, status", "")
	r.AddIndex("idx_renovations_unit", false, "unit, status", "")
	officeRoles := `(@request.auth.role = "front_desk" || @request.auth.role = "area_manager" || @request.auth.role = "engineer" || @request.auth.role = "security" || @request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`
	staffRead := and(staffOf("community"), officeRoles)
	read := or(staffRead, and(isResident, `applicant = @request.auth.id`))
	// A resident applies for a unit they live in; the flow table in
	// hooks/renovation.go decides every later change.
	create := and(isResident, livesIn("unit.unit_residents_via_unit"))
	setRules(r, rule(read), rule(read), rule(create), rule(read), nil)
	if err := app.Save(r); err != nil {
		return fmt.Errorf("renovations: %w", err)
	}

	p := core.NewBaseCollection("renovation_passes")
	p.Fields.Add(
		&core.RelationField{Name: "renovation", CollectionId: r.Id, Required: true, MaxSelect: 1},
		text("serial", false, 30),
		text("worker_name", true, 50),
		&core.TextField{Name: "id_no", Required: true, Pattern: `^\d{17}[\dXx]$`, Max: 18},
		text("trade", false, 30),
		&core.FileField{Name: "photo", MaxSelect: 1, MaxSize: 5 << 20, Protected: true, MimeTypes: []string{"image/jpeg", "image/png", "image/webp"}},
		integer("deposit_fen", false, 0),
		rel("deposit", deposits, false),
		date("valid_until", false),
		timestamp("returned_at"),
		rel("issued_by", staff, false),
	)
	withAutodates(p)
	p.AddIndex("idx_renovation_passes_renovation", false, "renovation", "")
	p.AddIndex("idx_renovation_passes_serial", true, "serial", "serial != ''")
	passStaff := and(staffOf("renovation.community"), officeRoles)
	passDesk := and(staffOf("renovation.community"), `(@request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	setRules(p,
		rule(or(passStaff, and(isResident, `renovation.applicant = @request.auth.id`))),
		rule(or(passStaff, and(isResident, `renovation.applicant = @request.auth.id`))),
		rule(passDesk), rule(passDesk), nil,
	)
	if err := app.Save(p); err != nil {
		return fmt.Errorf("renovation_passes: %w", err)
	}
	return nil
}
