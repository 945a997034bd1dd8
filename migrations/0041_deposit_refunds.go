package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

func init() {
	m.Register(depositRefundsUp, depositRefundsDown, "0041_deposit_refunds.go")
}

// depositRefundsUp adds the renovation deposit's refund (押金清退) as a
// document of its own: requested at the desk once the waiting period after
// acceptance is over ([001] 中汇广场 五: 办妥工程验收手续后六个月), approved by the
// director ([004] 四 3 4.3) and paid by the cashier ([004] 四 3 4.5), with
// the deductions of the renovation's violations already off the balance.
// The waiting period is a community setting: deposit_refund_months, 0 for
// the manual's six months.
func depositRefundsUp(app core.App) error {
	err := changeCollection(app, "communities", "communities.deposit_refund_months", func(c *core.Collection) error {
		c.Fields.Add(&core.NumberField{Name: "deposit_refund_months", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(36.0)})
		return nil
	})
	if err != nil {
		return err
	}
	communities, _ := app.FindCollectionByNameOrId("communities")
	units, _ := app.FindCollectionByNameOrId("units")
	renovations, err := app.FindCollectionByNameOrId("renovations")
	if err != nil {
		return err
	}
	deposits, _ := app.FindCollectionByNameOrId("deposits")
	movements, _ := app.FindCollectionByNameOrId("deposit_movements")
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	r := core.NewBaseCollection("deposit_refunds")
	r.Fields.Add(
		text("serial", false, 30),
		rel("renovation", renovations, true),
		rel("community", communities, false), // the renovation's, set by the server
		rel("unit", units, false),
		rel("deposit", deposits, false),
		choice("status", true, DepositRefundStatuses...),
		date("refund_due", false), // the renovation's refund date
		refundFen("deposit_fen"),  // what was received
		refundFen("deducted_fen"),
		refundFen("amount_fen"), // what goes back: the balance
		text("payee_name", false, 50),
		text("request_note", false, 500),
		rel("requested_by", staff, false),
		rel("director", staff, false),
		text("director_comment", false, 1000),
		text("reject_reason", false, 1000),
		timestamp("decided_at"),
		choice("method", false, PaymentMethods...),
		rel("paid_by", staff, false),
		timestamp("paid_at"),
		rel("movement", movements, false), // the refund in the deposits ledger
	)
	withAutodates(r)
	r.AddIndex("idx_deposit_refunds_serial", true, "serial", "serial != ''")
	// One refund at a time per renovation: a rejected one may be asked again.
	r.AddIndex("idx_deposit_refunds_open", true, "renovation", "status != 'rejected'")
	r.AddIndex("idx_deposit_refunds_community", false, "community, status", "")
	seesMoney := and(staffOf("community"), `(@request.auth.role = "cashier" || @request.auth.role = "front_desk" || @request.auth.role = "area_manager" || @request.auth.role = "engineer" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	// Residents: the applicant, as the renovation itself.
	read := or(seesMoney, and(isResident, `renovation.applicant = @request.auth.id`))
	create := and(staffOf("renovation.community"), `(@request.auth.role = "front_desk" || @request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	// The flow table (hooks/renovation_refunds.go) decides every change.
	update := and(staffOf("community"), `(@request.auth.role = "cashier" || @request.auth.role = "director")`)
	setRules(r, rule(read), rule(read), rule(create), rule(update), nil)
	if err := app.Save(r); err != nil {
		return fmt.Errorf("deposit_refunds: %w", err)
	}
	return nil
}

// refundFen is an amount of fen from 0 to MaxFen (the bounds of migration 0032).
func refundFen(name string) *core.NumberField {
	f := integer(name, false, 0)
	f.Max = types.Pointer(float64(MaxFen))
	return f
}

func depositRefundsDown(app core.App) error {
	if err := dropper("deposit_refunds")(app); err != nil {
		return err
	}
	return changeCollection(app, "communities", "communities.deposit_refund_months", func(c *core.Collection) error {
		c.Fields.RemoveByName("deposit_refund_months")
		return nil
	})
}
