package hooks_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
	"wuye/migrations"
)

// The statistics read monthly summaries kept by SQLite triggers (migration
// 0025) and, for bills, what they owe now, instead of aggregating every
// row on every request (issue #10). These tests check them against the
// straightforward aggregates the statistics used to run over the rows —
// kept here as the reference — on a history written with raw SQL inserts,
// updates and deletes (the triggers must follow whatever writes), through
// the API's own paths (payments), and across the time of asking.

func TestStatisticsMatchTheRowsAfterAnyWrites(t *testing.T) {
	app := testapp.New(t)
	ch := testapp.ID(t, "community:CH")
	yx := testapp.ID(t, "community:YX")
	rng := rand.New(rand.NewPCG(10, 25))
	now := clock.Now()
	h := statsHistory(t, app, rng, now, []string{ch, yx})

	check := func(stage string) {
		t.Helper()
		local := now.In(workcal.Shanghai)
		for _, c := range []string{ch, yx} {
			for back := -1; back < 9; back++ {
				month := time.Date(local.Year(), local.Month()-time.Month(back), 1, 0, 0, 0, 0, workcal.Shanghai)
				for _, at := range []time.Time{now, now.Add(-40 * 24 * time.Hour), now.Add(30 * 24 * time.Hour)} {
					got, err := hooks.ComplaintStats(app, c, month, at)
					if err != nil {
						t.Fatal(err)
					}
					statsSame(t, stage+" complaints "+month.Format("2006-01"), got, refComplaintStats(t, app, c, month, at))
					gotW, err := hooks.WorkOrderStats(app, c, month, at)
					if err != nil {
						t.Fatal(err)
					}
					statsSame(t, stage+" work orders "+month.Format("2006-01"), gotW, refWorkOrderStats(t, app, c, month, at))
				}
				d, err := hooks.Dashboard(app, c, month, now)
				if err != nil {
					t.Fatal(err)
				}
				ref := refComplaintStats(t, app, c, month, now)
				statsSame(t, stage+" dashboard complaints", d.Report.Complaints, ref["totals"].(map[string]any)["total"])
				statsSame(t, stage+" dashboard by category", d.Report.ComplaintsByCategory, ref["by_category"])
				statsSame(t, stage+" dashboard by level", d.Report.ComplaintsByLevel, ref["by_level"])
			}
			for _, n := range []int{1, 6, 13} {
				for _, at := range []time.Time{now, now.Add(-20 * 24 * time.Hour)} {
					got, err := hooks.Trends(app, c, local, n, at)
					if err != nil {
						t.Fatal(err)
					}
					statsSame(t, fmt.Sprintf("%s trends %d", stage, n), got, refTrends(t, app, c, local, n, at))
				}
			}
			for _, r := range []string{"", "-Q1", "-Q2", "-Q3", "-Q4", "-H1", "-03", "-11"} {
				for _, y := range []int{local.Year() - 1, local.Year()} {
					code := fmt.Sprint(y) + r
					first, last := statsRangeOf(t, code)
					for _, group := range []string{"", "building", "fee_item"} {
						got, err := hooks.FeeCollection(app, c, first, last, group)
						if err != nil {
							t.Fatal(err)
						}
						statsSame(t, fmt.Sprintf("%s fees %s by %q", stage, code, group), got, refFeeCollection(t, app, c, first, last, group))
					}
				}
			}
		}
	}
	check("inserted")
	h.rewrite(t, app, rng)
	check("updated and deleted")
	// The migration's rebuild gives the statsSame sums as the triggers kept.
	if err := migrations.RebuildSummaries(app); err != nil {
		t.Fatal(err)
	}
	check("rebuilt")
}

