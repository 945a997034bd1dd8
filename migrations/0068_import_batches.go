package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(importBatchesUp, dropper("import_batches"), "0068_import_batches.go")
}

// ImportKinds are what an office imports from Excel (docs/DESIGN.md,
// "Import"), in the order it loads them.
var ImportKinds = []string{"buildings", "units", "residents", "parking", "opening_arrears", "meter_readings"}

// ImportOutcomes: a dry run (nothing written but the batch) or an applied
// import. (An apply refused because a row had an error writes nothing, no
// batch either: bad input changes nothing.)
var ImportOutcomes = []string{"dry_run", "applied"}

// ImportRoles may import, by kind (hooks/imports.go): the registry's
// writers (supervisor, director) everything; the cashier also the opening
// arrears (like the billing runs; the receivable statement carries them,
// [000] 收费员 4.2.1.2) and the meter readings; the area manager also the
// readings (as the readings' create rule lets them).
var ImportRoles = map[string][]string{
	"buildings":       {"supervisor", "director"},
	"units":           {"supervisor", "director"},
	"residents":       {"supervisor", "director"},
	"parking":         {"supervisor", "director"},
	"opening_arrears": {"cashier", "supervisor", "director"},
	"meter_readings":  {"cashier", "area_manager", "supervisor", "director"},
}

// importBatchesUp creates import_batches: one record per dry run and per
// apply of POST /api/wuye/imports — the office's history of what was
// loaded, by whom, with the file as read (protected) and its report.
// changes lists the records the batch created and updated, by
// collection, so that every record an import wrote is attributable to it.
// (created and updated count records; the batch's own time is ran_at.)
// Written only by the route; read by those of the community who may import.
func importBatchesUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("import_batches")
	c.Fields.Add(
		rel("community", communities, true),
		choice("kind", true, ImportKinds...),
		// The file as read: its sheet as UTF-8 CSV (hooks/imports.go).
		&core.FileField{Name: "file", MaxSelect: 1, MaxSize: 20 << 20, Protected: true, MimeTypes: []string{"text/csv", "text/plain"}},
		text("file_name", false, 200),
		flag("dry_run"),
		choice("outcome", true, ImportOutcomes...),
		integer("rows", false, 0),
		integer("created", false, 0),
		integer("updated", false, 0),
		integer("unchanged", false, 0),
		&core.JSONField{Name: "errors", MaxSize: 4 << 20},
		&core.JSONField{Name: "changes", MaxSize: 4 << 20},
		rel("actor_staff", staff, false),
	)
	// created and updated are the batch's counts of records: its time is
	// ran_at.
	c.Fields.Add(&core.AutodateField{Name: "ran_at", OnCreate: true})
	c.AddIndex("idx_import_batches_community", false, "community, ran_at", "")
	read := and(staffOf("community"), `(@request.auth.role = "cashier" || @request.auth.role = "area_manager" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	setRules(c, rule(read), rule(read), nil, nil, nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("import_batches: %w", err)
	}
	return nil
}
