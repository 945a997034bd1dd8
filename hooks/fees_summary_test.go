package hooks_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
	"wuye/migrations"
)

// TestFeeSummariesMatchTheRows checks the fee statistics, read from the
// summaries the triggers keep (migrations 0025 and 0027), against the same
// figures worked out from the bills and payments — FeeCollection for every
// kind of range and grouping, and AgedArrears — on a varied history:
// monthly, quarterly and void bills, discounts and late fees, payments over
// several bills through the payments' own code, reversals, payments dated
// anywhere; then after raw SQL corrections of every kind (bills voided and
// restored, moved to another period, fee item, unit or community, deleted;
// a unit moved to another building; payments redated, rewritten, deleted);
// then after RebuildSummaries, which must give the tables the triggers kept.
func TestFeeSummariesMatchTheRows(t *testing.T) {
	app := testapp.New(t)
	rng := rand.New(rand.NewPCG(27, 10))
	now := clock.Now()
	local := now.In(workcal.Shanghai)
	ch, yx := testapp.ID(t, "community:CH"), testapp.ID(t, "community:YX")
	communities := []string{ch, yx}
	var items []struct {
		ID        string `db:"id"`
		Community string `db:"community"`
	}
	if err := app.DB().NewQuery("SELECT id, community FROM fee_items").All(&items); err != nil || len(items) == 0 {
		t.Fatalf("fee items: %v", err)
	}
	units := map[string][]string{}
	var buildings []string
	for _, c := range communities {
		var us []string
		app.DB().NewQuery("SELECT id FROM units WHERE community = {:c}").Bind(dbx.Params{"c": c}).Column(&us)
		units[c] = us
	}
	app.DB().NewQuery("SELECT id FROM buildings").Column(&buildings)
	if len(buildings) < 2 {
		t.Fatalf("buildings: %v", buildings)
	}
	cashier, err := app.FindAuthRecordByEmail("staff", "cashier@example.com")
	if err != nil {
		t.Fatal(err)
	}
	q0 := time.Date(local.Year(), time.Month((int(local.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)

	// Bills over two and a half years; a few units get several bills, so
	// that payments without named bills spread over them, oldest first.
	var bills []string
	for i := 0; i < 160; i++ {
		it := statsPick(rng, items)
		us := units[it.Community]
		if len(us) == 0 {
			continue
		}
		start := q0.AddDate(0, -3*rng.IntN(10), 0)
		if rng.IntN(3) == 0 {
			start = start.AddDate(0, rng.IntN(3), 0) // a month-long period
		}
		if rng.IntN(12) == 0 {
			start = q0.AddDate(0, 3, 0) // billed ahead
		}
		unit := us[rng.IntN(min(len(us), 4))]
		bills = append(bills, statsInsert(t, app, "bills", map[string]any{
			"community": it.Community, "unit": unit, "fee_item": it.ID, "period": fmt.Sprintf("S%d", i),
			"period_start": start.Format(time.DateOnly), "period_end": start.AddDate(0, 3, -1).Format(time.DateOnly),
			"amount_fen": 1000 + rng.IntN(60000), "discount_fen": statsPick(rng, []int{0, 0, 0, 400}),
			"late_fee_fen": statsPick(rng, []int{0, 0, 250}), "due_on": start.AddDate(0, 0, rng.IntN(40)).Format(time.DateOnly),
			"status":  statsPick(rng, []string{"issued", "issued", "issued", "void"}),
			"created": statsStamp(now), "updated": statsStamp(now),
		}))
	}
	// Payments: to named bills or to the unit's open bills, dated from two
	// and a half years ago to a month ahead; some reversed.
	var payments []string
	span := now.AddDate(0, 1, 0).Sub(q0.AddDate(0, -30, 0))
	for i := 0; i < 140; i++ {
		b, err := app.FindRecordById("bills", statsPick(rng, bills))
		if err != nil || b.GetString("status") == "void" {
			continue
		}
		at := q0.AddDate(0, -30, 0).Add(time.Duration(rng.Int64N(int64(span))))
		p, err := statsPartPayment(t, app, rng, b, cashier, rng.IntN(2) == 0, at)
		if p == nil || err != nil {
			continue // nothing owed, or more than the unit's open bills owe
		}
		payments = append(payments, p.Id)
		if rng.IntN(5) == 0 {
			payments = append(payments, statsReversal(t, app, p, at.Add(time.Duration(rng.IntN(1000))*time.Hour)))
		}
	}
	if len(payments) < 60 {
		t.Fatalf("only %d payments", len(payments))
	}

	var ranges []string
	for _, y := range []int{local.Year() - 2, local.Year() - 1, local.Year(), local.Year() + 1} {
		ranges = append(ranges, fmt.Sprint(y), fmt.Sprint(y, "-H1"), fmt.Sprint(y, "-H2"))
		for q := 1; q <= 4; q++ {
			ranges = append(ranges, fmt.Sprint(y, "-Q", q))
		}
		for m := 1; m <= 12; m++ {
			ranges = append(ranges, fmt.Sprintf("%d-%02d", y, m))
		}
	}
	check := func(stage string) {
		t.Helper()
		rows := 0
		for _, c := range communities {
			for _, code := range ranges {
				first, last, err := hooks.StatsRange(code)
				if err != nil {
					t.Fatal(err)
				}
				for _, group := range []string{"", "building", "fee_item"} {
					got, err := hooks.FeeCollection(app, c, first, last, group)
					if err != nil {
						t.Fatal(err)
					}
					want, err := hooks.FeeCollectionFromRows(app, c, first, last, group)
					if err != nil {
						t.Fatal(err)
					}
					statsSame(t, fmt.Sprintf("%s: %s by %q", stage, code, group), got, want)
					rows += len(got)
				}
			}
			for _, day := range []time.Time{now, now.AddDate(0, -2, 0), now.AddDate(0, -7, 0), now.AddDate(1, 0, 0)} {
				got, err := hooks.AgedArrears(app, c, day)
				if err != nil {
					t.Fatal(err)
				}
				statsSame(t, stage+": aged arrears "+day.Format(time.DateOnly), got, refAgedArrears(t, app, c, day))
			}
			// A range of days that is not whole months is worked out
			// from the rows.
			first := q0.AddDate(0, -2, 10)
			got, err := hooks.FeeCollection(app, c, first, first.AddDate(0, 1, 0), "building")
			if err != nil {
				t.Fatal(err)
			}
			want, _ := hooks.FeeCollectionFromRows(app, c, first, first.AddDate(0, 1, 0), "building")
			statsSame(t, stage+": days", got, want)
		}
		if rows < 200 {
			t.Fatalf("%s: only %d rows compared", stage, rows)
		}
	}
	check("written")

	// Corrections with raw SQL.
	var buildingOf = map[string]string{}
	var ub []struct{ ID, Building string }
	app.DB().NewQuery("SELECT id, building FROM units").All(&ub)
	for _, u := range ub {
		buildingOf[u.ID] = u.Building
	}
	for _, id := range bills {
		set := map[string]any{}
		switch rng.IntN(9) {
		case 0:
			set["status"] = "void"
		case 1:
			set["status"] = "issued" // a void bill restored
		case 2:
			set["period_start"] = q0.AddDate(0, -rng.IntN(12), 0).Format(time.DateOnly)
		case 3:
			set["fee_item"] = statsPick(rng, items).ID
		case 4:
			c := statsPick(rng, communities)
			set["community"], set["unit"] = c, statsPick(rng, units[c])
		case 5:
			set["discount_fen"], set["late_fee_fen"] = 900, 120
		case 6:
			if _, err := app.DB().Delete("bills", dbx.HashExp{"id": id}).Execute(); err != nil {
				t.Fatal(err)
			}
			continue
		default:
			continue
		}
		statsExec(t, app, "bills", id, set)
	}
	for i := 0; i < 6; i++ {
		u := statsPick(rng, ub)
		nb := statsPick(rng, buildings)
		statsExec(t, app, "units", u.ID, map[string]any{"building": nb, "number": fmt.Sprintf("Z%d", i)})
	}
	for _, id := range payments {
		switch rng.IntN(8) {
		case 0:
			statsExec(t, app, "payments", id, map[string]any{"created": statsStamp(now.AddDate(0, -rng.IntN(24), -rng.IntN(28)))})
		case 1:
			if _, err := app.DB().Delete("payments", dbx.HashExp{"id": id}).Execute(); err != nil {
				t.Fatal(err)
			}
		case 2:
			statsExec(t, app, "payments", id, map[string]any{"allocations": fmt.Sprintf(`[{"bill":%q,"amount_fen":1234},{"bill":%q,"amount_fen":-55},7,null]`,
				statsPick(rng, bills), statsPick(rng, bills))})
		}
	}
	check("corrected")

	tables := func() string {
		var out []string
		for _, q := range []string{
			"SELECT community || month || building || fee_item || ':' || billed_fen || ',' || owed_fen FROM _wuye_fee_bills WHERE billed_fen != 0 OR owed_fen != 0 ORDER BY 1",
			"SELECT community || due_on || ':' || owed_fen FROM _wuye_bill_dues WHERE owed_fen != 0 ORDER BY 1",
			"SELECT community || paid_month || bill_month || building || fee_item || ':' || fen FROM _wuye_fee_collections WHERE fen != 0 ORDER BY 1",
			"SELECT bill || payment || n || community || month || ':' || fen FROM _wuye_fee_allocs ORDER BY 1",
		} {
			var rows []string
			if err := app.DB().NewQuery(q).Column(&rows); err != nil {
				t.Fatal(err)
			}
			out = append(out, strings.Join(rows, "\n"))
		}
		return strings.Join(out, "\n--\n")
	}
	kept := tables()
	if err := migrations.RebuildSummaries(app); err != nil {
		t.Fatal(err)
	}
	if rebuilt := tables(); rebuilt != kept {
		t.Fatalf("the triggers kept\n%s\nthe rebuild gives\n%s", kept, rebuilt)
	}
	check("rebuilt")
}

// refAgedArrears is AgedArrears worked out from the open bills.
func refAgedArrears(t *testing.T, app core.App, c string, day time.Time) map[string]int64 {
	t.Helper()
	var r struct{ A, B, C, D int64 }
	err := app.DB().NewQuery(`
		SELECT
			COALESCE(SUM(CASE WHEN age <= 30 THEN owed END), 0) AS a,
			COALESCE(SUM(CASE WHEN age BETWEEN 31 AND 90 THEN owed END), 0) AS b,
			COALESCE(SUM(CASE WHEN age BETWEEN 91 AND 180 THEN owed END), 0) AS c,
			COALESCE(SUM(CASE WHEN age > 180 THEN owed END), 0) AS d
		FROM (SELECT julianday({:day}) - julianday(due_on) AS age,
				amount_fen - discount_fen + late_fee_fen - paid_fen AS owed
			FROM bills WHERE community = {:c} AND due_on < {:day} AND status IN ('issued', 'partially_paid'))`).
		Bind(dbx.Params{"c": c, "day": day.Format(time.DateOnly)}).One(&r)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]int64{"0-30": r.A, "31-90": r.B, "91-180": r.C, "180+": r.D}
}
