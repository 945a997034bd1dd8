package hooks

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/fee"
	"wuye/lib/serial"
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
	plan, err := newBillPlan(app, run.Id, p, items)
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

// billPlan is what a run works out once and uses for every batch: the
// period's dates, the fee items, how a bill row is written, and the prices
// it has already worked out.
type billPlan struct {
	run             string
	period          fee.Period
	start, end, due string
	days            []time.Time // every day of the period
	items           []feeItem
	statuses        []string
	table           *billTable
	meters          []string // of the metered items
	managed         map[managedKey]priced
	monthly         map[monthlyKey]int64
	serialPrefix    string
}

// feeItem is what pricing needs of a fee item, read once per run.
type feeItem struct {
	id, code, basis, kind, meter string
	price                        int64
	unitTypes                    []string
	priceBasis                   string // {"price_fen":…}, the basis of per-unit and fixed items
}

// priced is a worked-out amount and its basis JSON.
type priced struct {
	amount int64
	basis  string
}

func newBillPlan(app core.App, run string, p fee.Period, items []*core.Record) (*billPlan, error) {
	col, err := app.FindCachedCollectionByNameOrId("bills")
	if err != nil {
		return nil, err
	}
	table, err := newBillTable(app, col)
	if err != nil {
		return nil, err
	}
	pl := &billPlan{
		run: run, period: p, table: table, statuses: billStatuses(col), serialPrefix: serialPrefixes["bills"],
		start: p.First.Format(time.DateOnly), end: p.Last.Format(time.DateOnly),
		due:     p.First.AddDate(0, 0, paymentWindowDays-1).Format(time.DateOnly),
		managed: map[managedKey]priced{}, monthly: map[monthlyKey]int64{},
	}
	for day := p.First; !day.After(p.Last); day = day.AddDate(0, 0, 1) {
		pl.days = append(pl.days, day)
	}
	if len(pl.days) > maxPeriodDays {
		return nil, fmt.Errorf("period %s has %d days", p.Code, len(pl.days))
	}
	for _, r := range items {
		it := feeItem{id: r.Id, code: r.GetString("code"), basis: r.GetString("basis"), kind: r.GetString("kind"),
			meter: r.GetString("meter"), price: int64(r.GetInt("price_fen")), unitTypes: r.GetStringSlice("unit_types")}
		switch it.basis {
		case "per_m2_month", "per_unit_month", "fixed":
		case "metered":
			if !slices.Contains(pl.meters, it.meter) {
				pl.meters = append(pl.meters, it.meter)
			}
		default:
			return nil, fmt.Errorf("fee item %s: unknown basis %q", it.code, it.basis)
		}
		it.priceBasis = mustJSON(map[string]any{"price_fen": it.price})
		pl.items = append(pl.items, it)
	}
	return pl, nil
}

// batchUnit is what billing reads of a unit.
type batchUnit struct {
	ID         string  `db:"id"`
	Community  string  `db:"community"`
	Type       string  `db:"type"`
	AreaM2     float64 `db:"area_m2"`
	HandedOver string  `db:"handed_over_on"`
	Renovated  string  `db:"renovation_registered_on"`
	MovedIn    string  `db:"moved_in_on"`
}

// unitBatch is what a batch of units needs, each read with one query: the
// units, the bills of the period they have already, their current owners,
// their meter readings around the period and their unpaid paid-service
// orders.
type unitBatch struct {
	units    []batchUnit
	existing map[string]bool // unit + "/" + fee item
	owners   map[string]string
	readings map[string]float64 // meter + "/" + unit + "/" + "before" or "after"
	lines    map[string][]StatementLine
}

