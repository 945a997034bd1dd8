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

	"wuye/lib/workcal"
)

// Key loans ([000] 前台 4.5.4): staff borrowers sign; outsiders give their name, ID
// number and phone and pay a deposit; a vacant unit's key comes back the same
// day (others within a week unless a due time is given); a key is lent to
// one borrower at a time.
const otherKeyDays = 7

func registerKeys(app core.App) {
	app.OnRecordCreateRequest("key_loans").BindFunc(lendKey)
	app.OnRecordUpdateRequest("key_loans").BindFunc(returnKey)
	// borrower_id_no and borrower_phone are masked by the table of hooks/base_masks.go.
	app.OnRecordDelete("keys", "key_loans").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_record_kept")})
	})
	addJob(app, "wuye_key_loans", "*/15 * * * *", jobStep{"flag overdue key loans", FlagOverdueLoans})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/keys/count", keyCount).Bind(apis.RequireAuth())
		return se.Next()
	})
}

func lendKey(e *core.RecordRequestEvent) error {
	key, err := prepareLoan(e.App, e.Record, e.Auth)
	if err != nil {
		return err
	}
	return inTxAround(e,
		func(tx core.App) error { return checkOutKey(tx, e.Record, key, e.Auth) },
		func(tx core.App) error { return afterLoan(tx, e.Record, key, e.Auth) })
}

// LendKey lends a key as the desk would through the API.
func LendKey(app core.App, l, auth *core.Record) error {
	key, err := prepareLoan(app, l, auth)
	if err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := checkOutKey(tx, l, key, auth); err != nil {
			return err
		}
		if err := tx.Save(l); err != nil {
			return err
		}
		return afterLoan(tx, l, key, auth)
	})
}

// prepareLoan checks the borrower and sets the loan's due time.
func prepareLoan(app core.App, l, auth *core.Record) (*core.Record, error) {
	key, err := app.FindRecordById("keys", l.GetString("key"))
	if err != nil {
		return nil, badRequest(validation.Errors{"key": codedError("validation_missing_rel_records")})
	}
	l.Set("community", key.GetString("community"))
	l.Set("lent_by", actorID(auth))
	l.Set("returned_at", "")
	l.Set("overdue", false)
	l.Set("deposit", "")
	l.Set("move_in", "") // a key handed at a move-in is logged by the move-in (hooks/movein.go)
	at := now()
	l.Set("lent_at", at)
	if l.GetString("borrower_staff") == "" {
		// An outsider: who they are, and a deposit.
		missing := validation.Errors{}
		for _, f := range []string{"borrower_name", "borrower_id_no", "borrower_phone"} {
			if l.GetString(f) == "" {
				missing[f] = codedError("validation_required")
			}
		}
		if l.GetInt("deposit_fen") <= 0 {
			missing["deposit_fen"] = codedError("wuye_outsider_deposit")
		}
		if len(missing) > 0 {
			return nil, badRequest(missing)
		}
	}
	switch {
	case key.GetString("kind") == "vacant_unit":
		local := at.In(workcal.Shanghai)
		l.Set("due_at", time.Date(local.Year(), local.Month(), local.Day(), 23, 59, 59, 0, workcal.Shanghai))
	case l.GetDateTime("due_at").IsZero():
		l.Set("due_at", at.AddDate(0, 0, otherKeyDays))
	}
	return key, nil
}

// checkOutKey takes the key out of the cabinet inside the write: two loans
// of one key at the same moment cannot both go out. An outsider's deposit
// goes into the ledger.
func checkOutKey(tx core.App, l, key, auth *core.Record) error {
	stored, err := tx.FindRecordById("keys", key.Id)
	if err != nil {
		return err
	}
	if stored.GetString("status") != "in" {
		return apis.NewApiError(http.StatusConflict, "", validation.Errors{"key": codedError("wuye_key_out")})
	}
	stored.Set("status", "out")
	if err := tx.Save(stored); err != nil {
		return err
	}
	if amount := l.GetInt("deposit_fen"); amount > 0 {
		col, err := tx.FindCachedCollectionByNameOrId("deposits")
		if err != nil {
			return err
		}
		d := core.NewRecord(col)
		for k, v := range map[string]any{"community": key.GetString("community"), "unit": key.GetString("unit"), "kind": "key",
			"holder_name": l.GetString("borrower_name"), "source": key.GetString("label"), "amount_fen": amount,
			"balance_fen": amount, "status": "held", "received_by": actorID(auth)} {
			d.Set(k, v)
		}
		if err := tx.Save(d); err != nil {
			return err
		}
		l.Set("deposit", d.Id)
	}
	return nil
}

