package hooks

import "github.com/pocketbase/pocketbase/core"

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
