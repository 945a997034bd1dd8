package hooks

import (
	"fmt"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"golang.org/x/crypto/bcrypt"
)

// Writing an import (docs/DESIGN.md, "Import"): new records with
// multi-row INSERTs, changed ones with one UPDATE each, all in the import's
// one transaction. The records are written as PocketBase would store them
// (each one's DBExport: every column, the defaults of the fields left
// blank), but without a record save per row: the rows were checked by the
// import's plan (hooks/imports_plan.go), which applies the same rules as
// the collections' validation hooks, in bulk.

// InsertRecords writes new records of one collection with multi-row
// INSERTs (insertRows, hooks/base_insert.go), in tx. Each record's id
// must be set; created and updated are stamped now. An auth record (a
// resident) gets a token key of its own and a password nobody knows: the
// resident sets one through the desk's reset (hooks/accounts_residents.go)
// or signs in by SMS code.
func InsertRecords(tx core.App, recs []*core.Record) error {
	if len(recs) == 0 {
		return nil
	}
	col := recs[0].Collection()
	stamp := nowDateTime().String()
	var hash string
	if col.IsAuth() {
		h, err := bcrypt.GenerateFromPassword([]byte(security.RandomString(40)), bcrypt.DefaultCost)
		if err != nil {
			return err
		}
		hash = string(h)
	}
	rows := make([]map[string]any, len(recs))
	for i, r := range recs {
		if r.Collection().Id != col.Id || r.Id == "" {
			return fmt.Errorf("insert %s: a record of another collection or without id", col.Name)
		}
		m, err := r.DBExport(tx)
		if err != nil {
			return err
		}
		m["id"] = r.Id
		for _, f := range []string{"created", "updated"} {
			if _, ok := m[f]; ok {
				m[f] = stamp
			}
		}
		if col.IsAuth() {
			m[core.FieldNamePassword] = hash
			m[core.FieldNameTokenKey] = security.RandomString(50)
		}
		rows[i] = m
	}
	cols := make([]string, 0, len(rows[0]))
	for c := range rows[0] {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	values := make([][]any, len(rows))
	for i, m := range rows {
		values[i] = make([]any, len(cols))
		for j, c := range cols {
			values[i][j] = m[c]
		}
	}
	return insertRows(tx, col.Name, cols, values)
}

// importUpdate is one existing record's changed columns.
type importUpdate struct {
	collection, id string
	fields         map[string]any
}

// applyUpdates writes the changed columns of each record (and its updated
// time), in tx.
func applyUpdates(tx core.App, updates []importUpdate) error {
	stamp := nowDateTime().String()
	for _, u := range updates {
		params := dbx.Params{"updated": stamp}
		for k, v := range u.fields {
			params[k] = v
		}
		if _, err := tx.DB().Update(u.collection, params, dbx.HashExp{"id": u.id}).Execute(); err != nil {
			return fmt.Errorf("update %s %s: %w", u.collection, u.id, err)
		}
	}
	return nil
}
