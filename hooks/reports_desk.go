package hooks

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The front desk's registers in the monthly service-center report ([000]
// 前台 4.1.3, 4.10.5; docs/DESIGN.md, "Front desk: handover, incidents,
// visits"): the month's enquiries, incidents, parcels, lost and found items,
// goods passes and visits, each counted in SQL from its own collection. A
// register whose collection this database does not have (yet) counts 0.

// deskCounts: report field → collection and the time field the month is
// read on.
var deskCounts = []struct {
	collection, at string
	set            func(r *MonthlyReport, n int)
}{
	{"enquiries", "created", func(r *MonthlyReport, n int) { r.Enquiries = n }},
	{"incidents", "reported_at", func(r *MonthlyReport, n int) { r.Incidents = n }},
	{"parcels", "created", func(r *MonthlyReport, n int) { r.Parcels = n }},
	{"lost_items", "created", func(r *MonthlyReport, n int) { r.LostItems = n }},
	{"goods_passes", "created", func(r *MonthlyReport, n int) { r.GoodsPasses = n }},
	{"visits", "visited_at", func(r *MonthlyReport, n int) { r.Visits = n }},
}

// deskReport fills the desk registers' counts of the Shanghai month of
// month into r.
func deskReport(app core.App, r *MonthlyReport, community string, month time.Time) error {
	_, _, p := monthBounds(month)
	p["c"] = community
	for _, c := range deskCounts {
		n, err := countInMonth(app, c.collection, c.at, p)
		if err != nil {
			return err
		}
		c.set(r, n)
	}
	return nil
}

// countInMonth counts the records of collection of community {:c} whose
// field at falls in [{:from}, {:to}); a record without a community of its
// own counts by its unit's. A collection that does not exist, or lacks the
// fields, counts 0.
func countInMonth(app core.App, collection, at string, p dbx.Params) (int, error) {
	col, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil || col.Fields.GetByName(at) == nil {
		return 0, nil
	}
	var where string
	switch {
	case col.Fields.GetByName("community") != nil:
		where = "community = {:c}"
	case col.Fields.GetByName("unit") != nil:
		where = "unit IN (SELECT id FROM units WHERE community = {:c})"
	default:
		return 0, nil
	}
	var n int
	// Names of collections and fields are plain identifiers (PocketBase
	// allows nothing else), taken from the table above.
	q := `SELECT COUNT(*) FROM "` + col.Name + `" WHERE ` + where + ` AND "` + at + `" >= {:from} AND "` + at + `" < {:to}`
	if err := app.DB().NewQuery(q).Bind(p).Row(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", collection, err)
	}
	return n, nil
}
