package hooks_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// The multi-row INSERT builder (hooks/base_insert.go) of the import and
// the fan-out: rows × columns beyond the parameter bound are split into
// statements of as many whole rows as the bound allows (at least one),
// and every row is written exactly once, its values in their columns.
func TestInsertRowsChunksByParameters(t *testing.T) {
	app := testapp.New(t)
	for _, c := range []struct {
		cols, rows int
	}{
		{7, 0}, {7, 1}, {7, hooks.ParamsPerInsert / 7}, {7, hooks.ParamsPerInsert/7 + 1}, {7, 3*(hooks.ParamsPerInsert/7) + 5},
		{12, 100}, {17, 250}, {hooks.ParamsPerInsert + 20, 3}, // wider than the bound: a row a statement
	} {
		t.Run(fmt.Sprintf("%dx%d", c.rows, c.cols), func(t *testing.T) {
			table := fmt.Sprintf("bulk_probe_%d_%d", c.cols, c.rows)
			cols := []string{"id"}
			for i := 1; i < c.cols; i++ {
				cols = append(cols, fmt.Sprintf("c%d", i))
			}
			if _, err := app.DB().NewQuery("CREATE TABLE " + table + " (" + strings.Join(cols, ", ") + ")").Execute(); err != nil {
				t.Fatal(err)
			}
			rows := make([][]any, c.rows)
			for r := range rows {
				rows[r] = make([]any, c.cols)
				rows[r][0] = fmt.Sprintf("r%05d", r)
				for i := 1; i < c.cols; i++ {
					rows[r][i] = r*1000 + i
				}
			}
			stop := statementLog(app)
			err := app.RunInTransaction(func(tx core.App) error { return hooks.InsertRows(tx, table, cols, rows) })
			statements := stop()
			if err != nil {
				t.Fatal(err)
			}
			per := max(1, hooks.ParamsPerInsert/c.cols)
			inserts := 0
			for _, s := range statements {
				// In the driver's form (insertRows runs it without dbx's
				// processSQL): the rows' "(?, …)" separated by ", ".
				if !strings.HasPrefix(s, "INSERT INTO `"+table+"` ") {
					continue
				}
				inserts++
				_, values, _ := strings.Cut(s, " VALUES ")
				n := strings.Count(values, "), (") + 1
				if n > per {
					t.Errorf("a statement of %d rows × %d columns: over the bound of %d parameters", n, c.cols, hooks.ParamsPerInsert)
				}
			}
			if want := (c.rows + per - 1) / per; inserts != want {
				t.Errorf("%d INSERT statements for %d rows, want %d", inserts, c.rows, want)
			}
			var total, distinct, wrong int
			_ = app.DB().NewQuery("SELECT COUNT(*), COUNT(DISTINCT id) FROM "+table).Row(&total, &distinct)
			_ = app.DB().NewQuery("SELECT COUNT(*) FROM " + table + " WHERE c1 != CAST(substr(id, 2) AS INTEGER) * 1000 + 1" +
				" OR " + cols[c.cols-1] + " != CAST(substr(id, 2) AS INTEGER) * 1000 + " + fmt.Sprint(c.cols-1)).Row(&wrong)
			if c.cols == 1 {
				wrong = 0
			}
			if total != c.rows || distinct != c.rows || wrong != 0 {
				t.Errorf("%d rows written (%d distinct, %d with values out of place), want each of %d once", total, distinct, wrong, c.rows)
			}
		})
	}
	// A row short of a value is refused before anything is written.
	if _, err := app.DB().NewQuery("CREATE TABLE bulk_probe_short (id, a)").Execute(); err != nil {
		t.Fatal(err)
	}
	if err := hooks.InsertRows(app, "bulk_probe_short", []string{"id", "a"}, [][]any{{"x", 1}, {"y"}}); err == nil {
		t.Error("a row of one value for two columns was accepted")
	}
}
