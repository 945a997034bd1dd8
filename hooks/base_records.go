package hooks

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Small helpers on records every domain uses: dates checked and in order,
// fields that changed in an update, whether a matching record exists, who
// acted.

// checkDate verifies that field, when set, holds a real calendar date.
func checkDate(r *core.Record, field string) error {
	v := r.GetString(field)
	if v == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return validation.Errors{field: codedError("wuye_date_invalid")}
	}
	return nil
}

// notBefore verifies that date field later is not earlier than field earlier
// (both optional; civil dates compare as strings).
func notBefore(r *core.Record, later, earlier string) error {
	l, e := r.GetString(later), r.GetString(earlier)
	if l != "" && e != "" && l < e {
		return validation.Errors{later: codedError("wuye_date_before", fieldLabels[earlier].zh, fieldLabels[earlier].en)}
	}
	return nil
}

// exists reports whether collection has a record matching where other than
// the record with id except.
func exists(app core.App, collection string, where dbx.Expression, except string) (bool, error) {
	var n int
	err := app.RecordQuery(collection).
		Select("count(*)").
		AndWhere(where).
		AndWhere(dbx.Not(dbx.HashExp{"id": except})).
		Limit(1).
		Row(&n)
	if err != nil {
		return false, fmt.Errorf("check %s: %w", collection, err)
	}
	return n > 0, nil
}

// changedFields lists the fields whose value an update changes (auth
// secrets and timestamps left out).
func changedFields(orig, r *core.Record) []string {
	var out []string
	for _, f := range r.Collection().Fields {
		switch f.Type() {
		case core.FieldTypePassword, core.FieldTypeAutodate:
			continue
		}
		name := f.GetName()
		if name == core.FieldNameTokenKey {
			continue
		}
		if fmt.Sprint(orig.Get(name)) != fmt.Sprint(r.Get(name)) {
			out = append(out, name)
		}
	}
	return out
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func actorID(auth *core.Record) string {
	if auth == nil {
		return ""
	}
	return auth.Id
}

// readableRecord is the record of collection named by the request's {id}
// when the caller passes the collection's view rule; otherwise a 404 that
// says nothing of whether it exists. The custom routes that print or act on
// one record read it through this, as the records API would.
func readableRecord(e *core.RequestEvent, collection string) (*core.Record, error) {
	return recordByRule(e, collection, func(c *core.Collection) *string { return c.ViewRule })
}

// updatableRecord is readableRecord for the collection's update rule: the
// routes that act on a record as an update would.
func updatableRecord(e *core.RequestEvent, collection string) (*core.Record, error) {
	return recordByRule(e, collection, func(c *core.Collection) *string { return c.UpdateRule })
}

func recordByRule(e *core.RequestEvent, collection string, rule func(*core.Collection) *string) (*core.Record, error) {
	r, err := e.App.FindRecordById(collection, e.Request.PathValue("id"))
	if err != nil {
		return nil, apis.NewNotFoundError("", nil)
	}
	if ok, err := e.App.CanAccessRecord(r, mustInfo(e), rule(r.Collection())); !ok || err != nil {
		return nil, apis.NewNotFoundError("", nil)
	}
	return r, nil
}
