package hooks

import (
	"net/http"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// inTxAround runs before, the rest of a request hook chain and after in one
// transaction, so that a change, what it depends on and what it implies
// (events, counters, notifications, balances) are read and written together
// or not at all. Writes go through one connection, so nothing else writes
// between before and after. e.App is the transaction only while the chain
// runs and is put back after, so later hooks never hold a finished
// transaction. The transaction waits for its turn at the write connection
// in the order the requests asked (queuedTx, base_write_queue.go).
func inTxAround(e *core.RecordRequestEvent, before, after func(tx core.App) error) error {
	orig := e.App
	defer func() { e.App = orig }()
	arrived, _ := e.Get(requestArrivedKey).(time.Time)
	asked := time.Now()
	return queuedTx(e.Request.Context(), orig, func(tx core.App) error {
		worked := timeWrite(tx, "", arrived, asked)
		defer worked()
		if before != nil {
			if err := before(tx); err != nil {
				return err
			}
		}
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		if after == nil {
			return nil
		}
		return after(tx)
	})
}

// inTx is inTxAround with nothing before.
func inTx(e *core.RecordRequestEvent, after func(tx core.App) error) error {
	return inTxAround(e, nil, after)
}

// inTxChecked is inTx for a change that was judged against orig: inside the
// transaction the stored record must still have orig's values for fields,
// or someone changed it first and this change is refused (409) rather than
// silently overwriting theirs — e.g. two technicians claiming one pool
// order at the same moment: exactly one wins.
func inTxChecked(e *core.RecordRequestEvent, orig *core.Record, fields []string, after func(tx core.App) error) error {
	return inTxAround(e, func(tx core.App) error {
		stored, err := tx.FindRecordById(orig.Collection(), orig.Id)
		if err != nil {
			return err
		}
		for _, f := range fields {
			if stored.GetString(f) != orig.GetString(f) {
				return apis.NewApiError(http.StatusConflict, "", validation.Errors{f: codedError("wuye_changed_meanwhile")})
			}
		}
		return nil
	}, after)
}
