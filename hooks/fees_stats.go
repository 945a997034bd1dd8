package hooks

import (
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/workcal"
)

// CollectionRow is the collection of one group (all, a building or a fee item).
type CollectionRow struct {
	Key             string `db:"k" json:"key"`
	BilledFen       int64  `db:"billed" json:"billed_fen"`               // billed for the range
	CollectedFen    int64  `db:"collected" json:"collected_fen"`         // of that, collected within the range
	ArrearsStartFen int64  `db:"arrears_start" json:"arrears_start_fen"` // owed on earlier bills when the range began
	RecoveredFen    int64  `db:"recovered" json:"recovered_fen"`         // of that, collected within the range
	// ReceivedFen: everything the payments of the range allocated, to bills
	// of any period — the range's bills, earlier ones and bills paid ahead:
	// the money taken in (实收), reversals taken off.
	ReceivedFen    int64 `db:"received" json:"received_fen"`
	CollectionRate any   `db:"-" json:"collection_rate"` // 当期收缴率
	RecoveryRate   any   `db:"-" json:"recovery_rate"`   // 清欠率
}

// FeeCollection works out, in SQL, the collection of community over the
// range [first, last] (civil days), grouped by groupBy ("" for the total,
// "building" or "fee_item"):
//
//   - 当期收缴率: what was collected within the range on the bills of the
//     range / what those bills ask (amount less discount);
//   - 清欠率: what was collected within the range on earlier bills / what
//     those earlier bills still owed when the range began;
//   - 实收: what the payments of the range allocated to bills of any
//     period (a month's 实收 counts the payments on a quarter's bills taken
//     in its second month, which 当期 does not).
//
// Collections are the payments' allocations (reversals included, negative),
// dated by the payment.
//
// What earlier bills owed when the range began is worked out from what they
// owe now (a bill's paid_fen is the sum of its allocations) plus what was
// allocated to them since. A range of whole months (every range statsRange
// reads) is answered from summaries that SQLite triggers keep exact
// (migrations 0025 and 0027): bills by the month their period starts in,
// building and fee item (what they ask and owe now), and allocations by the
// Shanghai month of the payment and the bill's period month, building and
// fee item — some thousands of rows instead of tens of thousands of bills
// and allocations. Any other range is worked out from the rows
// (feeCollectionFromRows). A group with nothing billed, owed or collected
// has no row.
func FeeCollection(app core.App, community string, first, last time.Time, groupBy string) ([]CollectionRow, error) {
	key := `''`
	switch groupBy {
	case "building", "fee_item":
		key = groupBy
	case "":
	default:
		return nil, fmt.Errorf("cannot group by %q", groupBy)
	}
	if first.Day() != 1 || last.AddDate(0, 0, 1).Day() != 1 || last.Before(first) {
		return feeCollectionFromRows(app, community, first, last, groupBy)
	}
	rows := []CollectionRow{}
	err := app.DB().NewQuery(`
		SELECT k, ` + collectionSums + `
		FROM (
			-- the range's bills
			SELECT ` + key + ` AS k, billed_fen AS billed, 0 AS collected, 0 AS arrears_start, 0 AS recovered, 0 AS received
			FROM _wuye_fee_bills WHERE community = {:c} AND month BETWEEN {:m1} AND {:m2}
			UNION ALL
			-- what earlier bills owe now
			SELECT ` + key + `, 0, 0, owed_fen, 0, 0
			FROM _wuye_fee_bills WHERE community = {:c} AND month < {:m1}
			UNION ALL
			-- allocations since the range began: collected or recovered within
			-- it, and, for earlier bills, owed when it began
			SELECT ` + key + `, 0,
				CASE WHEN bill_month >= {:m1} AND paid_month <= {:m2} THEN fen ELSE 0 END,
				CASE WHEN bill_month < {:m1} THEN fen ELSE 0 END,
				CASE WHEN bill_month < {:m1} AND paid_month <= {:m2} THEN fen ELSE 0 END, 0
			FROM _wuye_fee_collections WHERE community = {:c} AND paid_month >= {:m1} AND bill_month <= {:m2}
			UNION ALL
			-- everything the range's payments allocated
			SELECT ` + key + `, 0, 0, 0, 0, fen
			FROM _wuye_fee_collections WHERE community = {:c} AND paid_month BETWEEN {:m1} AND {:m2}
		)
		GROUP BY k
		HAVING TOTAL(billed) != 0 OR TOTAL(collected) != 0 OR TOTAL(arrears_start) != 0 OR TOTAL(recovered) != 0 OR TOTAL(received) != 0
		ORDER BY k`).Bind(dbx.Params{"c": community, "m1": first.Format("2006-01"), "m2": last.Format("2006-01")}).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("fee collection: %w", err)
	}
	return withCollectionRates(rows), nil
}

