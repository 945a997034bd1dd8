package hooks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/money"
	"wuye/migrations"
)

// A renovation's fees are bills ([004] 四 3 5.1.6: the resident pays the
// renovation management fee, the debris-removal fee if the office takes the
// debris, and the pass fee at the cashier's; [000] 收费员 3.2, 4.5: renovation
// money is charged by the price list and kept on its own account). The desk
// or the cashier issues them once the renovation is approved; they are paid
// like any bill (a payment with its receipt, in the cash close), and the
// renovation's fees_fen and fees_paid follow the bills — nobody types them.
// The deposits are the deposits ledger's (hooks/fees_deposits.go).

// renovationFeeCharges issued at most once per renovation (the pass fee is
// per pass, so it may be billed again as passes are added).
var onceCharges = []string{"renovation_management", "debris_removal"}

var chargeNames = map[string]text{
	"renovation_management": {"装修管理服务费", "renovation management fee"},
	"debris_removal":        {"装修垃圾清运费", "debris-removal fee"},
	"pass_card":             {"临时出入证工本费", "worker-pass fee"},
}

func registerRenovationFees(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/wuye/renovations/{id}/fees", issueRenovationFees).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// issueRenovationFees answers POST /api/wuye/renovations/{id}/fees
// {"charges": [{"charge", "amount_fen", "note"}]}: a bill for each charge,
// for the renovation's unit and applicant, due today.
func issueRenovationFees(e *core.RequestEvent) error {
	reno, err := readableRecord(e, "renovations")
	if err != nil {
		return err
	}
	if !e.HasSuperuserAuth() && !hasRole(e.Auth, RoleFrontDesk, RoleCashier, RoleSupervisor, RoleDirector) {
		return apis.NewForbiddenError("", nil)
	}
	var body struct {
		Charges []chargeLine `json:"charges"`
	}
	if err := e.BindBody(&body); err != nil || len(body.Charges) == 0 || len(body.Charges) > 10 {
		return badRequest(validation.Errors{"charges": codedError("validation_required")})
	}
	if s := reno.GetString("status"); s != "approved" && s != "permitted" {
		return badRequest(validation.Errors{"status": codedError("wuye_renovation_fees_not_now")})
	}
	charges, err := readCharges(body.Charges, migrations.RenovationCharges,
		func(c string) bool { return slices.Contains(onceCharges, c) }, "wuye_renovation_fee_issued")
	if err != nil {
		return err
	}
	bills, err := IssueRenovationFees(e.App, reno, e.Auth, charges)
	if err != nil {
		return err
	}
	stored, err := e.App.FindRecordById("renovations", reno.Id)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, b := range bills {
		out = append(out, map[string]any{"id": b.Id, "serial": b.GetString("serial"), "charge": b.GetString("charge"),
			"amount_fen": b.GetInt("amount_fen"), "due_on": b.GetString("due_on"), "status": b.GetString("status")})
	}
	return e.JSON(http.StatusOK, map[string]any{"bills": out, "fees_fen": stored.GetInt("fees_fen"), "fees_paid": stored.GetBool("fees_paid")})
}

// IssueRenovationFees bills charges for renovation reno as actor, in one
// transaction, as the fees route does (the demo loader uses it too).
func IssueRenovationFees(app core.App, reno, actor *core.Record, charges []OneOffCharge) ([]*core.Record, error) {
	var bills []*core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCachedCollectionByNameOrId("bills")
		if err != nil {
			return err
		}
		day := today()
		var notes []string
		for i, c := range charges {
			if slices.Contains(onceCharges, c.Charge) {
				if done, err := exists(tx, "bills", dbx.NewExp("renovation = {:r} AND charge = {:c} AND status != 'void'",
					dbx.Params{"r": reno.Id, "c": c.Charge}), ""); err != nil {
					return err
				} else if done {
					return badRequest(validation.Errors{fmt.Sprintf("charges.%d.charge", i): codedError("wuye_renovation_fee_issued")})
				}
			}
			b := core.NewRecord(col)
			for k, v := range map[string]any{
				"community": reno.GetString("community"), "unit": reno.GetString("unit"), "renovation": reno.Id, "charge": c.Charge,
				"source": reno.GetString("serial"), "period": day[:7], "period_start": day, "period_end": day, "due_on": day,
				"payer": reno.GetString("applicant"), "amount_fen": c.AmountFen, "status": "issued",
				"basis": map[string]any{"renovation": reno.GetString("serial"), "charge": chargeNames[c.Charge].zh, "note": c.Note},
			} {
				b.Set(k, v)
			}
			if err := tx.Save(b); err != nil {
				return err
			}
			bills = append(bills, b)
			notes = append(notes, fmt.Sprintf("%s %s %s", b.GetString("serial"), chargeNames[c.Charge].zh, money.Yuan(c.AmountFen)))
		}
		if err := syncRenovationFees(tx, reno.Id); err != nil {
			return err
		}
		return RecordEvent(tx, Event{Subject: reno, Action: "fees", Actor: actor, Public: true, Note: strings.Join(notes, "；")})
	})
	return bills, err
}

// wholeFen reads a JSON number that is a whole number of fen.
func wholeFen(v any) (int64, bool) {
	f, ok := v.(float64)
	if !ok || f != float64(int64(f)) {
		if n, isNum := v.(json.Number); isNum {
			i, err := n.Int64()
			return i, err == nil
		}
		return 0, false
	}
	return int64(f), true
}

// syncRenovationFees sets renovation id's fees_fen (what its fee bills
// charge, less discounts) and fees_paid (nothing left owing) from its bills.
func syncRenovationFees(tx core.App, id string) error {
	var row struct {
		Charged int64 `db:"charged"`
		Open    int   `db:"open"`
	}
	if err := tx.DB().NewQuery(`SELECT ` + fenTotal("amount_fen - discount_fen") + ` AS charged,
			COALESCE(SUM(status IN ('issued', 'partially_paid')), 0) AS open
		FROM bills WHERE renovation = {:r} AND status != 'void'`).Bind(dbx.Params{"r": id}).One(&row); err != nil {
		return fmt.Errorf("renovation fees: %w", err)
	}
	reno, err := tx.FindRecordById("renovations", id)
	if err != nil {
		return err
	}
	paid := row.Charged > 0 && row.Open == 0
	if int64(reno.GetInt("fees_fen")) == row.Charged && reno.GetBool("fees_paid") == paid {
		return nil
	}
	reno.Set("fees_fen", row.Charged)
	reno.Set("fees_paid", paid)
	return tx.Save(reno)
}

// renovationFeesPaid: the renovation management fee was billed, and none of
// the renovation's fee bills is still owing ([004] 四 3 5.1.6).
func renovationFeesPaid(app core.App, id string) (bool, error) {
	billed, err := exists(app, "bills", dbx.HashExp{"renovation": id, "charge": "renovation_management"}, "")
	if err != nil || !billed {
		return false, err
	}
	owing, err := exists(app, "bills", dbx.NewExp("renovation = {:r} AND status IN ('issued', 'partially_paid')", dbx.Params{"r": id}), "")
	return !owing, err
}
