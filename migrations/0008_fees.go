package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(feesUp, dropper("bills", "billing_runs", "meter_readings", "fee_items"), "0008_fees.go")
}

// feesUp creates the fee items, meter readings, billing runs and bills.
// (Payments, reminders and the deposits ledger follow in later migrations.)
func feesUp(app core.App) error {
	communities, _ := app.FindCollectionByNameOrId("communities")
	units, _ := app.FindCollectionByNameOrId("units")
	workOrders, _ := app.FindCollectionByNameOrId("work_orders")
	staff, residents, err := authCollections(app)
	if err != nil {
		return err
	}
	cashierOf := func(path string) string {
		return and(staffOf(path), `(@request.auth.role = "cashier" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	}

	items := core.NewBaseCollection("fee_items")
	items.Fields.Add(
		rel("community", communities, true),
		text("code", true, 20),
		text("name", true, 100),
		choice("kind", true, FeeKinds...),
		choice("basis", true, FeeBases...),
		integer("price_fen", true, 0), // per m² per month for per_m2_month, per m³/kWh for metered
		&core.SelectField{Name: "unit_types", Required: true, MaxSelect: len(UnitTypes), Values: UnitTypes},
		choice("meter", false, Meters...),                                               // for metered items
		&core.NumberField{Name: "late_fee_rate", Min: floatPtr(0), Max: floatPtr(0.01)}, // share of the overdue amount per day
		choice("cycle", true, FeeCycles...),
		date("active_from", false),
		date("active_to", false),
		flag("active"),
	)
	withAutodates(items)
	items.AddIndex("idx_fee_items_code", true, "community, code", "")
	setRules(items,
		rule(or(staffOf("community"), livesIn("community.units_via_community.unit_residents_via_unit"))),
		rule(or(staffOf("community"), livesIn("community.units_via_community.unit_residents_via_unit"))),
		rule(writerOf("community")), rule(writerOf("community")), nil,
	)
	if err := app.Save(items); err != nil {
		return fmt.Errorf("fee_items: %w", err)
	}

	readings := core.NewBaseCollection("meter_readings")
	readings.Fields.Add(
		rel("unit", units, true),
		choice("meter", true, Meters...),
		&core.NumberField{Name: "reading", Required: true, Min: floatPtr(0)},
		date("read_on", true),
		rel("read_by", staff, false),
	)
	withAutodates(readings)
	readings.AddIndex("idx_meter_readings_unit", true, "unit, meter, read_on", "")
	setRules(readings,
		rule(or(staffOf("unit.community"), livesIn("unit.unit_residents_via_unit"))),
		rule(or(staffOf("unit.community"), livesIn("unit.unit_residents_via_unit"))),
		rule(and(staffOf("unit.community"), `(@request.auth.role = "cashier" || @request.auth.role = "area_manager" || @request.auth.role = "supervisor")`)),
		rule(cashierOf("unit.community")), nil,
	)
	if err := app.Save(readings); err != nil {
		return fmt.Errorf("meter_readings: %w", err)
	}

	runs := core.NewBaseCollection("billing_runs")
	runs.Fields.Add(
		rel("community", communities, true),
		text("period", true, 10), // 2026-Q1 or 2026-01
		choice("status", true, RunStatuses...),
		integer("total_units", false, 0),
		integer("processed_units", false, 0),
		integer("created_bills", false, 0),
		integer("existing_bills", false, 0),
		integer("skipped", false, 0), // nothing due (not handed over, no readings)
		rel("started_by", staff, false),
		timestamp("started_at"),
		timestamp("finished_at"),
		text("error", false, 2000),
	)
	withAutodates(runs)
	// Clients watch a run through its record topic: the view rule.
	setRules(runs, rule(staffOf("community")), rule(staffOf("community")), rule(cashierOf("community")), nil, nil)
	if err := app.Save(runs); err != nil {
		return fmt.Errorf("billing_runs: %w", err)
	}

	bills := core.NewBaseCollection("bills")
	bills.Fields.Add(
		text("serial", false, 30),
		rel("community", communities, true),
		rel("unit", units, true),
		rel("fee_item", items, false), // empty for a paid-service line
		rel("work_order", workOrders, false),
		text("source", false, 50), // e.g. the work order's serial
		text("period", true, 10),
		date("period_start", true),
		date("period_end", true),
		rel("payer", residents, false),
		integer("amount_fen", true, 0),
		integer("discount_fen", false, 0),
		text("discount_reason", false, 200),
		integer("late_fee_fen", false, 0),
		integer("paid_fen", false, 0),
		date("due_on", true),
		choice("status", true, BillStatuses...),
		text("reminder_stage", false, 10),
		rel("run", runs, false),
		&core.JSONField{Name: "basis", MaxSize: 2000}, // how the amount came about (area, rate, days …)
	)
	withAutodates(bills)
	bills.AddIndex("idx_bills_serial", true, "serial", "serial != ''")
	// One bill per unit, fee item and period; one line per work order.
	bills.AddIndex("idx_bills_unit_item_period", true, "unit, fee_item, period", "fee_item != ''")
	bills.AddIndex("idx_bills_work_order", true, "work_order", "work_order != ''")
	bills.AddIndex("idx_bills_community_period", false, "community, period, status", "")
	seesBills := `(@request.auth.role = "cashier" || @request.auth.role = "area_manager" || @request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`
	readBills := or(and(staffOf("community"), seesBills), livesIn("unit.unit_residents_via_unit"))
	// Bills are made by billing runs, never by hand through the API.
	setRules(bills, rule(readBills), rule(readBills), nil, nil, nil)
	if err := app.Save(bills); err != nil {
		return fmt.Errorf("bills: %w", err)
	}
	return nil
}