// statsSame fails unless got and want marshal to the statsSame JSON.
func statsSame(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	var gv, wv any
	json.Unmarshal(g, &gv)
	json.Unmarshal(w, &wv)
	if !reflect.DeepEqual(gv, wv) {
		t.Fatalf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func statsRangeOf(t *testing.T, code string) (time.Time, time.Time) {
	t.Helper()
	var y, n int
	var first time.Time
	months := 12
	switch {
	case len(code) == 4:
		fmt.Sscanf(code, "%d", &y)
		first = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	case code[5] == 'Q':
		fmt.Sscanf(code, "%d-Q%d", &y, &n)
		first, months = time.Date(y, time.Month(3*n-2), 1, 0, 0, 0, 0, time.UTC), 3
	case code[5] == 'H':
		fmt.Sscanf(code, "%d-H%d", &y, &n)
		first, months = time.Date(y, time.Month(6*n-5), 1, 0, 0, 0, 0, time.UTC), 6
	default:
		fmt.Sscanf(code, "%d-%d", &y, &n)
		first, months = time.Date(y, time.Month(n), 1, 0, 0, 0, 0, time.UTC), 1
	}
	return first, first.AddDate(0, months, -1)
}

// ---------------------------------------------------------------------
// a random history, written with raw SQL

type statsHist struct {
	complaints, orders, bills []string
	now                       time.Time
	units                     map[string][]string // community → units
}

func statsStamp(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }

func statsPick[T any](rng *rand.Rand, v []T) T { return v[rng.IntN(len(v))] }

func statsHistory(t *testing.T, app core.App, rng *rand.Rand, now time.Time, communities []string) *statsHist {
	t.Helper()
	h := &statsHist{now: now, units: map[string][]string{}}
	for _, c := range communities {
		var units []string
		if err := app.DB().NewQuery("SELECT id FROM units WHERE community = {:c}").Bind(dbx.Params{"c": c}).Column(&units); err != nil || len(units) == 0 {
			t.Fatalf("units of %s: %v", c, err)
		}
		h.units[c] = units
		for i := 0; i < 120; i++ {
			h.complaints = append(h.complaints, statsInsert(t, app, "complaints", h.complaintRow(rng, c)))
			h.orders = append(h.orders, statsInsert(t, app, "work_orders", h.orderRow(rng, c)))
		}
	}
	// Bills of several quarters and payments allocating to them, some after
	// the ranges asked about, some reversed, through the payment's own code
	// (paid_fen is the sum of a bill's allocations).
	var items []struct {
		ID        string `db:"id"`
		Community string `db:"community"`
	}
	app.DB().NewQuery("SELECT id, community FROM fee_items").All(&items)
	cashier, err := app.FindAuthRecordByEmail("staff", "cashier@example.com")
	if err != nil {
		t.Fatal(err)
	}
	local := now.In(workcal.Shanghai)
	q0 := time.Date(local.Year(), time.Month((int(local.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 90; i++ {
		it := statsPick(rng, items)
		units := h.units[it.Community]
		if units == nil {
			continue
		}
		start := q0.AddDate(0, -3*rng.IntN(6), 0)
		if rng.IntN(4) == 0 {
			start = start.AddDate(0, 1, 0) // a month-long period
		}
		amount := 1000 + rng.IntN(50000)
		row := map[string]any{
			"community": it.Community, "unit": statsPick(rng, units), "fee_item": it.ID,
			"period": fmt.Sprintf("T%d", i), "period_start": start.Format(time.DateOnly), "period_end": start.AddDate(0, 3, -1).Format(time.DateOnly),
			"amount_fen": amount, "discount_fen": statsPick(rng, []int{0, 0, 0, 500}), "late_fee_fen": statsPick(rng, []int{0, 0, 300}),
			"due_on": start.AddDate(0, 0, 9).Format(time.DateOnly), "status": statsPick(rng, []string{"issued", "issued", "void"}),
			"created": statsStamp(now), "updated": statsStamp(now),
		}
		id := statsInsert(t, app, "bills", row)
		h.bills = append(h.bills, id)
		if row["status"] == "void" {
			continue
		}
		for k := rng.IntN(3); k > 0; k-- {
			b, _ := app.FindRecordById("bills", id)
			// Dated anywhere from the period's start to a month from now.
			at := start.Add(time.Duration(rng.Int64N(int64(now.AddDate(0, 1, 0).Sub(start)))))
			p, err := statsPartPayment(t, app, rng, b, cashier, true, at)
			if err != nil {
				t.Fatal(err)
			}
			if p == nil {
				break
			}
			if rng.IntN(5) == 0 {
				statsReversal(t, app, p, at.Add(time.Hour))
			}
		}
	}
	return h
}

// statsPartPayment takes a cash payment of part of what bill b still owes
// (1 fen up to all of it) through TakePayment, to b itself when toBill is
// set or else to the unit's open bills oldest first, and dates it at
// (allocations are dated by their payment). It returns nil when b owes
// nothing, and TakePayment's refusal as the error.
func statsPartPayment(t *testing.T, app core.App, rng *rand.Rand, b, cashier *core.Record, toBill bool, at time.Time) (*core.Record, error) {
	t.Helper()
	owed := b.GetInt("amount_fen") - b.GetInt("discount_fen") + b.GetInt("late_fee_fen") - b.GetInt("paid_fen")
	if owed <= 0 {
		return nil, nil
	}
	col, _ := app.FindCollectionByNameOrId("payments")
	p := core.NewRecord(col)
	p.Set("unit", b.GetString("unit"))
	p.Set("amount_fen", 1+rng.IntN(owed))
	p.Set("method", "cash")
	if toBill {
		p.Set("bills", []string{b.Id})
	}
	if err := hooks.TakePayment(app, p, cashier); err != nil {
		return nil, err
	}
	statsExec(t, app, "payments", p.Id, map[string]any{"created": statsStamp(at)})
	return p, nil
}

// statsReversal reverses payment p as the payments API does — its stored
// allocations negated, dated at — puts the bills' paid amounts back, and
// returns the reversal's id.
func statsReversal(t *testing.T, app core.App, p *core.Record, at time.Time) string {
	t.Helper()
	stored, err := app.FindRecordById("payments", p.Id)
	if err != nil {
		t.Fatal(err)
	}
	neg := strings.ReplaceAll(stored.GetString("allocations"), `"amount_fen":`, `"amount_fen":-`)
	id := statsInsert(t, app, "payments", map[string]any{
		"community": stored.GetString("community"), "unit": stored.GetString("unit"), "amount_fen": -stored.GetInt("amount_fen"),
		"method": "cash", "reverses": p.Id, "allocations": neg, "created": statsStamp(at), "updated": statsStamp(at),
	})
	if _, err := app.DB().NewQuery(`UPDATE bills SET paid_fen = paid_fen + (SELECT SUM(a.value ->> 'amount_fen')
		FROM json_each({:neg}) a WHERE a.value ->> 'bill' = bills.id) WHERE id IN (SELECT a.value ->> 'bill' FROM json_each({:neg}) a)`).
		Bind(dbx.Params{"neg": neg}).Execute(); err != nil {
		t.Fatal(err)
	}
	return id
}

func statsInsert(t *testing.T, app core.App, table string, row map[string]any) string {
	t.Helper()
	if row["id"] == nil {
		row["id"] = fmt.Sprintf("t%014d", statsIDSeq)
		statsIDSeq++
	}
	if _, err := app.DB().Insert(table, dbx.Params(row)).Execute(); err != nil {
		t.Fatalf("insert %s: %v", table, err)
	}
	return row["id"].(string)
}

var statsIDSeq = 1

// when is a random instant within eight months before now and a week after,
// or empty.
func (h *statsHist) when(rng *rand.Rand, emptyOdds int) string {
	if emptyOdds > 0 && rng.IntN(emptyOdds) == 0 {
		return ""
	}
	return statsStamp(h.now.Add(time.Duration(rng.Int64N(int64(250*24*time.Hour))) - 243*24*time.Hour))
}

func (h *statsHist) complaintRow(rng *rand.Rand, c string) map[string]any {
	return map[string]any{
		"community": c, "unit": statsPick(rng, h.units[c]), "contact_name": "测试", "contact_phone": "13800000000",
		"channel": "phone", "category": statsPick(rng, []string{"security", "cleaning", "engineering", "other"}),
		"level": statsPick(rng, []string{"general", "major", "hot"}), "content": "x",
		"status":             statsPick(rng, []string{"received", "assigned", "processing", "replied", "revisited", "closed", "invalid"}),
		"received_at":        h.when(rng, 15),
		"first_response_due": h.when(rng, 10), "reply_due": h.when(rng, 10),
		"first_responded_at": h.when(rng, 3), "replied_at": h.when(rng, 3),
		"satisfaction":         statsPick(rng, []string{"", "", "satisfied", "basic", "unsatisfied"}),
		"reopen_count":         statsPick(rng, []int{0, 0, 0, 1, 2}),
		"about_service_center": rng.IntN(8) == 0, "first_response_overdue": rng.IntN(4) == 0, "reply_overdue": rng.IntN(4) == 0,
	}
}

func (h *statsHist) orderRow(rng *rand.Rand, c string) map[string]any {
	return map[string]any{
		"community": c, "unit": statsPick(rng, h.units[c]), "contact_name": "测试", "contact_phone": "13800000000",
		"kind": statsPick(rng, []string{"routine", "paid", "business"}), "category": statsPick(rng, []string{"electrical", "plumbing", "other"}),
		"description": "x", "status": statsPick(rng, []string{"new", "dispatched", "completed", "signed_off", "revisited", "closed", "cancelled"}),
		"received_at": h.when(rng, 15), "reply_due": h.when(rng, 10), "replied_at": h.when(rng, 3),
		"arrival":      statsPick(rng, []string{"", "on_time", "late", "early"}),
		"signoff":      statsPick(rng, []string{"", "confirmed", "rework"}),
		"completed_at": h.when(rng, 3), "signed_off_at": h.when(rng, 3), "revisited_at": h.when(rng, 3),
		"satisfaction":   statsPick(rng, []string{"", "satisfied", "basic", "unsatisfied"}),
		"revisit_method": statsPick(rng, []string{"", "phone", "home_visit"}),
		"payment":        statsPick(rng, []string{"none", "unpaid", "paid_on_site", "billed"}),
		"amount_fen":     rng.IntN(30000), "revisit_overdue": rng.IntN(5) == 0,
		"source":     statsPick(rng, []string{"request", "request", "complaint", "vacancy_patrol"}),
		"source_ref": statsPick(rng, []string{"", "", "", "PG-1"}),
	}
}

// rewrite changes a third of the rows, moves some to the other community or
// month, and deletes a few, all with raw SQL.
func (h *statsHist) rewrite(t *testing.T, app core.App, rng *rand.Rand) {
	t.Helper()
	communities := make([]string, 0, len(h.units))
	for c := range h.units {
		communities = append(communities, c)
	}
	for _, id := range h.complaints {
		switch rng.IntN(6) {
		case 0:
			c := statsPick(rng, communities)
			row := h.complaintRow(rng, c)
			statsExec(t, app, "complaints", id, row)
		case 1:
			statsExec(t, app, "complaints", id, map[string]any{"status": "invalid", "replied_at": ""})
		case 2:
			statsExec(t, app, "complaints", id, map[string]any{"received_at": h.when(rng, 0), "level": "collective"})
		case 3:
			if _, err := app.DB().Delete("complaints", dbx.HashExp{"id": id}).Execute(); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, id := range h.orders {
		switch rng.IntN(5) {
		case 0:
			statsExec(t, app, "work_orders", id, h.orderRow(rng, statsPick(rng, communities)))
		case 1:
			statsExec(t, app, "work_orders", id, map[string]any{"status": "cancelled", "completed_at": h.when(rng, 2)})
		case 2:
			if _, err := app.DB().Delete("work_orders", dbx.HashExp{"id": id}).Execute(); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, id := range h.bills {
		switch rng.IntN(4) {
		case 0:
			statsExec(t, app, "bills", id, map[string]any{"status": "void"})
		case 1:
			statsExec(t, app, "bills", id, map[string]any{"discount_fen": 700})
		}
	}
}

func statsExec(t *testing.T, app core.App, table, id string, set map[string]any) {
	t.Helper()
	if _, err := app.DB().Update(table, dbx.Params(set), dbx.HashExp{"id": id}).Execute(); err != nil {
		t.Fatalf("update %s: %v", table, err)
	}
}

// ---------------------------------------------------------------------
// the reference: aggregates over the rows, as the statistics were written
// before the summaries

func statsMonthParams(c string, month, at time.Time) dbx.Params {
	from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, workcal.Shanghai)
	return dbx.Params{"c": c, "from": statsStamp(from), "to": statsStamp(from.AddDate(0, 1, 0)), "now": statsStamp(at)}
}

const statsRefWhere = `community = {:c} AND received_at >= {:from} AND received_at < {:to}`

func statsRefCount(t *testing.T, app core.App, table, column string, params dbx.Params) map[string]int {
	t.Helper()
	var rows []struct {
		K string `db:"k"`
		N int    `db:"n"`
	}
	if err := app.DB().NewQuery("SELECT " + column + " AS k, COUNT(*) AS n FROM " + table + " WHERE " + statsRefWhere + " GROUP BY " + column).
		Bind(params).All(&rows); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.K] = r.N
	}
	return out
}

func statsRefRow(t *testing.T, app core.App, sql string, params dbx.Params) map[string]any {
	t.Helper()
	row := dbx.NullStringMap{}
	if err := app.DB().NewQuery(sql).Bind(params).One(row); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for k, v := range row {
		var n int64
		fmt.Sscan(v.String, &n)
		out[k] = n
	}
	return out
}

func statsRate(n, d any) any {
	nn, dd := n.(int64), d.(int64)
	if dd == 0 {
		return nil
	}
	return math.Round(float64(nn)/float64(dd)*10000) / 10000
}

func refComplaintStats(t *testing.T, app core.App, c string, month, at time.Time) map[string]any {
	t.Helper()
	p := statsMonthParams(c, month, at)
	tot := statsRefRow(t, app, `
		SELECT COUNT(*) AS total,
			COALESCE(SUM(status = 'invalid'), 0) AS invalid,
			COALESCE(SUM(status = 'closed'), 0) AS closed,
			COALESCE(SUM(status != 'invalid' AND (first_responded_at != '' OR first_response_due < {:now})), 0) AS first_response_due,
			COALESCE(SUM(status != 'invalid' AND first_responded_at != '' AND first_responded_at <= first_response_due), 0) AS first_response_on_time,
			COALESCE(SUM(status != 'invalid' AND (replied_at != '' OR reply_due < {:now})), 0) AS reply_due,
			COALESCE(SUM(status != 'invalid' AND replied_at != '' AND replied_at <= reply_due), 0) AS reply_on_time,
			COALESCE(SUM(satisfaction != ''), 0) AS revisited,
			COALESCE(SUM(satisfaction = 'satisfied'), 0) AS satisfied,
			COALESCE(SUM(satisfaction = 'basic'), 0) AS basic,
			COALESCE(SUM(satisfaction = 'unsatisfied'), 0) AS unsatisfied,
			COALESCE(SUM(reopen_count), 0) AS reopened,
			COALESCE(SUM(about_service_center = TRUE), 0) AS about_service_center,
			COALESCE(SUM(first_response_overdue = TRUE OR reply_overdue = TRUE), 0) AS escalated,
			COALESCE(SUM(status IN ('replied', 'revisited', 'closed')), 0) AS solved
		FROM complaints WHERE `+statsRefWhere, p)
	valid := tot["total"].(int64) - tot["invalid"].(int64)
	// [000] 前台 4.1.3.1–4.1.3.4: the valid and on-time rates by category.
	var cats []struct {
		Category    string `db:"category"`
		Total       int64  `db:"total"`
		Valid       int64  `db:"valid"`
		ReplyDue    int64  `db:"reply_due"`
		ReplyOnTime int64  `db:"reply_on_time"`
	}
	if err := app.DB().NewQuery(`SELECT category, COUNT(*) AS total, COALESCE(SUM(status != 'invalid'), 0) AS valid,
			COALESCE(SUM(status != 'invalid' AND (replied_at != '' OR reply_due < {:now})), 0) AS reply_due,
			COALESCE(SUM(status != 'invalid' AND replied_at != '' AND replied_at <= reply_due), 0) AS reply_on_time
		FROM complaints WHERE ` + statsRefWhere + ` GROUP BY category`).Bind(p).All(&cats); err != nil {
		t.Fatal(err)
	}
	byCategory := map[string]hooks.CategoryRates{}
	for _, c := range cats {
		byCategory[c.Category] = hooks.CategoryRates{Total: int(c.Total), Valid: int(c.Valid), ReplyDue: int(c.ReplyDue), ReplyOnTime: int(c.ReplyOnTime),
			ValidRate: statsRate(c.Valid, c.Total), OnTimeRate: statsRate(c.ReplyOnTime, c.ReplyDue)}
	}
	// [002] 三 3.3: the owners' problems are their valid complaints and
	// their own requests for a repair or a service, as they stand now.
	req := statsRefRow(t, app, `SELECT COUNT(*) AS received,
			COALESCE(SUM(status IN ('completed', 'signed_off', 'revisited', 'closed') AND signoff != 'rework'), 0) AS solved
		FROM work_orders WHERE `+statsRefWhere+` AND source = 'request' AND source_ref = '' AND status != 'cancelled'`, p)
	from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, workcal.Shanghai)
	return map[string]any{
		"community": c, "month": from.Format("2006-01"), "totals": tot, "requests": req,
		"by_category": statsRefCount(t, app, "complaints", "category", p), "by_level": statsRefCount(t, app, "complaints", "level", p),
		"valid": valid, "valid_rate": statsRate(valid, tot["total"]),
		"first_response_rate":  statsRate(tot["first_response_on_time"], tot["first_response_due"]),
		"on_time_rate":         statsRate(tot["reply_on_time"], tot["reply_due"]),
		"satisfaction_rate":    statsRate(tot["satisfied"].(int64)+tot["basic"].(int64), tot["revisited"]),
		"problem_solving_rate": statsRate(tot["solved"].(int64)+req["solved"].(int64), valid+req["received"].(int64)),
		"by_category_rates":    byCategory,
		// The manuals' defaults (kpi_targets): none for complaint revisits.
		"targets": map[string]float64{"on_time_rate": 1, "problem_solving_rate": 0.95},
	}
}

func refWorkOrderStats(t *testing.T, app core.App, c string, month, at time.Time) map[string]any {
	t.Helper()
	p := statsMonthParams(c, month, at)
	tot := statsRefRow(t, app, `
		SELECT
			COUNT(*) AS total,
			COALESCE(SUM(status = 'cancelled'), 0) AS cancelled,
			COALESCE(SUM(replied_at != '' OR reply_due < {:now}), 0) AS reply_due,
			COALESCE(SUM(replied_at != '' AND replied_at <= reply_due), 0) AS reply_on_time,
			COALESCE(SUM(arrival != ''), 0) AS arrivals,
			COALESCE(SUM(arrival = 'on_time'), 0) AS arrivals_on_time,
			COALESCE(SUM(signoff != ''), 0) AS signed_off,
			COALESCE(SUM(signoff = 'rework'), 0) AS reworked,
			COALESCE(SUM(revisited_at != ''), 0) AS revisited,
			COALESCE(SUM(revisited_at != '' AND satisfaction = 'satisfied'), 0) AS satisfied,
			COALESCE(SUM(revisited_at != '' AND satisfaction = 'basic'), 0) AS basic,
			COALESCE(SUM(revisit_method = 'home_visit'), 0) AS home_visits,
			COALESCE(SUM(revisit_overdue = TRUE), 0) AS revisit_overdue,
			COALESCE(SUM(CASE WHEN kind != 'routine' AND completed_at != '' AND status != 'cancelled' THEN amount_fen END), 0) AS revenue_fen,
			COALESCE(SUM(CASE WHEN payment = 'unpaid' THEN amount_fen END), 0) AS unpaid_fen
		FROM work_orders WHERE `+statsRefWhere, p)
	from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, workcal.Shanghai)
	return map[string]any{
		"community": c, "month": from.Format("2006-01"), "totals": tot,
		"by_kind": statsRefCount(t, app, "work_orders", "kind", p), "by_category": statsRefCount(t, app, "work_orders", "category", p),
		"reply_rate":        statsRate(tot["reply_on_time"], tot["reply_due"]),
		"arrival_rate":      statsRate(tot["arrivals_on_time"], tot["arrivals"]),
		"rework_rate":       statsRate(tot["reworked"], tot["signed_off"]),
		"satisfaction_rate": statsRate(tot["satisfied"].(int64)+tot["basic"].(int64), tot["revisited"]),
		"home_visit_share":  statsRate(tot["home_visits"], tot["revisited"]),
		"targets":           map[string]float64{"reply_rate": 1, "arrival_rate": 1, "rework_rate": 0.01, "satisfaction_rate": 0.95, "home_visit_share": 0.05},
		"by_urgency":        refUrgencyStats(t, app, p),
	}
}

// refUrgencyStats is WorkOrderStats' by_urgency counted per urgency (an
// order without one is a minor repair).
func refUrgencyStats(t *testing.T, app core.App, p dbx.Params) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, u := range []string{"normal", "urgent"} {
		q := dbx.Params{"u": u}
		for k, v := range p {
			q[k] = v
		}
		tot := statsRefRow(t, app, `
			SELECT
				COUNT(*) AS total,
				COALESCE(SUM(replied_at != '' OR reply_due < {:now}), 0) AS reply_due,
				COALESCE(SUM(replied_at != '' AND replied_at <= reply_due), 0) AS reply_on_time,
				COALESCE(SUM(arrival != ''), 0) AS arrivals,
				COALESCE(SUM(arrival = 'on_time'), 0) AS arrivals_on_time,
				COALESCE(SUM(signoff != ''), 0) AS signed_off,
				COALESCE(SUM(signoff = 'rework'), 0) AS reworked,
				COALESCE(SUM(revisited_at != ''), 0) AS revisited,
				COALESCE(SUM(revisited_at != '' AND satisfaction = 'satisfied'), 0) AS satisfied,
				COALESCE(SUM(revisited_at != '' AND satisfaction = 'basic'), 0) AS basic
			FROM work_orders WHERE `+statsRefWhere+` AND (urgency = {:u} OR ({:u} = 'normal' AND urgency = ''))`, q)
		out[u] = map[string]any{
			"totals":            tot,
			"reply_rate":        statsRate(tot["reply_on_time"], tot["reply_due"]),
			"on_time_rate":      statsRate(tot["arrivals_on_time"], tot["arrivals"]),
			"rework_rate":       statsRate(tot["reworked"], tot["signed_off"]),
			"satisfaction_rate": statsRate(tot["satisfied"].(int64)+tot["basic"].(int64), tot["revisited"]),
			"targets":           map[string]float64{"on_time_rate": 1, "rework_rate": 0.01, "satisfaction_rate": 0.95},
		}
	}
	return out
}

func refTrends(t *testing.T, app core.App, c string, last time.Time, n int, at time.Time) []hooks.TrendRow {
	t.Helper()
	end := time.Date(last.Year(), last.Month(), 1, 0, 0, 0, 0, workcal.Shanghai)
	start := end.AddDate(0, 1-n, 0)
	params := dbx.Params{
		"c": c, "from": statsStamp(start), "to": statsStamp(end.AddDate(0, 1, 0)), "now": statsStamp(at),
		"dfrom": start.Format(time.DateOnly), "dto": end.AddDate(0, 1, 0).Format(time.DateOnly),
	}
	month := func(col string) string { return `strftime('%Y-%m', ` + col + `, '+8 hours')` }
	inRange := func(col string) string { return col + ` >= {:from} AND ` + col + ` < {:to}` }
	var rows []hooks.TrendRow
	err := app.DB().NewQuery(`
		SELECT m,
			SUM(complaints) AS complaints, SUM(complaints_due) AS complaints_due, SUM(complaints_on_time) AS complaints_on_time,
			SUM(work_orders) AS work_orders, SUM(work_orders_completed) AS work_orders_completed,
			SUM(signed_off) AS signed_off, SUM(rework) AS rework,
			SUM(billed_fen) AS billed_fen, SUM(paid_fen) AS paid_fen
		FROM (
			SELECT ` + month("received_at") + ` AS m, 1 AS complaints,
				(status != 'invalid' AND (replied_at != '' OR reply_due < {:now})) AS complaints_due,
				(status != 'invalid' AND replied_at != '' AND replied_at <= reply_due) AS complaints_on_time,
				0 AS work_orders, 0 AS work_orders_completed, 0 AS signed_off, 0 AS rework, 0 AS billed_fen, 0 AS paid_fen
			FROM complaints WHERE community = {:c} AND ` + inRange("received_at") + `
			UNION ALL
			SELECT ` + month("received_at") + `, 0, 0, 0, 1, 0, 0, 0, 0, 0
			FROM work_orders WHERE community = {:c} AND ` + inRange("received_at") + `
			UNION ALL
			SELECT ` + month("completed_at") + `, 0, 0, 0, 0, 1, 0, 0, 0, 0
			FROM work_orders WHERE community = {:c} AND status != 'cancelled' AND ` + inRange("completed_at") + `
			UNION ALL
			SELECT ` + month("signed_off_at") + `, 0, 0, 0, 0, 0, 1, signoff = 'rework', 0, 0
			FROM work_orders WHERE community = {:c} AND ` + inRange("signed_off_at") + `
			UNION ALL
			SELECT substr(period_start, 1, 7), 0, 0, 0, 0, 0, 0, 0,
				amount_fen - discount_fen, MAX(MIN(paid_fen, amount_fen - discount_fen), 0)
			FROM bills WHERE community = {:c} AND status != 'void' AND period_start >= {:dfrom} AND period_start < {:dto}
		)
		GROUP BY m`).Bind(params).All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	byMonth := map[string]hooks.TrendRow{}
	for _, r := range rows {
		byMonth[r.Month] = r
	}
	out := make([]hooks.TrendRow, n)
	for i := range out {
		m := start.AddDate(0, i, 0).Format("2006-01")
		r := byMonth[m]
		r.Month = m
		r.ComplaintsOnTimeR = statsRate(int64(r.ComplaintsOnTime), int64(r.ComplaintsDue))
		r.ReworkRate = statsRate(int64(r.Rework), int64(r.SignedOff))
		r.CollectionRate = nil
		if r.BilledFen > 0 {
			r.CollectionRate = statsRate(r.PaidFen, r.BilledFen)
		}
		out[i] = r
	}
	return out
}

// refFeeCollection is the collection as first written: every bill, each
// allocation looked up per bill (实收: those of the range, to a bill of any
// period). Groups with nothing
// billed, owed or collected are left out, as FeeCollection leaves them.
func refFeeCollection(t *testing.T, app core.App, c string, first, last time.Time, groupBy string) []hooks.CollectionRow {
	t.Helper()
	key := map[string]string{"": `''`, "building": `(SELECT building FROM units WHERE units.id = b.unit)`, "fee_item": `b.fee_item`}[groupBy]
	from := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, workcal.Shanghai)
	to := time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, workcal.Shanghai).AddDate(0, 0, 1)
	params := dbx.Params{"c": c, "first": first.Format(time.DateOnly), "last": last.Format(time.DateOnly), "from": statsStamp(from), "to": statsStamp(to)}
	rows := []hooks.CollectionRow{}
	err := app.DB().NewQuery(`
		WITH alloc AS (
			SELECT a.value ->> 'bill' AS bill, CAST(a.value ->> 'amount_fen' AS INTEGER) AS fen, p.created AS at
			FROM payments p, json_each(p.allocations) a
			WHERE p.community = {:c}
		)
		SELECT ` + key + ` AS k,
			COALESCE(SUM(CASE WHEN b.period_start BETWEEN {:first} AND {:last} THEN b.amount_fen - b.discount_fen END), 0) AS billed,
			COALESCE(SUM(CASE WHEN b.period_start BETWEEN {:first} AND {:last}
				THEN (SELECT COALESCE(SUM(fen), 0) FROM alloc WHERE alloc.bill = b.id AND at >= {:from} AND at < {:to}) END), 0) AS collected,
			COALESCE(SUM(CASE WHEN b.period_start < {:first}
				THEN b.amount_fen - b.discount_fen - (SELECT COALESCE(SUM(fen), 0) FROM alloc WHERE alloc.bill = b.id AND at < {:from}) END), 0) AS arrears_start,
			COALESCE(SUM(CASE WHEN b.period_start < {:first}
				THEN (SELECT COALESCE(SUM(fen), 0) FROM alloc WHERE alloc.bill = b.id AND at >= {:from} AND at < {:to}) END), 0) AS recovered,
			COALESCE(SUM((SELECT COALESCE(SUM(fen), 0) FROM alloc WHERE alloc.bill = b.id AND at >= {:from} AND at < {:to})), 0) AS received
		FROM bills b
		WHERE b.community = {:c} AND b.status != 'void'
		GROUP BY k ORDER BY k`).Bind(params).All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	out := []hooks.CollectionRow{}
	for _, r := range rows {
		if r.BilledFen == 0 && r.CollectedFen == 0 && r.ArrearsStartFen == 0 && r.RecoveredFen == 0 && r.ReceivedFen == 0 {
			continue
		}
		r.CollectionRate, r.RecoveryRate = nil, nil
		if r.BilledFen > 0 {
			r.CollectionRate = statsRate(r.CollectedFen, r.BilledFen)
		}
		if r.ArrearsStartFen > 0 {
			r.RecoveryRate = statsRate(r.RecoveredFen, r.ArrearsStartFen)
		}
		out = append(out, r)
	}
	return out
}