func (pl *billPlan) loadBatch(tx core.App, ids []string) (*unitBatch, error) {
	b := &unitBatch{existing: map[string]bool{}, owners: map[string]string{}, readings: map[string]float64{},
		lines: map[string][]StatementLine{}}
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	if err := tx.DB().Select("id", "community", "type", "area_m2", "handed_over_on", "renovation_registered_on", "moved_in_on").
		From("units").Where(dbx.In("id", in...)).OrderBy("id").All(&b.units); err != nil {
		return nil, fmt.Errorf("batch units: %w", err)
	}
	var existing []struct {
		Unit    string `db:"unit"`
		FeeItem string `db:"fee_item"`
	}
	if err := tx.DB().Select("unit", "fee_item").From("bills").
		Where(dbx.In("unit", in...)).AndWhere(dbx.HashExp{"period": pl.period.Code}).AndWhere(dbx.NewExp("fee_item != ''")).
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
	// The latest reading on or before the day before the period and on or
	// before its last day (SQLite takes the bare column from the MAX row),
	// of the readings no correction replaces (hooks/fees_meter_readings.go).
	for _, meter := range pl.meters {
		for when, day := range map[string]string{"before": pl.period.First.AddDate(0, 0, -1).Format(time.DateOnly), "after": pl.end} {
			var rows []struct {
				Unit    string  `db:"unit"`
				Reading float64 `db:"reading"`
				ReadOn  string  `db:"read_on"`
			}
			if err := tx.DB().Select("unit", "reading", "MAX(read_on) AS read_on").From("meter_readings").
				Where(dbx.In("unit", in...)).AndWhere(dbx.HashExp{"meter": meter}).
				AndWhere(dbx.NewExp("read_on <= {:d}", dbx.Params{"d": day})).AndWhere(dbx.NewExp(effectiveReadingsSQL)).
				GroupBy("unit").All(&rows); err != nil {
				return nil, fmt.Errorf("batch readings: %w", err)
			}
			for _, r := range rows {
				b.readings[meter+"/"+r.Unit+"/"+when] = r.Reading
			}
		}
	}
	var lines []struct {
		StatementLine
		Unit string `db:"unit"`
	}
	if err := tx.DB().Select("id", "serial", "amount_fen", "completed_at", "unit").From("work_orders").
		Where(dbx.In("unit", in...)).AndWhere(dbx.NewExp("payment = 'unpaid' AND amount_fen > 0 AND status != 'cancelled'")).
		// An amount beyond the bound (stored before it; migration 0032
		// repairs such rows) is no statement line.
		AndWhere(dbx.NewExp("amount_fen <= {:max}", dbx.Params{"max": MaxFen})).
		OrderBy("completed_at").All(&lines); err != nil {
		return nil, fmt.Errorf("batch orders: %w", err)
	}
	for _, l := range lines {
		b.lines[l.Unit] = append(b.lines[l.Unit], l.StatementLine)
	}
	return b, nil
}

// billBatch makes the bills of the units ids in transaction tx.
func (pl *billPlan) billBatch(tx core.App, ids []string, tally *billTally) error {
	batch, err := pl.loadBatch(tx, ids)
	if err != nil {
		return err
	}
	bills := make([]newBill, 0, len(ids)*len(pl.items))
	var billed []string // work orders put on the statement
	for i := range batch.units {
		unit := &batch.units[i]
		base := newBill{Community: unit.Community, Unit: unit.ID, Period: pl.period.Code, PeriodStart: pl.start,
			PeriodEnd: pl.end, DueOn: pl.due, Payer: batch.owners[unit.ID], Status: "issued", Run: pl.run}
		occ := fee.Occupancy{
			AreaCentiM2: int64(unit.AreaM2*100 + 0.5),
			HandedOver:  civil(unit.HandedOver),
			Renovated:   civil(unit.Renovated),
			MovedIn:     civil(unit.MovedIn),
		}
		for j := range pl.items {
			item := &pl.items[j]
			if !slices.Contains(item.unitTypes, unit.Type) {
				continue
			}
			if batch.existing[unit.ID+"/"+item.id] {
				tally.existing++
				continue
			}
			pr, ok := pl.price(item, unit, occ, batch)
			if !ok || pr.amount == 0 {
				tally.skipped++
				continue
			}
			b := base
			b.FeeItem, b.AmountFen, b.Basis = item.id, pr.amount, pr.basis
			bills = append(bills, b)
		}
		// Paid services the resident chose to pay with the statement [003 2.6.7].
		for _, l := range batch.lines[unit.ID] {
			b := base
			b.WorkOrder, b.Source, b.AmountFen = l.ID, l.Serial, l.AmountFen
			b.Basis = mustJSON(map[string]any{"work_order": l.Serial, "completed_at": l.CompletedAt})
			bills = append(bills, b)
			billed = append(billed, l.ID)
		}
	}
	for i := range bills {
		if err := checkBill(&bills[i], pl.statuses); err != nil {
			return fmt.Errorf("bill of unit %s for %s: %w", bills[i].Unit, bills[i].FeeItem+bills[i].Source, err)
		}
	}
	if err := pl.table.insert(tx, bills, pl.serialPrefix); err != nil {
		return err
	}
	if len(billed) > 0 {
		orders, err := tx.FindRecordsByIds("work_orders", billed)
		if err != nil {
			return err
		}
		for _, order := range orders {
			order.Set("payment", "billed")
			if err := tx.Save(order); err != nil {
				return fmt.Errorf("mark %s billed: %w", order.GetString("serial"), err)
			}
		}
	}
	tally.created += len(bills)
	return nil
}

