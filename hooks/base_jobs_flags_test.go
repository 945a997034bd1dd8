package hooks_test

import (
	"strings"
	"testing"
	"time"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/workcal"
)

// The deadline jobs write a breach's flag with an UPDATE of the columns it
// changes (the flag and updated), not PocketBase's UPDATE of every column,
// after which SQLite rewrites the record's entry in each of the table's
// indexes (flagOnce says why); the flag, its event and the managers'
// notices are as before (TestEscalationIsOncePerBreach, TestWorkOrderTimers).
func TestDeadlineJobsWriteTheFlagAlone(t *testing.T) {
	app := testapp.New(t)
	filed := time.Date(2026, 3, 2, 9, 0, 0, 0, workcal.Shanghai)
	restore := hooks.SetNow(func() time.Time { return filed })
	owner := residentRec(t, app, "owner1@example.com")
	c := fileComplaint(t, app, owner, "1-101", "other", nil)
	o := fileOrder(t, app, owner, "1-101", "DQ01", nil)
	restore()

	for _, job := range []struct {
		table, flag string
		run         func() (int, error)
	}{
		{"complaints", "first_response_overdue", func() (int, error) { return hooks.FlagOverdueComplaints(app, filed.Add(25*time.Hour)) }},
		{"work_orders", "reply_overdue", func() (int, error) { return hooks.FlagLateReplies(app, filed.Add(16*time.Minute)) }},
	} {
		stop := timedStatementLog(app)
		n, err := job.run()
		statements := stop()
		if err != nil || n != 1 {
			t.Fatalf("%s: flagged %d (%v), want 1", job.table, n, err)
		}
		var updates []string
		for _, s := range statements {
			if strings.HasPrefix(s.sql, "UPDATE `"+job.table+"`") {
				updates = append(updates, s.sql)
			}
		}
		if len(updates) != 1 {
			t.Fatalf("%s: %d UPDATEs of the table, want 1: %q", job.table, len(updates), updates)
		}
		set, _, _ := strings.Cut(updates[0], " WHERE ")
		if got := strings.Count(set, "`="); got != 2 || !strings.Contains(set, "`"+job.flag+"`") || !strings.Contains(set, "`updated`") {
			t.Errorf("%s: the flag's UPDATE sets %d columns, want %s and updated alone: %s", job.table, got, job.flag, set)
		}
	}
	for id, want := range map[string]string{c.Id: "complaints first_response_overdue", o.Id: "work_orders reply_overdue"} {
		table, flag, _ := strings.Cut(want, " ")
		r, err := app.FindRecordById(table, id)
		if err != nil {
			t.Fatal(err)
		}
		if !r.GetBool(flag) {
			t.Errorf("%s %s: %s not set", table, id, flag)
		}
	}
}