func afterLoan(tx core.App, l, key, auth *core.Record) error {
	return RecordEvent(tx, Event{Subject: key, Action: "lent", From: "in", To: "out", Actor: auth,
		Note: l.GetString("borrower_name") + l.GetString("borrower_staff")})
}

// returnKey takes a key back: the loan is closed, the key is in the cabinet
// again and an outsider's deposit is refunded. Nothing else of a loan changes.
func returnKey(e *core.RecordRequestEvent) error {
	l, orig := e.Record, e.Record.Original()
	for _, f := range changedFields(orig, l) {
		if f != "returned_at" {
			return badRequest(validation.Errors{f: codedError("wuye_field_locked")})
		}
	}
	if orig.GetString("returned_at") != "" || l.GetString("returned_at") == "" {
		return badRequest(validation.Errors{"returned_at": codedError("wuye_field_locked")})
	}
	l.Set("returned_at", nowDateTime())
	// Checked against the stored loan inside the write: of two returns at
	// once only one goes through, and a stale one cannot put back in the
	// cabinet a key that has meanwhile been lent again.
	return inTxChecked(e, orig, []string{"returned_at"}, func(tx core.App) error {
		key, err := tx.FindRecordById("keys", l.GetString("key"))
		if err != nil {
			return err
		}
		key.Set("status", "in")
		if err := tx.Save(key); err != nil {
			return err
		}
		if d, err := tx.FindRecordById("deposits", l.GetString("deposit")); err == nil && d.GetInt("balance_fen") > 0 {
			if err := moveDeposit(tx, d, "refund", int64(d.GetInt("balance_fen")), "钥匙归还 "+key.GetString("label"), e.Auth); err != nil {
				return err
			}
		}
		return RecordEvent(tx, Event{Subject: key, Action: "returned", From: "out", To: "in", Actor: e.Auth})
	})
}

// FlagOverdueLoans flags the loans not back by their due time at time at and
// tells the lender and the supervisors, once per loan.
func FlagOverdueLoans(app core.App, at time.Time) (int, error) {
	late := dbx.NewExp("returned_at = '' AND overdue = FALSE AND due_at != '' AND due_at < {:at}",
		dbx.Params{"at": at.UTC().Format(types.DefaultDateLayout)})
	return flagOnce(app, "key_loans", "key_loans", late, "overdue", "key_overdue", func(tx core.App, l *core.Record) error {
		key, err := tx.FindRecordById("keys", l.GetString("key"))
		if err != nil {
			return err
		}
		title := fmt.Sprintf("钥匙 %s 逾期未还（借用人 %s）", key.GetString("label"), l.GetString("borrower_name"))
		if lender, err := tx.FindRecordById("staff", l.GetString("lent_by")); err == nil {
			if err := Notify(tx, Notice{Recipient: lender, Kind: "key_overdue", Title: title, Subject: l}); err != nil {
				return err
			}
		}
		return notifyManagers(tx, l, "key_overdue", title)
	})
}

// keyCount answers GET /api/wuye/keys/count?community=…: the monthly key
// count (25th–27th) — keys by kind and status, and the loans out.
func keyCount(e *core.RequestEvent) error {
	community := e.Request.URL.Query().Get("community")
	if !e.HasSuperuserAuth() && !(hasRole(e.Auth, RoleFrontDesk, RoleSupervisor, RoleDirector) && servesCommunity(e.Auth, community)) {
		return apis.NewForbiddenError("", nil)
	}
	var byKind []struct {
		Kind   string `db:"kind" json:"kind"`
		Status string `db:"status" json:"status"`
		N      int    `db:"n" json:"count"`
	}
	if err := e.App.DB().NewQuery(`SELECT kind, status, COUNT(*) AS n FROM keys WHERE community = {:c} GROUP BY kind, status ORDER BY kind, status`).
		Bind(dbx.Params{"c": community}).All(&byKind); err != nil {
		return err
	}
	var out []struct {
		Label    string `db:"label" json:"label"`
		Borrower string `db:"borrower" json:"borrower"`
		DueAt    string `db:"due_at" json:"due_at"`
		Overdue  bool   `db:"overdue" json:"overdue"`
	}
	if err := e.App.DB().NewQuery(`SELECT k.label, COALESCE(NULLIF(l.borrower_name, ''), s.name, '') AS borrower, l.due_at, l.overdue
		FROM key_loans l JOIN keys k ON k.id = l.key LEFT JOIN staff s ON s.id = l.borrower_staff
		WHERE l.community = {:c} AND l.returned_at = '' AND l.move_in = '' ORDER BY l.due_at`).Bind(dbx.Params{"c": community}).All(&out); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"by_kind": byKind, "out": out, "counted_on": today()})
}
