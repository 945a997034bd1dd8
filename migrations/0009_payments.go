package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(paymentsUp, dropper("payments"), "0009_payments.go")
}

// paymentsUp creates payments: receipts that allocate money to bills, and
// the reversals that correct them (never edits, never deletes).
func paymentsUp(app core.App) error {
	communities, _ := app.FindCollectionByNameOrId("communities")
	units, _ := app.FindCollectionByNameOrId("units")
	bills, _ := app.FindCollectionByNameOrId("bills")
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	p := core.NewBaseCollection("payments")
	p.Fields.Add(
		text("serial", false, 30), // the receipt number (SK-…)
		rel("community", communities, true),
		rel("unit", units, true),
		&core.NumberField{Name: "amount_fen", Required: true, OnlyInt: true}, // negative for a reversal
		choice("method", true, PaymentMethods...),
		text("payer_name", false, 50),
		relMany("bills", bills, false),                       // to allocate to; oldest first when empty
		&core.JSONField{Name: "allocations", MaxSize: 20000}, // [{bill, amount_fen}], set by Wuye
		rel("received_by", staff, false),
		text("note", false, 500),
	)
	withAutodates(p)
	if err := app.Save(p); err != nil {
		return fmt.Errorf("payments: %w", err)
	}
	p.Fields.Add(&core.RelationField{Name: "reverses", CollectionId: p.Id, MaxSelect: 1})
	p.AddIndex("idx_payments_serial", true, "serial", "serial != ''")
	p.AddIndex("idx_payments_reverses", true, "reverses", "reverses != ''") // one reversal per payment
	p.AddIndex("idx_payments_received", false, "received_by, created", "")
	p.AddIndex("idx_payments_unit", false, "unit, created", "")
	seesMoney := and(staffOf("community"), `(@request.auth.role = "cashier" || @request.auth.role = "area_manager" || @request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	read := or(seesMoney, livesIn("unit.unit_residents_via_unit"))
	create := and(isStaff, `(@request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`,
		or(`@request.auth.communities.id ?= community`, `@request.auth.communities.id ?= unit.community`))
	setRules(p, rule(read), rule(read), rule(create), nil, nil)
	if err := app.Save(p); err != nil {
		return fmt.Errorf("payments rules: %w", err)
	}
	return nil
}
