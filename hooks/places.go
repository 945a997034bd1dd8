package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"wuye/migrations"
)

// A resident's communities and buildings (hidden fields, see
// migrations/resident_places.go) are those of the units they currently live
// in; the read rules of communities, buildings, service items, fee items and
// notices check them on the signed-in account. They are Wuye's alone:
//
//   - every link saved or deleted (through the API, the registry's own code
//     or EndExpiredLinks) recomputes its resident's, in the transaction of
//     that write, so a link ended, moved or made grants or stops granting
//     with the commit;
//   - every save of a resident recomputes them from the links, so neither a
//     body (non-superusers' are stripped of hidden fields anyway) nor a
//     record loaded before a link changed can store other values.
func registerPlaces(app core.App) {
	app.OnRecordCreate("unit_residents").BindFunc(syncLinkPlaces)
	app.OnRecordUpdate("unit_residents").BindFunc(syncLinkPlaces)
	app.OnRecordDelete("unit_residents").BindFunc(syncLinkPlaces)
	app.OnRecordCreate("residents").BindFunc(derivePlaces)
	app.OnRecordUpdate("residents").BindFunc(derivePlaces)
}

// syncLinkPlaces writes the link and recomputes the places of its resident
// (and of the one it had, were that ever changed) in one transaction.
func syncLinkPlaces(e *core.RecordEvent) error {
	ids := []string{e.Record.GetString("resident")}
	if !e.Record.IsNew() {
		if was := e.Record.Original().GetString("resident"); was != ids[0] {
			ids = append(ids, was)
		}
	}
	orig := e.App
	defer func() { e.App = orig }()
	return orig.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		return migrations.SyncResidentPlaces(tx, ids...)
	})
}

// derivePlaces sets a resident's places from the links before the account
// is written.
func derivePlaces(e *core.RecordEvent) error {
	communities, buildings, err := migrations.ResidentPlaces(e.App, e.Record.Id)
	if err != nil {
		return err
	}
	e.Record.Set("communities", communities)
	e.Record.Set("buildings", buildings)
	return e.Next()
}
