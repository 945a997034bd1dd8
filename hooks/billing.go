package hooks

import (
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/fee"
)

// billingBatch is how many units one transaction of a billing run covers:
// small enough to keep other writers waiting only briefly, large enough to
// amortise the commit.
var billingBatch = 200

// The payment window is the 1st–10th of the period's first month (SPEC §6).
const paymentWindowDays = 10

func registerBilling(app core.App) {
	app.OnRecordCreateRequest("billing_runs").BindFunc(func(e *core.RecordRequestEvent) error {
		r := e.Record
		if _, err := fee.ParsePeriod(r.GetString("period")); err != nil {
			return badRequest(validation.Errors{"period": codedError("wuye_bad_period")})
		}
		busy, err := exists(e.App, "billing_runs", dbx.HashExp{"community": r.GetString("community"),
			"period": r.GetString("period"), "status": []any{"pending", "running"}}, "")
		if err != nil {
			return err
		}
		if busy {
			return badRequest(validation.Errors{"period": codedError("wuye_run_in_progress")})
		}
		for _, f := range []string{"total_units", "processed_units", "created_bills", "existing_bills", "skipped", "error", "finished_at"} {
			r.Set(f, nil)
		}
		r.Set("status", "pending")
		if isStaff(e.Auth) {
			r.Set("started_by", e.Auth.Id)
		}
		return inTx(e, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: r, Action: "create", To: "pending", Actor: e.Auth})
		})
	})
	// The run goes on after the request has answered; its record shows the
	// progress, which the cashier's page follows on the record's topic.
	app.OnRecordAfterCreateSuccess("billing_runs").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("status") != "pending" {
			return e.Next() // a run already under way is resumed at start-up, not here
		}
		go func(app core.App, id string) {
			if err := RunBilling(app, id); err != nil {
				app.Logger().Error("billing run", "run", id, "error", err)
			}
		}(e.App, e.Record.Id)
		return e.Next()
	})
	// A run cut short by a restart is taken up again where it stood.
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		unfinished, err := se.App.FindAllRecords("billing_runs", dbx.HashExp{"status": []any{"pending", "running"}})
		if err == nil {
			for _, r := range unfinished {
				go func(id string) {
					if err := RunBilling(se.App, id); err != nil {
						se.App.Logger().Error("resume billing run", "run", id, "error", err)
					}
				}(r.Id)
			}
		}
		return se.Next()
	})
}

// RunBilling runs (or resumes) the billing run id: one bill per unit of its
// community and fee item that applies to the unit for the period, and one
// line per unpaid paid-service work order of the unit. Units are handled in
// batches, each in its own transaction, and the run record's counts are
// updated after each batch. A bill that exists already is left alone
// (unique per unit, fee item and period; per work order), so running the
// same period again, or resuming a run that was killed halfway, creates no
// duplicates. The counts describe the latest attempt.
func RunBilling(app core.App, id string) error {
	return runBilling(app, id, -1)
}

