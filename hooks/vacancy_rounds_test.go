package hooks_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// One visit to a vacant unit makes up all its overdue patrols ([000] 管理员
// 3.2: each vacant unit patrolled weekly, a full inspection monthly): the
// missed weekly patrols and the missed full inspection alike leave the
// rounds screen, each recorded late (made_up, never done on time); a full
// inspection not yet due stays open for its own visit.
func TestPatrolMakesUpEveryOverdueTask(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	unit, err := app.FindRecordById("units", testapp.ID(t, "unit:2-104"))
	if err != nil {
		t.Fatal(err)
	}
	mgr := testapp.ID(t, "staff:areamgr@example.com")
	today := clock.Now().In(workcal.Shanghai)
	col, _ := app.FindCollectionByNameOrId("patrol_tasks")
	task := func(kind, period, due, status string) *core.Record {
		r := core.NewRecord(col)
		for k, v := range map[string]any{"community": unit.GetString("community"), "manager": mgr, "unit": unit.Id,
			"kind": kind, "period": period, "due_on": due, "status": status} {
			r.Set(k, v)
		}
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	past := func(days int) string { return today.AddDate(0, 0, -days).Format(time.DateOnly) }
	missedWeek := task("weekly", "1999-W01", past(15), "missed")
	lateWeek := task("weekly", "1999-W02", past(8), "open") // past due, not yet flagged
	missedFull := task("monthly_full", "1999-01", past(20), "missed")
	notDue := task("monthly_full", "2999-01", today.AddDate(0, 0, 30).Format(time.DateOnly), "open")

	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/vacancy_patrols/records",
		fmt.Sprintf(`{"unit":%q,"kind":"weekly","hygiene":true}`, unit.Id), "areamgr@example.com")
	expectBody(t, "the area manager patrols once", code, body, 200)
	for _, c := range []struct {
		r    *core.Record
		want string
	}{{missedWeek, "made_up"}, {lateWeek, "made_up"}, {missedFull, "made_up"}, {notDue, "open"}} {
		got, _ := app.FindRecordById("patrol_tasks", c.r.Id)
		if got.GetString("status") != c.want {
			t.Errorf("%s %s due %s: %s, want %s", c.r.GetString("kind"), c.r.GetString("period"), c.r.GetString("due_on"), got.GetString("status"), c.want)
		}
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": missedFull.Id, "to": "made_up"}); n != 1 {
		t.Errorf("%d made-up events for the missed full inspection, want 1 (recorded late)", n)
	}
	if n, _ := app.CountRecords("patrol_tasks", dbx.HashExp{"unit": unit.Id, "status": "missed"}); n != 0 {
		t.Errorf("%d missed tasks left on the unit after one patrol", n)
	}
}