// maxPeriodDays is the longest period (a quarter) a run prices.
const maxPeriodDays = 92

// managedKey is what a per-m² amount depends on: lib/fee's ManagementFee
// reads the occupancy only through its area and its rate (free, half,
// full) on each day of the period, so two units with the same area and the
// same rate day by day owe the same. Most units of an estate share a
// handful of floor plans and pay the full rate all period, so a run prices
// each (area, price, rates) once rather than once per unit (ManagementFee
// walks the period's days with exact fractions: tens of microseconds).
type managedKey struct {
	price int64
	area  float64
	rates [maxPeriodDays]uint8
}

type monthlyKey struct {
	price      int64
	handedOver string
}

// price works out item for unit over the period. ok is false when the
// amount cannot be known yet (a metered item without both readings).
func (pl *billPlan) price(item *feeItem, unit *batchUnit, occ fee.Occupancy, batch *unitBatch) (priced, bool) {
	p := pl.period
	switch item.basis {
	case "per_m2_month":
		if item.kind != "management" {
			occ.Renovated = occ.HandedOver // the half-price rule is the management fee's alone
		}
		key := managedKey{price: item.price, area: unit.AreaM2}
		for i, day := range pl.days {
			key.rates[i] = uint8(occ.RateOn(day))
		}
		if pr, ok := pl.managed[key]; ok {
			return pr, true
		}
		b := fee.ManagementFee(item.price, occ, p)
		pr := priced{b.AmountFen, mustJSON(managedBasis{AreaM2: unit.AreaM2, FreeDays: b.FreeDays, FullDays: b.FullDays,
			HalfDays: b.HalfDays, PriceFen: item.price})}
		pl.managed[key] = pr
		return pr, true
	case "per_unit_month":
		if occ.HandedOver.IsZero() {
			return priced{}, true
		}
		key := monthlyKey{item.price, unit.HandedOver}
		amount, ok := pl.monthly[key]
		if !ok {
			amount = fee.MonthlyFee(item.price, occ.HandedOver, p)
			pl.monthly[key] = amount
		}
		return priced{amount, item.priceBasis}, true
	case "fixed":
		if occ.HandedOver.IsZero() || occ.HandedOver.After(p.Last) {
			return priced{}, true
		}
		return priced{item.price, item.priceBasis}, true
	case "metered":
		before, ok1 := batch.readings[item.meter+"/"+unit.ID+"/before"]
		after, ok2 := batch.readings[item.meter+"/"+unit.ID+"/after"]
		if !ok1 || !ok2 || after < before {
			return priced{}, false
		}
		used := new(big.Rat).SetFloat64(after - before)
		amount := fee.Round(used.Mul(used, new(big.Rat).SetInt64(item.price)))
		return priced{amount, mustJSON(map[string]any{"from": before, "to": after, "price_fen": item.price})}, true
	}
	return priced{}, false // not reached: newBillPlan refuses unknown bases
}

