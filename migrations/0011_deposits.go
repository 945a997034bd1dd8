package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(depositsUp, dropper("deposit_movements", "deposits"), "0011_deposits.go")
}

// depositsUp creates the deposits ledger: a deposit and its movements
// (received, deducted with a reason, refunded). Balances are derived from
// the movements; nothing is edited or deleted.
func depositsUp(app core.App) error {
	communities, _ := app.FindCollectionByNameOrId("communities")
	units, _ := app.FindCollectionByNameOrId("units")
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	d := core.NewBaseCollection("deposits")
	d.Fields.Add(
		rel("community", communities, true),
		rel("unit", units, false),
		choice("kind", true, DepositKinds...),
		text("holder_name", true, 50),
		text("source", false, 50), // e.g. the renovation's or pass's serial
		integer("amount_fen", true, 1),
		integer("balance_fen", false, 0), // kept by the movements' hook
		choice("status", true, "held", "settled"),
		rel("received_by", staff, false),
	)
	withAutodates(d)
	d.AddIndex("idx_deposits_community", false, "community, kind, status", "")
	cashier := and(staffOf("community"), `(@request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	seesMoney := and(staffOf("community"), `(@request.auth.role = "cashier" || @request.auth.role = "front_desk" || @request.auth.role = "area_manager" || @request.auth.role = "engineer" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	read := or(seesMoney, livesIn("unit.unit_residents_via_unit"))
	setRules(d, rule(read), rule(read), rule(cashier), nil, nil)
	if err := app.Save(d); err != nil {
		return fmt.Errorf("deposits: %w", err)
	}
	mv := core.NewBaseCollection("deposit_movements")
	mv.Fields.Add(
		&core.RelationField{Name: "deposit", CollectionId: d.Id, Required: true, MaxSelect: 1},
		choice("kind", true, "deduct", "refund"),
		integer("amount_fen", true, 1),
		text("reason", false, 500),
		rel("by", staff, false),
	)
	withCreated(mv)
	mv.AddIndex("idx_deposit_movements_deposit", false, "deposit, created", "")
	mvCashier := and(staffOf("deposit.community"), `(@request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	mvRead := or(and(staffOf("deposit.community"), `@request.auth.role != "technician"`), livesIn("deposit.unit.unit_residents_via_unit"))
	setRules(mv, rule(mvRead), rule(mvRead), rule(mvCashier), nil, nil)
	if err := app.Save(mv); err != nil {
		return fmt.Errorf("deposit_movements: %w", err)
	}
	return nil
}
