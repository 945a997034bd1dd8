package hooks_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/importer"
)

// BenchmarkImport loads an estate of 10,000 units and 10,000 residents
// (each linked to a unit) into 银杏苑 through the import — dry run and
// apply of each file, from the CSV text — and, in the same run, inserts
// the same rows into plain tables with raw batched SQL in one transaction:
// the ratios are what checking and keying the rows costs (BENCHMARKS.md,
// "Import"). Run with:
//
//	go test ./hooks -run '^$' -bench Import -benchtime 1x
func BenchmarkImport(b *testing.B) {
	const buildings, floors, perFloor = 20, 25, 20 // 10,000 units
	var bcsv, ucsv, rcsv strings.Builder
	bcsv.WriteString("楼栋编号,楼栋名称,楼层数\n")
	ucsv.WriteString("楼栋编号,房号,楼层,类型,建筑面积,状态,收房日期,入住日期\n")
	rcsv.WriteString("姓名,手机号,楼栋编号,房号,关系,起始日期\n")
	n := 0
	for bi := 1; bi <= buildings; bi++ {
		fmt.Fprintf(&bcsv, "B%02d,B%02d栋,%d\n", bi, bi, floors)
		for f := 1; f <= floors; f++ {
			for u := 1; u <= perFloor; u++ {
				n++
				fmt.Fprintf(&ucsv, "B%02d,%d%02d,%d,住宅,%d.5,已入住,2024-03-01,2024-04-01\n", bi, f, u, f, 60+u)
				fmt.Fprintf(&rcsv, "住户%05d,1356%07d,B%02d,%d%02d,业主,2024-04-01\n", n, n, bi, f, u)
			}
		}
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		app := testapp.New(b)
		yx := testapp.ID(b, "community:YX")
		run := func(kind, csv string, dry bool) (time.Duration, *hooks.ImportResult) {
			start := time.Now()
			table, err := importer.ReadCSV([]byte(csv))
			if err != nil {
				b.Fatal(err)
			}
			r, err := hooks.RunImport(app, hooks.ImportRequest{Kind: kind, Community: yx, DryRun: dry, FileName: kind + ".csv", Table: table})
			if err != nil {
				b.Fatal(err)
			}
			if r.Outcome == "refused" {
				b.Fatalf("%s refused", kind)
			}
			return time.Since(start), r
		}
		run("buildings", bcsv.String(), false)
		b.StartTimer()
		unitsDry, _ := run("units", ucsv.String(), true)
		unitsApply, _ := run("units", ucsv.String(), false)
		resDry, _ := run("residents", rcsv.String(), true)
		resApply, _ := run("residents", rcsv.String(), false)
		b.StopTimer()
		if c, _ := app.CountRecords("units", dbx.HashExp{"community": yx}); c < int64(n) {
			b.Fatalf("%d units imported of %d", c, n)
		}
		raw := rawInsert(b, app, ucsv.String(), rcsv.String())
		b.ReportMetric(float64(unitsDry.Milliseconds()), "units-dry-ms")
		b.ReportMetric(float64(unitsApply.Milliseconds()), "units-apply-ms")
		b.ReportMetric(float64(resDry.Milliseconds()), "residents-dry-ms")
		b.ReportMetric(float64(resApply.Milliseconds()), "residents-apply-ms")
		b.ReportMetric(float64(raw.Milliseconds()), "raw-insert-ms")
		b.ReportMetric(float64(unitsDry+resDry)/float64(raw), "dry/raw")
		b.ReportMetric(float64(unitsApply+resApply)/float64(raw), "apply/raw")
		b.StartTimer()
	}
}

// rawInsert is the baseline: the same rows (a unit; a resident and their
// link) written into plain tables with multi-row INSERTs of the same size,
// in one transaction, with no parsing of cells, no checks and no keys
// looked up.
func rawInsert(b *testing.B, app core.App, units, residents string) time.Duration {
	start := time.Now()
	err := app.RunInTransaction(func(tx core.App) error {
		for _, ddl := range []string{
			"CREATE TABLE bench_units (id TEXT PRIMARY KEY, building TEXT, number TEXT, floor INTEGER, type TEXT, area_m2 REAL, status TEXT, handed_over_on TEXT, moved_in_on TEXT)",
			"CREATE TABLE bench_residents (id TEXT PRIMARY KEY, name TEXT, phone TEXT, building TEXT, unit TEXT, relation TEXT, since TEXT)",
		} {
			if _, err := tx.DB().NewQuery(ddl).Execute(); err != nil {
				return err
			}
		}
		for _, t := range []struct {
			table, csv string
			cols       []string
		}{
			{"bench_units", units, []string{"id", "building", "number", "floor", "type", "area_m2", "status", "handed_over_on", "moved_in_on"}},
			{"bench_residents", residents, []string{"id", "name", "phone", "building", "unit", "relation", "since"}},
		} {
			var rows [][]any
			for _, line := range strings.Split(strings.TrimSpace(t.csv), "\n")[1:] {
				row := []any{core.GenerateDefaultRandomId()}
				for _, v := range strings.Split(line, ",") {
					row = append(row, v)
				}
				rows = append(rows, row)
			}
			// The same multi-row INSERTs the import writes (insertRows).
			if err := hooks.InsertRows(tx, t.table, t.cols, rows); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}
