package hooks

import (
	"database/sql/driver"
	"fmt"
	"reflect"
	"sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/clock"
)

// A record update that writes only the columns it changes (issue #23, item
// 2). PocketBase's save of a record writes every column of it: for a
// complaint, 42 of them, and SQLite then rewrites the entry of each of the
// table's 15 indexes (it goes by the columns an UPDATE sets, not by whether
// their values changed) — with the full row read again first, by the
// attachments field, to learn which files the save removes. A complaint
// taken into a hot group as another one is filed changes in four to seven
// columns (its group, reason, level, deadlines and updated), and that
// happens inside the resident's request.
//
// saveChangedColumns is such a save, for a record read in this transaction
// that the caller changes in ways it knows to be valid: PocketBase's
// validation is skipped (SaveNoValidate; what the caller's change needs of
// it, it does itself), the update hooks run as for any save (the test
// clock's stamp of updated, PocketBase's realtime message and Wuye's topics
// after the commit), and the write is one UPDATE of the changed columns,
// made in place of PocketBase's (writeChanged). No file changes: the
// attachments' interceptor has nothing to do.

// changedOnly holds the records being saved by saveChangedColumns.
var changedOnly sync.Map // *core.Record → struct{}

// changedColumnsPriority runs writeChanged just before PocketBase's own
// update execution (priority 99: the fields' interceptors, then the write),
// which it replaces for a record saved by saveChangedColumns.
const changedColumnsPriority = 98

func registerChangedColumns(app core.App) {
	app.OnRecordUpdateExecute().Bind(&hook.Handler[*core.RecordEvent]{
		Func: func(e *core.RecordEvent) error {
			if _, ok := changedOnly.Load(e.Record); !ok {
				return e.Next()
			}
			return writeChanged(e.App, e.Record)
		},
		Priority: changedColumnsPriority,
	})
}

// saveChangedColumns saves r, read from the database in this transaction
// and changed by the caller without a file, writing only the columns whose
// values changed.
func saveChangedColumns(app core.App, r *core.Record) error {
	changedOnly.Store(r, struct{}{})
	defer changedOnly.Delete(r)
	return app.SaveNoValidate(r)
}

// writeChanged writes r's columns whose values differ from those it was
// read with. An autodate field set on update that nothing moved is dated
// as PocketBase's interceptor would, on the clock registerClock stamps
// records with.
func writeChanged(app core.App, r *core.Record) error {
	orig := r.Original()
	for _, f := range r.Collection().Fields {
		if a, ok := f.(*core.AutodateField); ok && a.OnUpdate && r.GetDateTime(a.Name).Equal(orig.GetDateTime(a.Name)) {
			at, err := types.ParseDateTime(clock.Now())
			if err != nil {
				return fmt.Errorf("date %s: %w", r.Collection().Name, err)
			}
			r.SetRaw(a.Name, at)
		}
	}
	now, err := r.DBExport(app)
	if err != nil {
		return fmt.Errorf("export %s: %w", r.Collection().Name, err)
	}
	was, err := orig.DBExport(app)
	if err != nil {
		return fmt.Errorf("export %s as read: %w", r.Collection().Name, err)
	}
	set := dbx.Params{}
	for col, v := range now {
		if col != core.FieldNameId && !reflect.DeepEqual(dbValue(v), dbValue(was[col])) {
			set[col] = v
		}
	}
	if len(set) == 0 {
		return nil
	}
	if _, err := app.NonconcurrentDB().Update(r.Collection().Name, set, dbx.HashExp{core.FieldNameId: r.LastSavedPK()}).Execute(); err != nil {
		return fmt.Errorf("update %s %s: %w", r.Collection().Name, r.Id, err)
	}
	return nil
}

// dbValue is v as the driver stores it (a date or a JSON value as its
// text), so that equal values compare equal whatever their Go type.
func dbValue(v any) any {
	if x, ok := v.(driver.Valuer); ok {
		if d, err := x.Value(); err == nil {
			return d
		}
	}
	return v
}