// runBilling stops after maxBatches batches when maxBatches ≥ 0, leaving the
// run "running" as a crash would (for tests of resuming).
func runBilling(app core.App, id string, maxBatches int) error {
	run, err := app.FindRecordById("billing_runs", id)
	if err != nil {
		return fmt.Errorf("billing run %s: %w", id, err)
	}
	fail := func(err error) error {
		run.Set("status", "failed")
		run.Set("error", err.Error())
		run.Set("finished_at", types.NowDateTime())
		if saveErr := app.Save(run); saveErr != nil {
			return fmt.Errorf("%w (and saving the failure: %v)", err, saveErr)
		}
		return err
	}
	p, err := fee.ParsePeriod(run.GetString("period"))
	if err != nil {
		return fail(err)
	}
	community := run.GetString("community")
	items, err := applicableItems(app, community, p)
	if err != nil {
		return fail(err)
	}
	var unitIDs []string
	if err := app.RecordQuery("units").Select("id").AndWhere(dbx.HashExp{"community": community}).
		OrderBy("id").Column(&unitIDs); err != nil {
		return fail(fmt.Errorf("list units: %w", err))
	}
	run.Set("status", "running")
	run.Set("started_at", types.NowDateTime())
	run.Set("total_units", len(unitIDs))
	for _, f := range []string{"processed_units", "created_bills", "existing_bills", "skipped"} {
		run.Set(f, 0)
	}
	if err := app.Save(run); err != nil {
		return fmt.Errorf("start run: %w", err)
	}
	for start, batch := 0, 0; start < len(unitIDs); start, batch = start+billingBatch, batch+1 {
		if maxBatches >= 0 && batch >= maxBatches {
			return nil // stopped as if killed: status stays "running"
		}
		ids := unitIDs[start:min(start+billingBatch, len(unitIDs))]
		var tally billTally
		err := app.RunInTransaction(func(tx core.App) error {
			batch, err := loadBatch(tx, ids, p)
			if err != nil {
				return err
			}
			for _, unit := range batch.units {
				if err := billUnit(tx, run, p, items, unit, batch, &tally); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fail(err)
		}
		run.Set("processed_units", run.GetInt("processed_units")+len(ids))
		run.Set("created_bills", run.GetInt("created_bills")+tally.created)
		run.Set("existing_bills", run.GetInt("existing_bills")+tally.existing)
		run.Set("skipped", run.GetInt("skipped")+tally.skipped)
		if err := app.Save(run); err != nil {
			return fmt.Errorf("run progress: %w", err)
		}
	}
	run.Set("status", "done")
	run.Set("finished_at", types.NowDateTime())
	if err := app.Save(run); err != nil {
		return fmt.Errorf("finish run: %w", err)
	}
	return RecordEvent(app, Event{Subject: run, Action: "status", From: "running", To: "done",
		Note: fmt.Sprintf("%d bills created, %d existed", run.GetInt("created_bills"), run.GetInt("existing_bills"))})
}

type billTally struct{ created, existing, skipped int }

// applicableItems are the community's active fee items of the period's
// cycle (quarterly items for a quarter, monthly ones for a month) in force
// during it.
func applicableItems(app core.App, community string, p fee.Period) ([]*core.Record, error) {
	cycle := "monthly"
	if p.Last.Sub(p.First) > 32*24*time.Hour {
		cycle = "quarterly"
	}
	items, err := app.FindAllRecords("fee_items", dbx.HashExp{"community": community, "active": true, "cycle": cycle},
		dbx.NewExp("(active_from = '' OR active_from <= {:last}) AND (active_to = '' OR active_to >= {:first})",
			dbx.Params{"first": p.First.Format(time.DateOnly), "last": p.Last.Format(time.DateOnly)}))
	if err != nil {
		return nil, fmt.Errorf("fee items: %w", err)
	}
	return items, nil
}

// unitBatch is what a batch of units needs, each read with one query: the
// units, the bills of the period they have already, their current owners
// and their unpaid paid-service orders.
type unitBatch struct {
	units    []*core.Record
	existing map[string]bool // unit + "/" + fee item
	owners   map[string]string
	lines    map[string][]StatementLine
}

func loadBatch(tx core.App, ids []string, p fee.Period) (*unitBatch, error) {
	b := &unitBatch{existing: map[string]bool{}, owners: map[string]string{}, lines: map[string][]StatementLine{}}
	var err error
	if b.units, err = tx.FindRecordsByIds("units", ids); err != nil {
		return nil, fmt.Errorf("batch units: %w", err)
	}
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	var existing []struct {
		Unit    string `db:"unit"`
		FeeItem string `db:"fee_item"`
	}
	if err := tx.DB().Select("unit", "fee_item").From("bills").
		Where(dbx.In("unit", in...)).AndWhere(dbx.HashExp{"period": p.Code}).AndWhere(dbx.NewExp("fee_item != ''")).
		All(&existing); err != nil {
		return nil, fmt.Errorf("batch bills: %w", err)
	}
	for _, e := range existing {
		b.existing[e.Unit+"/"+e.FeeItem] = true
	}
	var owners []struct {
		Unit     string `db:"unit"`
		Resident string `db:"resident"`
	}
	if err := tx.DB().Select("unit", "resident").From("unit_residents").
		Where(dbx.In("unit", in...)).AndWhere(dbx.HashExp{"relation": "owner", "active": true}).
		OrderBy("since DESC").All(&owners); err != nil {
		return nil, fmt.Errorf("batch owners: %w", err)
	}
	for _, o := range owners {
		b.owners[o.Unit] = o.Resident // the earliest owner wins: ordered latest first
	}
	var lines []struct {
		StatementLine
		Unit string `db:"unit"`
	}
	if err := tx.DB().Select("id", "serial", "amount_fen", "completed_at", "unit").From("work_orders").
		Where(dbx.In("unit", in...)).AndWhere(dbx.NewExp("payment = 'unpaid' AND amount_fen > 0 AND status != 'cancelled'")).
		OrderBy("completed_at").All(&lines); err != nil {
		return nil, fmt.Errorf("batch orders: %w", err)
	}
	for _, l := range lines {
		b.lines[l.Unit] = append(b.lines[l.Unit], l.StatementLine)
	}
	return b, nil
}

// billUnit makes the unit's bills for the period in transaction tx.
func billUnit(tx core.App, run *core.Record, p fee.Period, items []*core.Record, unit *core.Record, batch *unitBatch, tally *billTally) error {
	unitID := unit.Id
	payer := batch.owners[unitID]
	base := map[string]any{
		"community": unit.GetString("community"), "unit": unitID, "period": p.Code,
		"period_start": p.First.Format(time.DateOnly), "period_end": p.Last.Format(time.DateOnly),
		"due_on": p.First.AddDate(0, 0, paymentWindowDays-1).Format(time.DateOnly),
		"payer":  payer, "status": "issued", "run": run.Id,
	}
	for _, item := range items {
		if !slices.Contains(item.GetStringSlice("unit_types"), unit.GetString("type")) {
			continue
		}
		if batch.existing[unitID+"/"+item.Id] {
			tally.existing++
			continue
		}
		amount, basis, ok, err := billAmount(tx, item, unit, p)
		if err != nil {
			return err
		}
		if !ok || amount == 0 {
			tally.skipped++
			continue
		}
		if err := saveBill(tx, base, map[string]any{"fee_item": item.Id, "amount_fen": amount, "basis": basis}); err != nil {
			return err
		}
		tally.created++
	}
	// Paid services the resident chose to pay with the statement [003 2.6.7].
	for _, l := range batch.lines[unitID] {
		if err := saveBill(tx, base, map[string]any{"work_order": l.ID, "source": l.Serial, "amount_fen": l.AmountFen,
			"basis": map[string]any{"work_order": l.Serial, "completed_at": l.CompletedAt}}); err != nil {
			return err
		}
		order, err := tx.FindRecordById("work_orders", l.ID)
		if err != nil {
			return err
		}
		order.Set("payment", "billed")
		if err := tx.Save(order); err != nil {
			return fmt.Errorf("mark %s billed: %w", l.Serial, err)
		}
		tally.created++
	}
	return nil
}

func saveBill(tx core.App, base, fields map[string]any) error {
	col, err := tx.FindCachedCollectionByNameOrId("bills")
	if err != nil {
		return err
	}
	b := core.NewRecord(col)
	for k, v := range base {
		b.Set(k, v)
	}
	for k, v := range fields {
		b.Set(k, v)
	}
	// Every id on the bill was read from the database in this transaction,
	// so the generic relation checks would only repeat those reads; the
	// create hooks (serial number) still run, and the unique indexes still
	// guard against a duplicate.
	if err := tx.SaveNoValidate(b); err != nil {
		return fmt.Errorf("bill for unit %s: %w", base["unit"], err)
	}
	return nil
}

// billAmount prices item for unit over p. ok is false when the amount
// cannot be known yet (a metered item without both readings).
func billAmount(app core.App, item, unit *core.Record, p fee.Period) (int64, map[string]any, bool, error) {
	price := int64(item.GetInt("price_fen"))
	occ := fee.Occupancy{
		AreaCentiM2: int64(unit.GetFloat("area_m2")*100 + 0.5),
		HandedOver:  civil(unit.GetString("handed_over_on")),
		Renovated:   civil(unit.GetString("renovation_registered_on")),
		MovedIn:     civil(unit.GetString("moved_in_on")),
	}
	switch item.GetString("basis") {
	case "per_m2_month":
		if item.GetString("kind") != "management" {
			occ.Renovated = occ.HandedOver // the half-price rule is the management fee's alone
		}
		b := fee.ManagementFee(price, occ, p)
		return b.AmountFen, map[string]any{"area_m2": unit.GetFloat("area_m2"), "price_fen": price,
			"half_days": b.HalfDays, "full_days": b.FullDays, "free_days": b.FreeDays}, true, nil
	case "per_unit_month":
		if occ.HandedOver.IsZero() {
			return 0, nil, true, nil
		}
		return fee.MonthlyFee(price, occ.HandedOver, p), map[string]any{"price_fen": price}, true, nil
	case "fixed":
		if occ.HandedOver.IsZero() || occ.HandedOver.After(p.Last) {
			return 0, nil, true, nil
		}
		return price, map[string]any{"price_fen": price}, true, nil
	case "metered":
		before, err1 := lastReading(app, unit.Id, item.GetString("meter"), p.First.AddDate(0, 0, -1))
		after, err2 := lastReading(app, unit.Id, item.GetString("meter"), p.Last)
		if err1 != nil || err2 != nil || after < before {
			return 0, nil, false, nil
		}
		used := new(big.Rat).SetFloat64(after - before)
		amount := fee.Round(used.Mul(used, new(big.Rat).SetInt64(price)))
		return amount, map[string]any{"from": before, "to": after, "price_fen": price}, true, nil
	}
	return 0, nil, false, fmt.Errorf("fee item %s: unknown basis %q", item.GetString("code"), item.GetString("basis"))
}

// lastReading is the latest reading of the unit's meter on or before day.
func lastReading(app core.App, unit, meter string, day time.Time) (float64, error) {
	var v float64
	err := app.RecordQuery("meter_readings").Select("reading").
		AndWhere(dbx.HashExp{"unit": unit, "meter": meter}).
		AndWhere(dbx.NewExp("read_on <= {:d}", dbx.Params{"d": day.Format(time.DateOnly)})).
		OrderBy("read_on DESC").Limit(1).Row(&v)
	return v, err
}

// civil parses a YYYY-MM-DD field; empty or malformed gives the zero time.
func civil(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
