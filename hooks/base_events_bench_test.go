package hooks_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/internal/testapp"
)

// BenchmarkEventTimeline is a document's timeline as the pages read it
// (GET events?filter=subject_collection && subject_id, sorted, the actors
// expanded), on an events table of 300,000 rows, with the events rule of
// migration 0034 (an event readable exactly by those who may read its
// subject: role tables, relations to the subject, a resident's links) and,
// in the same run, with no rule at all as the baseline:
//
//	go test ./hooks -run '^$' -bench EventTimeline -benchtime 300x
//
// The rule's joins must not turn a timeline into a scan of the table.
func BenchmarkEventTimeline(b *testing.B) {
	app := testapp.New(b)
	s := app.Settings()
	s.RateLimits.Enabled = false
	if err := app.Save(s); err != nil {
		b.Fatal(err)
	}
	// 300,000 events over the demo's work orders, bills and payments (the
	// subjects whose readers differ by role), spread over two years.
	for _, q := range []string{
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
		INSERT INTO events (id, subject_collection, subject_id, action, community, work_order, created)
		SELECT 'bw' || printf('%013d', n.i), 'work_orders', w.id, 'status', w.community, w.id,
			strftime('%Y-%m-%d %H:%M:%fZ', '2025-01-01', '+' || (n.i % 700) || ' days')
		FROM n JOIN (SELECT id, community, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k, COUNT(*) OVER () AS c FROM work_orders) w
			ON w.k = n.i % w.c`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
		INSERT INTO events (id, subject_collection, subject_id, action, community, unit, created)
		SELECT 'bb' || printf('%013d', n.i), 'bills', x.id, 'reminder', x.community, x.unit,
			strftime('%Y-%m-%d %H:%M:%fZ', '2025-01-01', '+' || (n.i % 700) || ' days')
		FROM n JOIN (SELECT id, community, unit, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k, COUNT(*) OVER () AS c FROM bills) x
			ON x.k = n.i % x.c`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
		INSERT INTO events (id, subject_collection, subject_id, action, community, unit, created)
		SELECT 'bp' || printf('%013d', n.i), 'payments', x.id, 'create', x.community, x.unit,
			strftime('%Y-%m-%d %H:%M:%fZ', '2025-01-01', '+' || (n.i % 700) || ' days')
		FROM n JOIN (SELECT id, community, unit, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k, COUNT(*) OVER () AS c FROM payments) x
			ON x.k = n.i % x.c`,
		`ANALYZE`,
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			b.Fatal(err)
		}
	}
	h := testapp.Handler(b, app)
	var order, bill struct {
		ID string `db:"id"`
	}
	// A work order of tech1's, so that every caller's timeline is full (an
	// empty list would also meet PocketBase's pause after empty lists).
	if err := app.DB().NewQuery(`SELECT e.subject_id AS id FROM events e JOIN work_orders w ON w.id = e.subject_id
		JOIN staff s ON s.id = w.technician AND s.email = 'tech1@example.com'
		WHERE e.subject_collection = 'work_orders' GROUP BY e.subject_id ORDER BY COUNT(*) DESC LIMIT 1`).One(&order); err != nil {
		b.Fatal(err)
	}
	if err := app.DB().NewQuery("SELECT subject_id AS id FROM events WHERE subject_collection = 'bills' GROUP BY subject_id ORDER BY COUNT(*) DESC LIMIT 1").One(&bill); err != nil {
		b.Fatal(err)
	}
	timeline := func(col, id string) string {
		return "/api/collections/events/records?perPage=500&skipTotal=1&sort=created&expand=actor_staff,actor_resident&filter=" +
			url.QueryEscape(`subject_collection = "`+col+`" && subject_id = "`+id+`"`)
	}
	events, err := app.FindCollectionByNameOrId("events")
	if err != nil {
		b.Fatal(err)
	}
	rule := *events.ListRule
	for _, c := range []struct{ name, email, col, id string }{
		{"technician/work_order", "tech1@example.com", "work_orders", order.ID},
		{"supervisor/work_order", "supervisor@example.com", "work_orders", order.ID},
		{"cashier/bill", "cashier@example.com", "bills", bill.ID},
	} {
		for _, mode := range []string{"rule", "no_rule"} {
			b.Run(c.name+"/"+mode, func(b *testing.B) {
				r := rule
				if mode == "no_rule" {
					r = ""
				}
				events.ListRule = &r
				if err := app.Save(events); err != nil {
					b.Fatal(err)
				}
				target := timeline(c.col, c.id)
				code, body := testapp.Do(b, h, http.MethodGet, target, "", c.email)
				var page struct{ Items []any }
				_ = json.Unmarshal([]byte(body), &page)
				if code != http.StatusOK || len(page.Items) < 50 {
					b.Fatalf("%s: %d, %d events", c.name, code, len(page.Items))
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					testapp.Do(b, h, http.MethodGet, target, "", c.email)
				}
			})
		}
	}
	n, _ := app.CountRecords("events", dbx.NewExp("1 = 1"))
	b.Logf("events table: %d rows", n)
}