// collectionSums are the money sums of a collection row: TOTAL and
// clamped, so that no stored amount can make the statistics fail
// (hooks/guard_money.go).
var collectionSums = fenTotal("billed") + " AS billed, " + fenTotal("collected") + " AS collected, " +
	fenTotal("arrears_start") + " AS arrears_start, " + fenTotal("recovered") + " AS recovered, " + fenTotal("received") + " AS received"

func withCollectionRates(rows []CollectionRow) []CollectionRow {
	for i := range rows {
		rows[i].CollectionRate = ratioFen(rows[i].CollectedFen, rows[i].BilledFen)
		rows[i].RecoveryRate = ratioFen(rows[i].RecoveredFen, rows[i].ArrearsStartFen)
	}
	return rows
}

// feeCollectionFromRows is FeeCollection worked out from the bills and
// payments, for any range of days: only the bills not settled now (a
// partial index) and the payments made since the range began are read, not
// the whole history of bills and payments.
func feeCollectionFromRows(app core.App, community string, first, last time.Time, groupBy string) ([]CollectionRow, error) {
	key := `''`
	switch groupBy {
	case "building":
		key = `(SELECT building FROM units WHERE units.id = b.unit)`
	case "fee_item":
		key = `b.fee_item`
	case "":
	default:
		return nil, fmt.Errorf("cannot group by %q", groupBy)
	}
	from := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, workcal.Shanghai)
	to := time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, workcal.Shanghai).AddDate(0, 0, 1)
	params := dbx.Params{
		"c": community, "first": first.Format(time.DateOnly), "last": last.Format(time.DateOnly),
		"from": from.UTC().Format(types.DefaultDateLayout), "to": to.UTC().Format(types.DefaultDateLayout),
	}
	rows := []CollectionRow{}
	err := app.DB().NewQuery(`
		WITH alloc AS (
			SELECT a.value ->> 'bill' AS bill, CAST(a.value ->> 'amount_fen' AS INTEGER) AS fen, p.created AS at
			FROM payments p, json_each(p.allocations) a
			WHERE p.community = {:c} AND p.created >= {:from}
		)
		SELECT k, ` + collectionSums + `
		FROM (
			-- the range's bills
			SELECT ` + key + ` AS k, b.amount_fen - b.discount_fen AS billed, 0 AS collected, 0 AS arrears_start, 0 AS recovered, 0 AS received
			FROM bills b
			WHERE b.community = {:c} AND b.status != 'void' AND b.period_start BETWEEN {:first} AND {:last}
			UNION ALL
			-- what earlier bills owe now
			SELECT ` + key + `, 0, 0, b.amount_fen - b.discount_fen - b.paid_fen, 0, 0
			FROM bills b
			WHERE b.community = {:c} AND b.paid_fen != b.amount_fen - b.discount_fen AND b.status != 'void' AND b.period_start < {:first}
			UNION ALL
			-- allocations since the range began: collected or recovered within
			-- it, and, for earlier bills, owed when it began
			SELECT ` + key + `, 0,
				CASE WHEN b.period_start >= {:first} AND al.at < {:to} THEN al.fen ELSE 0 END,
				CASE WHEN b.period_start < {:first} THEN al.fen ELSE 0 END,
				CASE WHEN b.period_start < {:first} AND al.at < {:to} THEN al.fen ELSE 0 END, 0
			FROM alloc al CROSS JOIN bills b ON b.id = al.bill
			WHERE b.community = {:c} AND b.status != 'void' AND b.period_start <= {:last}
			UNION ALL
			-- everything the range's payments allocated
			SELECT ` + key + `, 0, 0, 0, 0, al.fen
			FROM alloc al CROSS JOIN bills b ON b.id = al.bill
			WHERE b.community = {:c} AND b.status != 'void' AND al.at < {:to}
		)
		GROUP BY k
		HAVING TOTAL(billed) != 0 OR TOTAL(collected) != 0 OR TOTAL(arrears_start) != 0 OR TOTAL(recovered) != 0 OR TOTAL(received) != 0
		ORDER BY k`).Bind(params).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("fee collection: %w", err)
	}
	return withCollectionRates(rows), nil
}

