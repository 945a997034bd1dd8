package hooks_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/internal/testapp"
)

// TestUnitBillsUseAnIndex: a unit's bills — the portal's bills page (newest
// first) and its home's open bills, the desk's and the cashier's unit
// screens — are found through an index led by unit, not by walking every
// open bill or the whole table (migration 0089; BENCHMARKS.md § Capacity
// of one instance).
func TestUnitBillsUseAnIndex(t *testing.T) {
	app := testapp.New(t)
	u := testapp.ID(t, "unit:1-101")
	for _, q := range []string{
		"SELECT id FROM bills WHERE unit = {:u} ORDER BY period_start DESC LIMIT 50",
		"SELECT id FROM bills WHERE unit = {:u} AND status IN ('issued', 'partially_paid') ORDER BY due_on",
	} {
		var rows []struct {
			Detail string `db:"detail"`
		}
		if err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + q).Bind(dbx.Params{"u": u}).All(&rows); err != nil {
			t.Fatal(err)
		}
		var plan []string
		for _, r := range rows {
			plan = append(plan, r.Detail)
		}
		got := strings.Join(plan, "; ")
		if !strings.Contains(got, "idx_bills_unit_start (unit=?") {
			t.Errorf("%s\nplan: %s", q, got)
		}
	}
}
