package hooks_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// timedStatement is a statement and when it finished.
type timedStatement struct {
	sql string
	at  time.Time
}

// timedStatementLog is statementLog with each statement's end time.
func timedStatementLog(app core.App) (stop func() []timedStatement) {
	var mu sync.Mutex
	var out []timedStatement
	note := func(q string) {
		mu.Lock()
		out = append(out, timedStatement{strings.Join(strings.Fields(q), " "), time.Now()})
		mu.Unlock()
	}
	dbs := []*dbx.DB{app.ConcurrentDB().(*dbx.DB), app.NonconcurrentDB().(*dbx.DB)}
	for _, db := range dbs {
		db.QueryLogFunc = func(_ context.Context, _ time.Duration, q string, _ *sql.Rows, _ error) { note(q) }
		db.ExecLogFunc = func(_ context.Context, _ time.Duration, q string, _ sql.Result, _ error) { note(q) }
	}
	return func() []timedStatement {
		for _, db := range dbs {
			db.QueryLogFunc, db.ExecLogFunc = nil, nil
		}
		mu.Lock()
		defer mu.Unlock()
		return out
	}
}

// A complaint's intake reads the service levels before its write
// transaction, not in it (issue #23 item 2: at 16 concurrent intakes the
// rate is one over the time each holds the one write connection), while
// the hot candidates stay inside it; the deadlines are the same — those of
// a general complaint, and a solution deadline once one becomes hot. The
// events' INSERT runs in the driver's form (built once, no dbx processSQL),
// and each event is written as before.
func TestIntakeReadsServiceLevelsBeforeItsTransaction(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:1-101")
	var mu sync.Mutex
	var txs []hooks.WriteTiming
	defer hooks.ObserveWrites(func(w hooks.WriteTiming) {
		mu.Lock()
		txs = append(txs, w)
		mu.Unlock()
	})()
	body := `{"unit":"` + unit + `","category":"cleaning","content":"三楼楼道垃圾没人清理，味道很大","contact_name":"住户","contact_phone":"13800000000"}`
	sawHot := false
	for i := 0; i < 4 && !sawHot; i++ {
		mu.Lock()
		txs = nil
		mu.Unlock()
		stop := timedStatementLog(app)
		code, resp := testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records", body, "owner1@example.com")
		statements := stop()
		if code != http.StatusOK {
			t.Fatalf("%d %s", code, resp)
		}
		mu.Lock()
		if len(txs) != 1 {
			t.Fatalf("%d write transactions, want 1", len(txs))
		}
		tx := txs[0]
		mu.Unlock()
		var policies, candidates, events []timedStatement
		for _, s := range statements {
			switch {
			case strings.Contains(s.sql, "FROM units u LEFT JOIN sla_policies"):
				policies = append(policies, s) // the new complaint's (a group's members' are read in the transaction)
			case strings.Contains(s.sql, "hot_split = FALSE"):
				candidates = append(candidates, s)
			case strings.HasPrefix(s.sql, "INSERT INTO `events`"):
				events = append(events, s)
			}
		}
		if len(policies) != 1 || !policies[0].at.Before(tx.Began) {
			t.Errorf("complaint %d: service levels read %d times, want once before the transaction began", i+1, len(policies))
		}
		if len(candidates) != 1 || candidates[0].at.Before(tx.Began) || candidates[0].at.After(tx.Done) {
			t.Errorf("complaint %d: hot candidates read %d times, want once inside the transaction", i+1, len(candidates))
		}
		for _, s := range events {
			if !strings.Contains(s.sql, "VALUES (?, ?") {
				t.Errorf("complaint %d: an event written through dbx's builder: %.120s", i+1, s.sql)
			}
		}
		var rec struct{ ID string }
		_ = json.Unmarshal([]byte(resp), &rec)
		c, err := app.FindRecordById("complaints", rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		received := c.GetDateTime("received_at").Time()
		if got := c.GetDateTime("first_response_due").Time(); !got.Equal(received.Add(24 * time.Hour)) {
			t.Errorf("complaint %d: first response due %v, want 24 hours after %v", i+1, got, received)
		}
		if c.GetDateTime("reply_due").IsZero() {
			t.Errorf("complaint %d: no reply deadline", i+1)
		}
		if c.GetString("level") == "hot" {
			sawHot = true
			if got := c.GetDateTime("solution_due").Time(); !got.Equal(received.Add(48 * time.Hour)) {
				t.Errorf("hot complaint: solution due %v, want 48 hours after %v", got, received)
			}
		} else if !c.GetDateTime("solution_due").IsZero() {
			t.Errorf("complaint %d (%s): a solution deadline for a general complaint", i+1, c.GetString("level"))
		}
		if n := len(events); n == 0 {
			t.Errorf("complaint %d: no event written", i+1)
		}
		if _, err := app.FindFirstRecordByFilter("events", "subject_id = {:id} && action = 'create'", dbx.Params{"id": c.Id}); err != nil {
			t.Errorf("complaint %d: no create event: %v", i+1, err)
		}
	}
	if !sawHot {
		t.Fatal("no complaint became hot: the case needs a group formed")
	}
}
