package hooks_test

import (
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// TestRenovationWeeklyCountsShanghaiDays: the Saturday summary's week runs
// Sunday to Saturday in Shanghai. A violation recorded at 00:30 on Sunday
// 6 December 2026 in Shanghai is stored as 2026-12-05 16:30 UTC: it belongs
// to the week of 6–12 December, not to the one that ended on the 5th (it
// was counted by its UTC date, and lost from its week, before).
func TestRenovationWeeklyCountsShanghaiDays(t *testing.T) {
	app := testapp.New(t)
	ch := testapp.ID(t, "community:CH")
	if _, err := app.DB().Delete("renovation_violations", nil).Execute(); err != nil {
		t.Fatal(err)
	}
	reno, err := app.FindFirstRecordByFilter("renovations", "unit.community = {:c} && status = 'permitted'", dbx.Params{"c": ch})
	if err != nil {
		t.Fatal(err)
	}
	unit, _ := app.FindRecordById("units", reno.GetString("unit"))
	building, _ := app.FindRecordById("buildings", unit.GetString("building"))
	col, _ := app.FindCollectionByNameOrId("renovation_violations")
	v := core.NewRecord(col)
	for k, val := range map[string]any{"renovation": reno.Id, "severity": "minor", "kind": "other", "description": "楼道堆放建筑垃圾", "status": "open"} {
		v.Set(k, val)
	}
	if err := app.SaveNoValidate(v); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().Update("renovation_violations", dbx.Params{"created": "2026-12-05 16:30:00.000Z"}, dbx.HashExp{"id": v.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	count := func(weekEnd string) int {
		t.Helper()
		rows, err := hooks.RenovationWeekly(app, ch, civilDate(weekEnd))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Area == building.GetString("area") {
				return r.Violations
			}
		}
		t.Fatalf("no row for the area of %s", unit.GetString("number"))
		return 0
	}
	if n := count("2026-12-12"); n != 1 {
		t.Errorf("the week of 6–12 December counts %d violations, want the one of Sunday 00:30", n)
	}
	if n := count("2026-12-05"); n != 0 {
		t.Errorf("the week that ended on Saturday 5 December counts %d violations, want 0", n)
	}
}
