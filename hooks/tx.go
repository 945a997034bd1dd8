package hooks

import (
	"net/http"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// inTx runs the rest of a request hook chain in one transaction and then fn
// with the same transaction, so that a change and what it implies (its
// events, counters, notifications) are written together or not at all.
// e.App is the transaction only while the chain runs and is put back after,
// so later hooks never hold a finished transaction.
func inTx(e *core.RecordRequestEvent, fn func(tx core.App) error) error {
	orig := e.App
	defer func() { e.App = orig }()
	return orig.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		if fn == nil {
			return nil
		}
		return fn(tx)
	})
}

// inTxChecked is inTx for a change that was judged against orig: inside
// the transaction the stored record must still have orig's values for
// fields, or someone changed it first and this change is refused (409)
// rather than silently overwriting theirs — e.g. two technicians claiming
// one pool order at the same moment: exactly one wins. Writes go through
// one connection, so the check and the write cannot interleave with
// another change.
func inTxChecked(e *core.RecordRequestEvent, orig *core.Record, fields []string, fn func(tx core.App) error) error {
	base := e.App
	defer func() { e.App = base }()
	return base.RunInTransaction(func(tx core.App) error {
		stored, err := tx.FindRecordById(orig.Collection(), orig.Id)
		if err != nil {
			return err
		}
		for _, f := range fields {
			if stored.GetString(f) != orig.GetString(f) {
				return apis.NewApiError(http.StatusConflict, "", validation.Errors{f: codedError("wuye_changed_meanwhile")})
			}
		}
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		return fn(tx)
	})
}
