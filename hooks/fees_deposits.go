package hooks

import (
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/money"
	"wuye/lib/workcal"
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
	// Every deposit taken, however it is recorded (the ledger's API, a
	// worker pass, a key loan), has its receipt: a "receive" movement with a
	// serial, by whoever took it, in the same transaction.
	app.OnRecordCreate("deposits").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("method") == "" {
			e.Record.Set("method", "cash") // money at the counter, unless said otherwise
		}
		if err := e.Next(); err != nil {
			return err
		}
		return receiveDeposit(e.App, e.Record)
	})
	app.OnRecordCreateRequest("deposit_movements").BindFunc(func(e *core.RecordRequestEvent) error {
		m := e.Record
		if isStaff(e.Auth) {
			m.Set("by", e.Auth.Id)
		}
		m.Set("serial", "")
		m.Set("method", "")
		if m.GetString("kind") == "receive" {
			return badRequest(validation.Errors{"kind": codedError("wuye_deposit_receipt_only")})
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
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/deposit-receipts/{id}", depositReceipt).Bind(apis.RequireAuth())
		return se.Next()
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

// receiveDeposit writes the receipt of deposit d just taken: a "receive"
// movement of its whole amount, by the member of staff who took it, by its
// method ([000] 收费员 4.5: deposits are kept, and receipted, in their own
// ledger). The balance starts at the amount; the receipt does not move it.
func receiveDeposit(tx core.App, d *core.Record) error {
	col, err := tx.FindCachedCollectionByNameOrId("deposit_movements")
	if err != nil {
		return err
	}
	m := core.NewRecord(col)
	m.Set("deposit", d.Id)
	m.Set("kind", "receive")
	m.Set("amount_fen", d.GetInt("amount_fen"))
	m.Set("method", d.GetString("method"))
	m.Set("reason", d.GetString("source"))
	m.Set("by", d.GetString("received_by"))
	if err := tx.Save(m); err != nil {
		return fmt.Errorf("deposit receipt: %w", err)
	}
	return nil
}

// DepositLine is one kind and method of deposit money in a day's close.
type DepositLine struct {
	Kind      string `db:"kind" json:"kind"` // receive (taken) or refund (paid back)
	Method    string `db:"method" json:"method"`
	Count     int    `db:"count" json:"count"`
	AmountFen int64  `db:"amount_fen" json:"amount_fen"`
}

// DepositClose totals the deposits staff member by took and paid back on day
// (YYYY-MM-DD, Shanghai), apart from the fees ([000] 收费员 4.5, 单独建帐).
func DepositClose(app core.App, by, day string) ([]DepositLine, error) {
	from, to, err := dayBounds(day)
	if err != nil {
		return nil, err
	}
	lines := []DepositLine{}
	err = app.DB().NewQuery(`
		SELECT kind, method, COUNT(*) AS count, ` + fenTotal("amount_fen") + ` AS amount_fen
		FROM deposit_movements
		WHERE by = {:by} AND kind IN ('receive', 'refund') AND created >= {:from} AND created < {:to}
		GROUP BY kind, method ORDER BY kind DESC, method`).
		Bind(dbx.Params{"by": by, "from": from, "to": to}).All(&lines)
	return lines, err
}

// dayBounds are the UTC stamps of the start of Shanghai day and of the next.
func dayBounds(day string) (string, string, error) {
	start, err := time.ParseInLocation(time.DateOnly, day, workcal.Shanghai)
	if err != nil {
		return "", "", err
	}
	return start.UTC().Format(types.DefaultDateLayout), start.AddDate(0, 0, 1).UTC().Format(types.DefaultDateLayout), nil
}

// depositReceipt answers GET /api/wuye/deposit-receipts/{id}: the printed
// receipt of a deposit movement — a deposit taken (收据) or paid back — with
// the amount in figures and capitals, who took it and for what, to those
// who may read the movement.
func depositReceipt(e *core.RequestEvent) error {
	m, err := readableRecord(e, "deposit_movements")
	if err != nil {
		return err
	}
	d, err := e.App.FindRecordById("deposits", m.GetString("deposit"))
	if err != nil {
		return apis.NewNotFoundError("", nil)
	}
	unit := ""
	if u, err := e.App.FindRecordById("units", d.GetString("unit")); err == nil {
		unit = u.GetString("number")
		if b, err := e.App.FindRecordById("buildings", u.GetString("building")); err == nil {
			unit = b.GetString("name") + " " + unit
		}
	}
	issuer := ""
	if s, err := e.App.FindRecordById("staff", m.GetString("by")); err == nil {
		issuer = s.GetString("name")
	}
	payee := ""
	if c, err := e.App.FindRecordById("communities", d.GetString("community")); err == nil {
		payee = c.GetString("name") + "物业服务中心"
	}
	amount := int64(m.GetInt("amount_fen"))
	return e.JSON(http.StatusOK, map[string]any{
		"serial": m.GetString("serial"), "kind": m.GetString("kind"), "deposit_kind": d.GetString("kind"),
		"at":   m.GetDateTime("created").Time().In(workcal.Shanghai).Format(time.DateTime),
		"unit": unit, "holder_name": d.GetString("holder_name"), "source": d.GetString("source"),
		"method": m.GetString("method"), "reason": m.GetString("reason"),
		"amount_fen": amount, "amount": money.Yuan(amount), "amount_capitals": money.Capital(amount),
		"balance_fen": d.GetInt("balance_fen"), "issuer": issuer, "payee": payee,
	})
}
