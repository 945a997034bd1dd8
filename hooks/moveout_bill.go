package hooks

import (
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/fee"
	"wuye/lib/money"
)

// The final bill of a move-out (docs/DESIGN.md, "Move-out (迁出)"). The fees
// domain bills by period, not by day: the management fee is charged for
// the whole quarter (or month) at its start ([000] 收费员 4.2.1.2, 4.2.1.6),
// and lib/fee has no proration to a move-out day. So the final bill is the
// billing run's own pricing (billPlan.billBatch) for the one unit, for the
// period of each cycle that holds the moving day: the management fee and
// the other periodic items to the end of that period (a bill the run made
// already is left as it is — the unit is not billed twice, and the run
// later finds these bills and skips them), the metered items from the
// reading before the period to the final readings (with replacements), and
// the unpaid paid-service orders. It needs the final readings first.

// FinalBill is one bill of a move-out's final period.
type FinalBill struct {
	ID        string `db:"id" json:"id"`
	Serial    string `db:"serial" json:"serial"`
	Period    string `db:"period" json:"period"`
	AmountFen int64  `db:"amount_fen" json:"amount_fen"`
}

// finalPeriods are the month and the quarter holding day (YYYY-MM-DD).
func finalPeriods(day string) []string {
	var month int
	_, _ = fmt.Sscanf(day[5:7], "%d", &month)
	return []string{day[:7], fmt.Sprintf("%s-Q%d", day[:4], (month-1)/3+1)}
}

// IssueFinalBill bills move-out id's unit for its final period as actor
// (the cashier), records when and by whom, and returns the unit's bills of
// that period.
func IssueFinalBill(app core.App, id string, actor *core.Record) ([]FinalBill, error) {
	var out []FinalBill
	err := app.RunInTransaction(func(tx core.App) error {
		m, err := tx.FindRecordById("move_outs", id)
		if err != nil {
			return err
		}
		if m.GetString("status") != "requested" {
			return badRequest(validation.Errors{"status": codedError("wuye_moveout_bill_not_now")})
		}
		c, err := MoveOutClearance(tx, m)
		if err != nil {
			return err
		}
		if len(c.MetersMissing) > 0 {
			var zh, en []string
			for _, k := range c.MetersMissing {
				zh, en = append(zh, meterNames[k].zh), append(en, meterNames[k].en)
			}
			return badRequest(validation.Errors{"meter_readings": codedError("wuye_moveout_readings_first", strings.Join(zh, "、"), strings.Join(en, ", "))})
		}
		unit, community := m.GetString("unit"), m.GetString("community")
		periods := finalPeriods(m.GetString("move_out_on"))
		for _, code := range periods {
			p, err := fee.ParsePeriod(code)
			if err != nil {
				return err
			}
			items, err := applicableItems(tx, community, p)
			if err != nil {
				return err
			}
			plan, err := newBillPlan(tx, "", p, items, feeStartOf(tx, community))
			if err != nil {
				return err
			}
			var tally billTally
			if err := plan.billBatch(tx, []string{unit}, &tally); err != nil {
				return fmt.Errorf("final bill: %w", err)
			}
		}
		if err := tx.DB().Select("id", "serial", "period", "amount_fen").From("bills").
			Where(dbx.HashExp{"unit": unit, "period": []any{periods[0], periods[1]}}).AndWhere(dbx.NewExp("status != 'void'")).
			OrderBy("serial").All(&out); err != nil {
			return err
		}
		m.Set("final_billed_at", nowDateTime())
		m.Set("final_billed_by", actorID(actor))
		if err := tx.Save(m); err != nil {
			return err
		}
		var total int64
		var serials []string
		for _, b := range out {
			total += b.AmountFen
			serials = append(serials, b.Serial)
		}
		return RecordEvent(tx, Event{Subject: m, Action: "final_bill", Actor: actor, Public: true,
			Note: fmt.Sprintf("%s %s", strings.Join(serials, " "), money.Yuan(total))})
	})
	return out, err
}