// managedBasis is the basis of a per-m² bill, its keys in the order
// encoding/json gives a map's.
type managedBasis struct {
	AreaM2   float64 `json:"area_m2"`
	FreeDays int     `json:"free_days"`
	FullDays int     `json:"full_days"`
	HalfDays int     `json:"half_days"`
	PriceFen int64   `json:"price_fen"`
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain maps and structs of numbers and strings come here
	}
	return string(b)
}

// billTable writes bills with multi-row INSERTs. Every column of the bills
// table is written: those that differ from bill to bill (billRowCols) as
// parameters of each row, the rest once per statement — the values a run
// gives all its bills of a batch, and for the fields a run leaves blank the
// values PocketBase stores for a new blank bill record, taken from the
// collection's own fields (so a field added to the collection later is
// stored as a record save would store it).
type billTable struct {
	consts []string // the other columns, sorted
	blank  map[string]any
	sql    map[int]string // the INSERT for n rows
}

// billRowCols are the columns that differ from one bill to the next.
var billRowCols = []string{"id", "serial", "unit", "fee_item", "work_order", "source", "payer", "amount_fen", "basis"}

// billRowsPerInsert is how many bills one INSERT statement writes; the
// statement is prepared once per batch and run again for each group of
// rows. Not more: the SQLite driver matches each parameter to its argument
// with a linear search, so a statement's cost grows with the square of its
// parameters.
var billRowsPerInsert = 32

func newBillTable(app core.App, col *core.Collection) (*billTable, error) {
	blank, err := core.NewRecord(col).DBExport(app)
	if err != nil {
		return nil, err
	}
	t := &billTable{blank: blank, sql: map[int]string{}}
	for _, name := range append(slices.Clone(billRowCols), "created", "updated", "community", "period", "period_start",
		"period_end", "due_on", "status", "run") {
		if _, ok := blank[name]; !ok {
			return nil, fmt.Errorf("bills have no field %q", name)
		}
	}
	for name := range blank {
		if !slices.Contains(billRowCols, name) {
			t.consts = append(t.consts, name)
		}
	}
	slices.Sort(t.consts)
	return t, nil
}

// insertSQL is the INSERT of n rows: the rows' own values are parameters
// r0, r1, … (row by row, in the order of billRowCols), the values common to
// all rows c0, c1, … (in the order of consts), given once.
func (t *billTable) insertSQL(n int) string {
	if s, ok := t.sql[n]; ok {
		return s
	}
	var sb strings.Builder
	sb.WriteString("INSERT OR FAIL INTO {{bills}} (")
	for i, c := range append(slices.Clone(billRowCols), t.consts...) {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("[[" + c + "]]")
	}
	sb.WriteString(") SELECT v.*, c.* FROM (VALUES ")
	k := 0
	for r := 0; r < n; r++ {
		if r > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for c := range billRowCols {
			if c > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString("{:r" + strconv.Itoa(k) + "}")
			k++
		}
		sb.WriteByte(')')
	}
	sb.WriteString(") AS v, (SELECT ")
	for i := range t.consts {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("{:c" + strconv.Itoa(i) + "} AS [[c" + strconv.Itoa(i) + "]]")
	}
	sb.WriteString(") AS c")
	t.sql[n] = sb.String()
	return t.sql[n]
}

