package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(renovationUp, dropper("renovation_passes", "renovations"), "0014_renovation.go")
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
		// A tenant applies only with the owner's written consent ([004] 四 3
		// 物业装修管理程序 5.1.1).
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