// AgedArrears sums what is owed on open bills by days past their due date
// at day: 0–30, 31–90, 91–180 and over 180. It reads what open bills owe
// by due day, a summary kept by SQLite triggers (migration 0027).
func AgedArrears(app core.App, community string, day time.Time) (map[string]int64, error) {
	var r struct {
		A int64 `db:"a"`
		B int64 `db:"b"`
		C int64 `db:"c"`
		D int64 `db:"d"`
	}
	err := app.DB().NewQuery(`
		SELECT
			` + fenTotal("CASE WHEN age <= 30 THEN owed END") + ` AS a,
			` + fenTotal("CASE WHEN age BETWEEN 31 AND 90 THEN owed END") + ` AS b,
			` + fenTotal("CASE WHEN age BETWEEN 91 AND 180 THEN owed END") + ` AS c,
			` + fenTotal("CASE WHEN age > 180 THEN owed END") + ` AS d
		FROM (SELECT julianday({:day}) - julianday(due_on) AS age, owed_fen AS owed
			FROM _wuye_bill_dues WHERE community = {:c} AND due_on < {:day})`).
		Bind(dbx.Params{"c": community, "day": day.Format(time.DateOnly)}).One(&r)
	if err != nil {
		return nil, fmt.Errorf("aged arrears: %w", err)
	}
	return map[string]int64{"0-30": r.A, "31-90": r.B, "91-180": r.C, "180+": r.D}, nil
}

// feeStats answers GET /api/stats/fees?community=…&range=2026-Q1[&group=building|fee_item]
// for the community's supervisors and directors (and its cashiers).
func feeStats(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	community, err := statsCommunity(e, RoleSupervisor, RoleDirector, RoleCashier)
	if err != nil {
		return err
	}
	first, last, err := statsRange(q.Get("range"))
	if err != nil {
		return badRequest(validation.Errors{"range": codedError("wuye_bad_range")})
	}
	rows, err := FeeCollection(e.App, community, first, last, q.Get("group"))
	if err != nil {
		return badRequest(validation.Errors{"group": codedError("validation_invalid_value")})
	}
	aged, err := AgedArrears(e.App, community, civil(today()))
	if err != nil {
		return err
	}
	// The community's targets (kpi_targets; by default [000] 管理员 4.1.5:
	// utilities and paid services 100%, the management fee at least 95%).
	targets, err := statsTargets(e.App, community, map[string]string{
		"management": "management_collection_rate", "utilities": "utilities_collection_rate",
	})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{
		"community": community, "first": first.Format(time.DateOnly), "last": last.Format(time.DateOnly),
		"rows": rows, "aged_arrears_fen": aged, "targets": targets,
	})
}

// registerFeeStats serves the collection statistics.
func registerFeeStats(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/stats/fees", feeStats).Bind(apis.RequireAuth())
		return se.Next()
	})
}