// insert stores bills in transaction tx, numbering them with one block of
// serials of prefix for today. All of them are of one run and one batch:
// they share the fields that are not billRowCols (checkBill has checked
// them on every bill).
//
// INSERT OR FAIL rather than the default OR ABORT: a duplicate still stops
// the statement with an error, which rolls back the whole batch, and SQLite
// need not keep a statement journal to undo just the statement.
func (t *billTable) insert(tx core.App, bills []newBill, prefix string) error {
	if len(bills) == 0 {
		return nil
	}
	day := serial.Day(now())
	first, err := ReserveSerials(tx, prefix, day, len(bills))
	if err != nil {
		return err
	}
	stamp := nowDateTime().String()
	ids, err := batchIDs(len(bills))
	if err != nil {
		return err
	}
	b0 := &bills[0]
	consts := dbx.Params{}
	for i, name := range t.consts {
		v := t.blank[name]
		switch name {
		case "created", "updated":
			v = stamp
		case "community":
			v = b0.Community
		case "period":
			v = b0.Period
		case "period_start":
			v = b0.PeriodStart
		case "period_end":
			v = b0.PeriodEnd
		case "due_on":
			v = b0.DueOn
		case "status":
			v = b0.Status
		case "run":
			v = b0.Run
		}
		consts["c"+strconv.Itoa(i)] = v
	}
	for i := range bills {
		b := &bills[i]
		if b.Community != b0.Community || b.Period != b0.Period || b.PeriodStart != b0.PeriodStart || b.PeriodEnd != b0.PeriodEnd ||
			b.DueOn != b0.DueOn || b.Status != b0.Status || b.Run != b0.Run {
			return fmt.Errorf("bill of unit %s differs from its batch", b.Unit)
		}
	}
	per := billRowsPerInsert
	var stmt, one *dbx.Query // for per rows, and for one row
	defer func() {
		for _, q := range []*dbx.Query{stmt, one} {
			if q != nil {
				q.Close()
			}
		}
	}()
	names := make([]string, per*len(billRowCols))
	for i := range names {
		names[i] = "r" + strconv.Itoa(i)
	}
	// A prepared statement keeps the parameter map it was bound with:
	// each group of rows fills it in again.
	prepare := func(n int) (*dbx.Query, dbx.Params, error) {
		q := tx.DB().NewQuery(t.insertSQL(n)).Prepare()
		if q.LastError != nil {
			return nil, nil, fmt.Errorf("prepare bill insert: %w", q.LastError)
		}
		params := maps.Clone(consts)
		for _, name := range names[:n*len(billRowCols)] {
			params[name] = nil
		}
		q.Bind(params)
		return q, params, nil
	}
	var stmtParams, oneParams dbx.Params
	for start := 0; start < len(bills); {
		n, q, params := per, stmt, stmtParams
		if len(bills)-start < per {
			n, q, params = 1, one, oneParams
		}
		if q == nil {
			if q, params, err = prepare(n); err != nil {
				return err
			}
			if n == per {
				stmt, stmtParams = q, params
			} else {
				one, oneParams = q, params
			}
		}
		for r := 0; r < n; r++ {
			b := &bills[start+r]
			no, err := serial.Format(prefix, day, first+start+r)
			if err != nil {
				return err
			}
			k := r * len(billRowCols)
			for c, v := range [...]any{ids[start+r], no, b.Unit, b.FeeItem, b.WorkOrder, b.Source, b.Payer, b.AmountFen, b.Basis} {
				params[names[k+c]] = v
			}
		}
		if _, err := q.Execute(); err != nil {
			return fmt.Errorf("insert %d bills: %w", n, err)
		}
		start += n
	}
	return nil
}

// batchIDs are n record ids for the bills of one batch: a random prefix
// shared by the batch and a sequence number, 15 characters of [a-z0-9]
// like PocketBase's own ids. Ids that follow each other land side by side
// in the bills' id index, so a batch rewrites a few pages of it rather than
// one page per bill scattered over the whole index (which is what made
// each commit, and the WAL behind it, grow with the table).
func batchIDs(n int) ([]string, error) {
	const seqLen = 5 // 36⁵ ≈ 60 million bills a batch
	if n > 60_000_000 {
		return nil, fmt.Errorf("%d bills in one batch", n)
	}
	prefix := core.GenerateDefaultRandomId()[:15-seqLen]
	ids := make([]string, n)
	for i := range ids {
		seq := strconv.FormatInt(int64(i), 36)
		ids[i] = prefix + strings.Repeat("0", seqLen-len(seq)) + seq
	}
	return ids, nil
}
