package hooks

import (
	"sync"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/list"
)

// Vouched relations (issue #23). PocketBase validates a relation by counting
// its ids in the related collection, one statement per relation filled in.
// A complaint or a work order is saved with relations Wuye has just read in
// the same request: the unit with its building and community (markHot,
// validatePlace), the signed-in resident or staff member who files it. For
// those the count only repeats a read; every other relation — whatever a
// body names and Wuye has not read — is still counted, so a relation to a
// record that does not exist is still refused with PocketBase's own 400.
//
// What was read is kept per record being saved, from the request hook or
// validatePlace until the record has been validated (forgetVouched).

// writeFacts is what one save of a record has read about its relations.
type writeFacts struct {
	ids   map[string]bool // "collection/id" of records read in this save
	place *unitPlace      // the unit read for the record (markHot), for validatePlace
	// policies read for a new complaint before its transaction
	// (prefetchIntake), for complaintDeadlines
	policies *intakePolicies
}

var vouched sync.Map // *core.Record → *writeFacts

func factsOf(r *core.Record) *writeFacts {
	f, _ := vouched.LoadOrStore(r, &writeFacts{ids: map[string]bool{}})
	return f.(*writeFacts)
}

// vouch records that the records of collection with ids were read while
// saving r (empty ids are skipped).
func vouch(r *core.Record, collection string, ids ...string) {
	f := factsOf(r)
	for _, id := range ids {
		if id != "" {
			f.ids[collection+"/"+id] = true
		}
	}
}

// vouchAuth vouches for the signed-in account auth (read by PocketBase for
// the request) in the save of r.
func vouchAuth(r, auth *core.Record) {
	if auth != nil {
		vouch(r, auth.Collection().Name, auth.Id)
	}
}

// forgetVouched drops what was kept for r's save; the request hooks and
// validatePlace defer it, so nothing outlives the save.
func forgetVouched(r *core.Record) { vouched.Delete(r) }

// vouchedValidatorPriority runs validateVouched just before PocketBase's
// own record validation (priority 99), after every Wuye validator.
const vouchedValidatorPriority = 98

// registerVouched binds validateVouched for the collections whose creates
// vouch for their relations. It notes how many model validators the app has
// now (PocketBase's own, which pass a record on to its record validation,
// and a test app's counter, which runs before them): one bound later would
// follow PocketBase's record validation, so then PocketBase validates.
func registerVouched(app core.App) {
	base := app.OnModelValidate().Length()
	app.OnRecordValidate("complaints", "work_orders").Bind(&hook.Handler[*core.RecordEvent]{
		Func: func(e *core.RecordEvent) error {
			if e.App.OnModelValidate().Length() != base {
				return e.Next()
			}
			return validateVouched(e)
		},
		Priority: vouchedValidatorPriority,
	})
}

// validateVouched validates a record that has vouched relations as
// PocketBase's own validation does (core.onRecordValidate: the fields'
// validate interceptors — an empty id is generated — then every field's
// ValidateValue), except that a relation whose ids were all read in this
// save is checked for its number of ids but not counted again in the
// database. It then ends the validation chain, as PocketBase's would once
// its record validation is done: nothing of Wuye's follows it (Wuye's
// record validators run at the default priority, before this one, and
// registerVouched lets PocketBase validate when a model validator was
// bound after Wuye's hooks).
func validateVouched(e *core.RecordEvent) error {
	v, ok := vouched.Load(e.Record)
	if !ok {
		return e.Next()
	}
	known := v.(*writeFacts).ids
	if len(known) == 0 {
		return e.Next()
	}
	r := e.Record
	for _, f := range r.Collection().Fields {
		if i, ok := f.(core.RecordInterceptor); ok {
			if err := i.Intercept(e.Context, e.App, r, core.InterceptorActionValidate, func() error { return nil }); err != nil {
				return err
			}
		}
	}
	errs := validation.Errors{}
	for _, f := range r.Collection().Fields {
		if rel, ok := f.(*core.RelationField); ok && relationVouched(e.App, rel, r, known) {
			continue
		}
		if err := f.ValidateValue(e.Context, e.App, r); err != nil {
			errs[f.GetName()] = err
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// relationVouched reports whether field f of r holds a number of ids it
// may hold, all of them read in this save.
func relationVouched(app core.App, f *core.RelationField, r *core.Record, known map[string]bool) bool {
	ids := list.ToUniqueStringSlice(r.GetRaw(f.Name))
	if len(ids) == 0 || len(ids) > max(f.MaxSelect, 1) || len(ids) < f.MinSelect {
		return false
	}
	c, err := app.FindCachedCollectionByNameOrId(f.CollectionId)
	if err != nil {
		return false
	}
	for _, id := range ids {
		if !known[c.Name+"/"+id] {
			return false
		}
	}
	return true
}
