package hooks

import (
	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/money"
)

// The deposits ledger ([000] 收费员 4.5, 单独建帐): renovation and pass deposits are held
// apart from fees. A deposit is received once; deductions (with a reason)
// and refunds move its balance down to zero, when it is settled. Nothing is
// edited or deleted: a wrong movement is answered by the next one.
func registerDeposits(app core.App) {
	app.OnRecordCreateRequest("deposits").BindFunc(func(e *core.RecordRequestEvent) error {
		d := e.Record
		d.Set("balance_fen", d.GetInt("amount_fen"))
		d.Set("status", "held")
		if isStaff(e.Auth) {
			d.Set("received_by", e.Auth.Id)
		}
		return inTx(e, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: d, Action: "deposit", To: "held", Actor: e.Auth, Public: true,
				Note: money.Yuan(int64(d.GetInt("amount_fen")))})
		})
	})
	app.OnRecordCreateRequest("deposit_movements").BindFunc(func(e *core.RecordRequestEvent) error {
		m := e.Record
		if isStaff(e.Auth) {
			m.Set("by", e.Auth.Id)
		}
		if m.GetString("kind") == "deduct" && m.GetString("reason") == "" {
			return badRequest(validation.Errors{"reason": codedError("wuye_deduction_reason")})
		}
		// The balance is read and moved inside the transaction that stores
		// the movement: two clerks cannot pay out the same money twice.
		return inTxAround(e, func(tx core.App) error {
			d, err := tx.FindRecordById("deposits", m.GetString("deposit"))
			if err != nil {
				return badRequest(validation.Errors{"deposit": codedError("validation_missing_rel_records")})
			}
			if err := ownRefundPath(tx, d, m.GetString("kind")); err != nil {
				return err
			}
			balance := int64(d.GetInt("balance_fen"))
			if amount := int64(m.GetInt("amount_fen")); amount > balance {
				return badRequest(validation.Errors{"amount_fen": codedError("wuye_over_deposit", money.Yuan(amount), money.Yuan(balance))})
			}
			return nil
		}, func(tx core.App) error {
			d, err := tx.FindRecordById("deposits", m.GetString("deposit"))
			if err != nil {
				return err
			}
			d.Set("balance_fen", d.GetInt("balance_fen")-m.GetInt("amount_fen"))
			if d.GetInt("balance_fen") == 0 {
				d.Set("status", "settled")
			}
			if err := tx.Save(d); err != nil {
				return err
			}
			return RecordEvent(tx, Event{Subject: d, Action: m.GetString("kind"), Actor: e.Auth, Public: true,
				Note: money.Yuan(int64(m.GetInt("amount_fen"))) + " " + m.GetString("reason")})
		})
	})
	app.OnRecordDelete("deposits", "deposit_movements").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_payment_final")})
	})
}

// moveDeposit deducts from or refunds deposit d in transaction tx, as the
// ledger's API does (never beyond the balance), and records it.
func moveDeposit(tx core.App, d *core.Record, kind string, amount int64, reason string, actor *core.Record) error {
	_, err := moveDepositRecord(tx, d, kind, amount, reason, actor)
	return err
}

// moveDepositRecord is moveDeposit returning the movement it stored.
func moveDepositRecord(tx core.App, d *core.Record, kind string, amount int64, reason string, actor *core.Record) (*core.Record, error) {
	if amount > int64(d.GetInt("balance_fen")) {
		return nil, badRequest(validation.Errors{"amount_fen": codedError("wuye_over_deposit", money.Yuan(amount), money.Yuan(int64(d.GetInt("balance_fen"))))})
	}
	col, err := tx.FindCachedCollectionByNameOrId("deposit_movements")
	if err != nil {
		return nil, err
	}
	m := core.NewRecord(col)
	m.Set("deposit", d.Id)
	m.Set("kind", kind)
	m.Set("amount_fen", amount)
	m.Set("reason", reason)
	m.Set("by", actorID(actor))
	if err := tx.Save(m); err != nil {
		return nil, err
	}
	d.Set("balance_fen", int64(d.GetInt("balance_fen"))-amount)
	if d.GetInt("balance_fen") == 0 {
		d.Set("status", "settled")
	}
	if err := tx.Save(d); err != nil {
		return nil, err
	}
	return m, RecordEvent(tx, Event{Subject: d, Action: kind, Actor: actor, Public: true, Note: money.Yuan(amount) + " " + reason})
}

// ownRefundPath refuses, through the ledger's API, a refund of a deposit
// that has a return path of its own — a renovation deposit only through its
// refund, approved by the director after the waiting period ([004] 四 3 4.3,
// [001] 中汇广场 五; hooks/renovation_refunds.go), a pass deposit when the pass
// comes back, a key deposit when the key does — and any deduction from a
// deposit whose refund is under way (the director approved its balance).
func ownRefundPath(tx core.App, d *core.Record, kind string) error {
	if kind == "refund" && d.GetString("kind") != "other" {
		return badRequest(validation.Errors{"kind": codedError("wuye_refund_own_path")})
	}
	if n, _ := tx.CountRecords("deposit_refunds", dbx.HashExp{"deposit": d.Id, "status": []any{"requested", "approved"}}); n > 0 {
		return badRequest(validation.Errors{"deposit": codedError("wuye_refund_pending")})
	}
	return nil
}
