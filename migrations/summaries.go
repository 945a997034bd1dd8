package migrations

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// The summary tables the statistics read instead of aggregating rows
// (created by migration 0025, completed by 0027), the triggers that keep
// them exact, and RebuildSummaries, which refills them.

// Summary is a table of sums over the rows of a collection, grouped by key
// expressions and kept by triggers: each row adds its values to the group
// of its keys when it is inserted, takes them away when deleted, and both
// when updated. The expressions use `r.` for the row.
type Summary struct {
	Table  string
	Source string      // the collection
	When   string      // rows that count
	Keys   [][2]string // column, expression
	Values [][2]string // column, expression (an integer)
}

// Summaries are the monthly sums the statistics read (hooks: ComplaintStats,
// WorkOrderStats, Trends, Dashboard). A month is a Shanghai calendar month
// (UTC+8 all year), as the statistics count it; the sums are exactly those
// the statistics used to compute from the rows, except what depends on the
// time of asking (a deadline passed or not), which they still count live.
var Summaries = []Summary{
	{
		Table: "_wuye_complaint_months", Source: "complaints", When: "r.received_at != ''",
		Keys: [][2]string{{"community", "r.community"}, {"month", shanghaiMonth("r.received_at")}, {"category", "r.category"}, {"level", "r.level"}},
		Values: [][2]string{
			{"total", "1"},
			{"invalid", "r.status = 'invalid'"},
			{"closed", "r.status = 'closed'"},
			{"first_responded", "r.status != 'invalid' AND r.first_responded_at != ''"},
			{"first_on_time", "r.status != 'invalid' AND r.first_responded_at != '' AND r.first_responded_at <= r.first_response_due"},
			{"replied", "r.status != 'invalid' AND r.replied_at != ''"},
			{"reply_on_time", "r.status != 'invalid' AND r.replied_at != '' AND r.replied_at <= r.reply_due"},
			{"revisited", "r.satisfaction != ''"},
			{"satisfied", "r.satisfaction = 'satisfied'"},
			{"basic", "r.satisfaction = 'basic'"},
			{"unsatisfied", "r.satisfaction = 'unsatisfied'"},
			{"reopened", "r.reopen_count"},
			{"about_center", "r.about_service_center = TRUE"},
			{"escalated", "r.first_response_overdue = TRUE OR r.reply_overdue = TRUE"},
		},
	},
	{
		Table: "_wuye_order_months", Source: "work_orders", When: "r.received_at != ''",
		Keys: [][2]string{{"community", "r.community"}, {"month", shanghaiMonth("r.received_at")}, {"kind", "r.kind"}, {"category", "r.category"}},
		Values: [][2]string{
			{"total", "1"},
			{"cancelled", "r.status = 'cancelled'"},
			{"replied", "r.replied_at != ''"},
			{"reply_on_time", "r.replied_at != '' AND r.replied_at <= r.reply_due"},
			{"arrivals", "r.arrival != ''"},
			{"arrivals_on_time", "r.arrival = 'on_time'"},
			{"signed_off", "r.signoff != ''"},
			{"reworked", "r.signoff = 'rework'"},
			{"revisited", "r.revisited_at != ''"},
			{"satisfied", "r.revisited_at != '' AND r.satisfaction = 'satisfied'"},
			{"basic", "r.revisited_at != '' AND r.satisfaction = 'basic'"},
			{"home_visits", "r.revisit_method = 'home_visit'"},
			{"revisit_overdue", "r.revisit_overdue = TRUE"},
			{"revenue_fen", "CASE WHEN r.kind != 'routine' AND r.completed_at != '' AND r.status != 'cancelled' THEN r.amount_fen ELSE 0 END"},
			{"unpaid_fen", "CASE WHEN r.payment = 'unpaid' THEN r.amount_fen ELSE 0 END"},
		},
	},
	{
		// Work orders by the month they were completed in.
		Table: "_wuye_order_completed_months", Source: "work_orders", When: "r.status != 'cancelled' AND r.completed_at != ''",
		Keys:   [][2]string{{"community", "r.community"}, {"month", shanghaiMonth("r.completed_at")}},
		Values: [][2]string{{"completed", "1"}},
	},
	{
		// Work orders by the month they were signed off in.
		Table: "_wuye_order_signed_months", Source: "work_orders", When: "r.signed_off_at != ''",
		Keys:   [][2]string{{"community", "r.community"}, {"month", shanghaiMonth("r.signed_off_at")}},
		Values: [][2]string{{"signed_off", "1"}, {"rework", "r.signoff = 'rework'"}},
	},
	{
		// Bills by the month their period starts in (a civil date).
		Table: "_wuye_bill_months", Source: "bills", When: "r.status != 'void' AND r.period_start != ''",
		Keys: [][2]string{{"community", "r.community"}, {"month", "substr(r.period_start, 1, 7)"}},
		Values: [][2]string{
			{"billed_fen", "r.amount_fen - r.discount_fen"},
			{"paid_fen", "MAX(MIN(r.paid_fen, r.amount_fen - r.discount_fen), 0)"},
		},
	},
	feeBills,
	billDues,
}

