package hooks

import (
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/fee"
)

// billingBatch is how many units one transaction of a billing run covers:
// small enough to keep other writers waiting only briefly (200 units, ~600
// bills, are written in a few milliseconds of CPU), large enough to
// amortise the per-batch reads, the serial reservation and the commit.
// (500 measured some 10% less CPU per bill: not worth longer waits for the
// cashiers and front desk writing meanwhile.) Resuming is exact whatever
// the size: a batch is all or nothing.
var billingBatch = 200

// The payment window is the 1st–10th of the period's first month ([000] 收费员 4.2.1.6).
const paymentWindowDays = 10

func registerBilling(app core.App) {
	app.OnRecordCreateRequest("billing_runs").BindFunc(func(e *core.RecordRequestEvent) error {
		r := e.Record
		if _, err := fee.ParsePeriod(r.GetString("period")); err != nil {
			return badRequest(validation.Errors{"period": codedError("wuye_bad_period")})
		}
		for _, f := range []string{"total_units", "processed_units", "created_bills", "existing_bills", "skipped", "error", "finished_at"} {
			r.Set(f, nil)
		}
		r.Set("status", "pending")
		if isStaff(e.Auth) {
			r.Set("started_by", e.Auth.Id)
		}
		// One run of a period at a time, checked inside the write: two
		// cashiers starting the same period at once cannot both start it.
		return inTxAround(e, func(tx core.App) error {
			busy, err := exists(tx, "billing_runs", dbx.HashExp{"community": r.GetString("community"),
				"period": r.GetString("period"), "status": []any{"pending", "running"}}, "")
			if err != nil {
				return err
			}
			if busy {
				return badRequest(validation.Errors{"period": codedError("wuye_run_in_progress")})
			}
			return nil
		}, func(tx core.App) error {
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
	// A new bill saved as a record (a superuser through the API or the
	// dashboard, code calling app.Save) is held to the same rules as the
	// bills a run inserts in bulk: checkBill, with the field validators.
	// (Like them it is skipped by SaveNoValidate.) The serial is given by
	// BindSerial, as for every document.
	app.OnRecordValidate("bills").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.IsNew() {
			if errs := checkBill(billOf(e.Record), billStatuses(e.Record.Collection())); errs != nil {
				return errs
			}
		}
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
//
// How a batch is written (issue #10; about ten times faster than saving
// each bill as a record): the batch's units, existing bills, owners, meter
// readings and unbilled work orders are read with one query apiece; the
// bills are priced in Go through lib/fee; every bill is checked with
// checkBill — the function the bills' validation hook runs for a bill saved
// as a record, so the two ways in cannot drift apart; the batch takes one
// block of ZD- serials with one counter update (ReserveSerials, in the
// batch's transaction, so a failed batch returns its numbers and the day's
// serials stay gap-free); and the bills are written with multi-row INSERTs
// through the transaction, every column valued as PocketBase would store
// it (billTable). The work orders put on the statement are still saved as
// records (their hooks and realtime events matter to the resident's page).
//
// What the bulk insert does not do: PocketBase broadcasts realtime events
// and runs the per-record hooks only for record saves, so a bill made by a
// run produces no realtime "create" event. Nothing subscribes to a
// community's bills (the pages read bills when opened); what the cashier's
// page watches is the run record, whose progress is saved after every
// batch as before. Bills have no audit events of their own, then or now:
// the run's events (created, done with its counts) are the trail.
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
		run.Set("finished_at", nowDateTime())
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
	plan, err := newBillPlan(app, run.Id, p, items, feeStartOf(app, community))
	if err != nil {
		return fail(err)
	}
	var unitIDs []string
	if err := app.RecordQuery("units").Select("id").AndWhere(dbx.HashExp{"community": community}).
		OrderBy("id").Column(&unitIDs); err != nil {
		return fail(fmt.Errorf("list units: %w", err))
	}
	run.Set("status", "running")
	run.Set("started_at", nowDateTime())
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
			tally = billTally{}
			return plan.billBatch(tx, ids, &tally)
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
	run.Set("finished_at", nowDateTime())
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

// newBill is a bill as checkBill checks it and a billing run stores it.
type newBill struct {
	Community, Unit, FeeItem, WorkOrder, Source string
	Period, PeriodStart, PeriodEnd, DueOn       string
	Payer, Status, Run                          string
	AmountFen                                   int64
	Basis                                       string // JSON: how the amount came about
}

// billOf reads the fields checkBill checks from a bill record.
func billOf(r *core.Record) *newBill {
	basis, _ := r.GetRaw("basis").(types.JSONRaw)
	return &newBill{
		Community: r.GetString("community"), Unit: r.GetString("unit"), FeeItem: r.GetString("fee_item"),
		WorkOrder: r.GetString("work_order"), Source: r.GetString("source"), Period: r.GetString("period"),
		PeriodStart: r.GetString("period_start"), PeriodEnd: r.GetString("period_end"), DueOn: r.GetString("due_on"),
		Payer: r.GetString("payer"), Status: r.GetString("status"), Run: r.GetString("run"),
		AmountFen: int64(r.GetInt("amount_fen")), Basis: string(basis),
	}
}

// billStatuses are the status values the bills collection allows.
func billStatuses(col *core.Collection) []string {
	if f, ok := col.Fields.GetByName("status").(*core.SelectField); ok {
		return f.Values
	}
	return nil
}

// checkBill is the bill's rules, run for every new bill whichever way it
// is made — by the bills' validation hook for a bill saved as a record, and
// by a billing run for each bill it inserts in bulk — so that the two
// cannot drift apart. It covers the collection's field constraints that matter
// for a bill (required fields, real dates, a known status, sizes) and what
// any bill means: a period written 2026-01 or 2026-Q1 that does not end
// before it starts, due no earlier than it starts, for a whole number of
// fen above 0, for a fee item or a paid-service order but not both.
// (A run's bills are moreover for exactly one of the two, over the whole
// period, by construction.) Related ids are not looked up here: a run has
// just read them in the same transaction, and a record save checks them
// with the relation fields' own validators.
func checkBill(b *newBill, statuses []string) validation.Errors {
	var errs validation.Errors
	bad := func(field, code string, params ...any) {
		if errs == nil {
			errs = validation.Errors{}
		}
		if errs[field] == nil {
			errs[field] = codedError(code, params...)
		}
	}
	required := func(field, v string) {
		if v == "" {
			bad(field, "validation_required")
		}
	}
	required("community", b.Community)
	required("unit", b.Unit)
	required("period", b.Period)
	required("period_start", b.PeriodStart)
	required("period_end", b.PeriodEnd)
	required("due_on", b.DueOn)
	required("status", b.Status)
	if b.FeeItem != "" && b.WorkOrder != "" {
		bad("work_order", "validation_invalid_value")
	}
	if b.AmountFen <= 0 {
		bad("amount_fen", "wuye_amount_positive")
	} else if b.AmountFen > MaxFen {
		bad("amount_fen", "wuye_amount_too_large") // hooks/guard_money.go
	}
	if b.Status != "" && !slices.Contains(statuses, b.Status) {
		bad("status", "validation_in_invalid")
	}
	if b.Period != "" {
		if _, err := fee.ParsePeriod(b.Period); err != nil {
			bad("period", "wuye_bad_period")
		}
	}
	date := func(field, v string) bool {
		if v == "" {
			return false
		}
		if !isCivilDate(v) {
			bad(field, "wuye_date_invalid")
			return false
		}
		return true
	}
	startOK, endOK, dueOK := date("period_start", b.PeriodStart), date("period_end", b.PeriodEnd), date("due_on", b.DueOn)
	if startOK && endOK && b.PeriodEnd < b.PeriodStart {
		bad("period_end", "wuye_date_before", fieldLabels["period_start"].zh, fieldLabels["period_start"].en)
	}
	if startOK && dueOK && b.DueOn < b.PeriodStart {
		bad("due_on", "wuye_date_before", fieldLabels["period_start"].zh, fieldLabels["period_start"].en)
	}
	if len(b.Source) > 50 {
		bad("source", "validation_max_text_constraint")
	}
	if len(b.Basis) > 2000 {
		bad("basis", "validation_invalid_value")
	}
	return errs
}