// feeBills are bills by the month their period starts in, the unit's
// building and the fee item: what they ask and what they owe now
// (hooks.FeeCollection; migration 0027).
var feeBills = Summary{
	Table: "_wuye_fee_bills", Source: "bills", When: "r.status != 'void'",
	Keys: [][2]string{{"community", "r.community"}, {"month", "substr(r.period_start, 1, 7)"}, {"building", unitBuilding("r.unit")}, {"fee_item", "r.fee_item"}},
	Values: [][2]string{
		{"billed_fen", "r.amount_fen - r.discount_fen"},
		{"owed_fen", "r.amount_fen - r.discount_fen - r.paid_fen"},
	},
}

// billDues are open bills by due day: what they owe now, late fees
// included (hooks.AgedArrears; migration 0027).
var billDues = Summary{
	Table: "_wuye_bill_dues", Source: "bills", When: "r.status IN ('issued', 'partially_paid')",
	Keys:   [][2]string{{"community", "r.community"}, {"due_on", "r.due_on"}},
	Values: [][2]string{{"owed_fen", "r.amount_fen - r.discount_fen + r.late_fee_fen - r.paid_fen"}},
}

// unitBuilding is the building of the unit whose id is col (” if none).
func unitBuilding(col string) string {
	return "COALESCE((SELECT building FROM units WHERE units.id = " + col + "), '')"
}

// shanghaiMonth is the Shanghai calendar month (YYYY-MM) of a UTC datetime
// column (” for a value that is not a date).
func shanghaiMonth(col string) string {
	return "COALESCE(strftime('%Y-%m', " + col + ", '+8 hours'), '')"
}

func (s Summary) columns() (keys, values []string) {
	for _, k := range s.Keys {
		keys = append(keys, k[0])
	}
	for _, v := range s.Values {
		values = append(values, v[0])
	}
	return keys, values
}

// on is an expression of the summary rewritten for the row alias.
func on(expr, row string) string { return strings.ReplaceAll(expr, "r.", row+".") }

// upsert adds (sign +1) or takes away (-1) row's values.
func (s Summary) upsert(row string, sign int) string {
	keys, values := s.columns()
	var sel, set []string
	for _, k := range s.Keys {
		sel = append(sel, on(k[1], row))
	}
	for _, v := range s.Values {
		// The columns are NOT NULL (PocketBase's defaults), so an expression
		// is a plain integer (a comparison is 0 or 1): no COALESCE or CAST,
		// which would only make every write's statement longer to compile.
		e := "(" + on(v[1], row) + ")"
		if sign < 0 {
			e = "-" + e
		}
		sel = append(sel, e)
		set = append(set, v[0]+" = "+v[0]+" + excluded."+v[0])
	}
	return "INSERT INTO " + s.Table + " (" + strings.Join(append(keys, values...), ", ") + ") SELECT " +
		strings.Join(sel, ", ") + " WHERE " + on(s.When, row) +
		" ON CONFLICT (" + strings.Join(keys, ", ") + ") DO UPDATE SET " + strings.Join(set, ", ") + ";"
}

func (s Summary) trigger(event string) string {
	return s.Table + "_" + strings.ToLower(event)
}

func (s Summary) schema() []string {
	keys, values := s.columns()
	var cols []string
	for _, k := range keys {
		cols = append(cols, k+" TEXT NOT NULL")
	}
	for _, v := range values {
		cols = append(cols, v+" INTEGER NOT NULL DEFAULT 0")
	}
	out := []string{"CREATE TABLE IF NOT EXISTS " + s.Table + " (" + strings.Join(cols, ", ") +
		", PRIMARY KEY (" + strings.Join(keys, ", ") + ")) WITHOUT ROWID"}
	out = append(out,
		"DROP TRIGGER IF EXISTS "+s.trigger("insert"),
		"CREATE TRIGGER "+s.trigger("insert")+" AFTER INSERT ON "+s.Source+" BEGIN "+s.upsert("NEW", 1)+" END",
		"DROP TRIGGER IF EXISTS "+s.trigger("delete"),
		"CREATE TRIGGER "+s.trigger("delete")+" AFTER DELETE ON "+s.Source+" BEGIN "+s.upsert("OLD", -1)+" END",
	)
	return append(out, s.updateTrigger(true)...)
}

// updateTrigger (re)creates the summary's update trigger. With onChange
// (migration 0088) it fires only when the row's figures change — whether it
// counts, its keys or its values — and not for an update that leaves them
// as they were (a handler, a note, a deadline flag of another summary):
// taking the old figures away and adding the new ones back would be two
// upserts for nothing.
func (s Summary) updateTrigger(onChange bool) []string {
	when := ""
	if onChange {
		same := []string{}
		for _, k := range s.Keys {
			same = append(same, "("+on(k[1], "OLD")+") IS ("+on(k[1], "NEW")+")")
		}
		for _, v := range s.Values {
			same = append(same, "("+on(v[1], "OLD")+") IS ("+on(v[1], "NEW")+")")
		}
		oldW, newW := "("+on(s.When, "OLD")+")", "("+on(s.When, "NEW")+")"
		when = " WHEN NOT (" + oldW + " IS " + newW + " AND (NOT " + newW + " OR (" + strings.Join(same, " AND ") + ")))"
	}
	return []string{
		"DROP TRIGGER IF EXISTS " + s.trigger("update"),
		"CREATE TRIGGER " + s.trigger("update") + " AFTER UPDATE ON " + s.Source + when +
			" BEGIN " + s.upsert("OLD", -1) + " " + s.upsert("NEW", 1) + " END",
	}
}

func (s Summary) drop() []string {
	return []string{
		"DROP TRIGGER IF EXISTS " + s.trigger("insert"),
		"DROP TRIGGER IF EXISTS " + s.trigger("delete"),
		"DROP TRIGGER IF EXISTS " + s.trigger("update"),
		"DROP TABLE IF EXISTS " + s.Table,
	}
}

// RebuildSummaries fills every summary afresh from its collection's rows,
// the fee collections included (the migration does; so may a bulk load that
// went around the triggers).
func RebuildSummaries(app core.App) error {
	if err := rebuildSummaries(app, Summaries); err != nil {
		return err
	}
	return rebuildFeeCollections(app)
}

func rebuildSummaries(app core.App, summaries []Summary) error {
	for _, s := range summaries {
		keys, values := s.columns()
		var sel, group []string
		for i, k := range s.Keys {
			sel = append(sel, k[1])
			group = append(group, strconv.Itoa(i+1))
		}
		for _, v := range s.Values {
			// TOTAL, not SUM: SUM fails with "integer overflow" on rows
			// stored before the bound on amounts (migration 0032); the
			// columns' INTEGER affinity stores a whole float as an integer.
			sel = append(sel, "TOTAL("+v[1]+")")
		}
		for _, q := range []string{
			"DELETE FROM " + s.Table,
			"INSERT INTO " + s.Table + " (" + strings.Join(append(keys, values...), ", ") + ") SELECT " + strings.Join(sel, ", ") +
				" FROM " + s.Source + " r WHERE " + s.When + " GROUP BY " + strings.Join(group, ", "),
		} {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return fmt.Errorf("rebuild %s: %w", s.Table, err)
			}
		}
	}
	return nil
}

// createSummaries creates the tables and triggers of summaries (again:
// the statements can be repeated) and those of the fee collections.
func createSummaries(app core.App, summaries []Summary) error {
	for _, s := range summaries {
		for _, q := range s.schema() {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return fmt.Errorf("%s: %w", s.Table, err)
			}
		}
	}
	for _, q := range feeCollectionsSchema() {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return fmt.Errorf("%s: %w", FeeCollectionsTable, err)
		}
	}
	return nil
}
